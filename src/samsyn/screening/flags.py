"""The flag a stored response raises on its case, for the case page and the worklist."""

from __future__ import annotations

from samsyn.screening import risk, scoring


def flag_of(response, inst: scoring.Instrument) -> risk.Flag | None:
    """The case's flag for a response that reached its cut-off or raised an item flag."""
    if not response.flagged:
        return None
    notes = [
        f"fråga {inst.item(f.item).number}"
        for f in inst.item_flags
        if f.code in response.item_flags
    ]
    total = response.total
    if total is None and response.over_cutoff:
        total = response.lowest_possible
        notes.insert(0, "minst")
    return risk.Flag(
        short=inst.short,
        total=total if response.over_cutoff or response.total is not None else None,
        cutoff=inst.cutoff.text,
        on=response.taken_on,
        note=", ".join(notes),
    )
