"""Reads of the sick-leave app. Every read of personal data is logged.

The look-up of a person by personnummer lives in `people.selectors`; kept here for the
certificate form.
"""

from __future__ import annotations

from samsyn.people.selectors import find_person_for

__all__ = ["find_person_for"]
