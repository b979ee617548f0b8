"""What a thread's kind means for sharing: the consent category it shares with its party.

Models-level (no queries): used by the reads (`selectors.messages`) and the writes
(`services.messages`) alike, so neither needs the other.
"""

from __future__ import annotations

from samsyn.collaboration.models import ThreadKind
from samsyn.consent.models import Category


def thread_category(kind: str) -> str:
    """The consent category a thread of this kind shares with its party."""
    if kind == ThreadKind.FK_REHAB_NEED:
        return Category.INFORM_FK_REHAB_NEED
    return Category.MESSAGES
