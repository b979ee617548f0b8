"""Moved to `cases.selectors.shared` (the external actors' cases); this name stays for
`core.views` until it reads `cases.selectors.shared_cases`."""

from samsyn.cases.selectors.shared import shared_case, shared_cases

__all__ = ["shared_case", "shared_cases"]
