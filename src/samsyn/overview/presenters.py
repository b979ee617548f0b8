"""What the person's own view explains in plain Swedish (from the pure `plain` module)."""

from __future__ import annotations

from samsyn.overview import plain


def explanations() -> dict:
    """Who does what and the words that mean different things to different actors."""
    return {"who_does_what": plain.WHO_DOES_WHAT, "words": plain.WORDS}


def certificate_name(type_: str) -> str:
    return str(plain.CERTIFICATE_PLAIN.get(type_, type_))
