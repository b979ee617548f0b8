"""The letter templates' language: Jinja2's immutable sandbox over plain values (ADR 016).

Pure. A template sees only the context it is given — strings, numbers, dates and lists
of them, built by `selectors.merge` for one case — with no globals (no `range`,
`cycler`, `joiner`, `lipsum`, `namespace`, `config`, `request`), a short list of filters,
no attribute of any value but a date's year, month and day, and no call of anything.
What a template tries beyond that renders as nothing or stops the rendering with an
error the editor shows; it can never reach code, settings or another person's data,
because none of those is in reach.

A template is plain text: a blank line separates paragraphs, a line starting with `# `
is a heading and one starting with `- ` a list item. `to_html` escapes the merged text
as a whole, so no markup from a template or a value reaches a page or a PDF.
"""

from __future__ import annotations

import html
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from jinja2 import ChainableUndefined, TemplateError, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup, escape

MAX_SOURCE = 20_000
MAX_OUTPUT = 60_000
MAX_REPEAT = 200
SAFE_DATE_ATTRIBUTES = frozenset({"year", "month", "day"})
PLAIN_TYPES = (str, int, float, bool, date, type(None))

MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]


def _date(value, style: str = "iso") -> str:
    """`{{ datum|datum }}` 2026-11-22, `{{ datum|datum('lång') }}` 22 november 2026."""
    if not isinstance(value, date):
        return "" if value is None else str(value)
    if style in ("lång", "lang", "long"):
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return value.isoformat()


def _join(value, separator: str = ", ") -> str:
    if isinstance(value, list | tuple):
        return str(separator).join(str(v) for v in value)
    return "" if value is None else str(value)


def _default(value, fallback: str = ""):
    return value if value not in (None, "") and not isinstance(value, Undefined) else fallback


FILTERS = {
    "datum": _date,
    "lista": _join,
    "join": _join,
    "default": _default,
    "d": _default,
    "upper": lambda v: str(v).upper(),
    "lower": lambda v: str(v).lower(),
    "capitalize": lambda v: str(v).capitalize(),
    "trim": lambda v: str(v).strip(),
    "length": lambda v: len(v) if isinstance(v, str | list | tuple) else 0,
}


class LetterEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox with nothing in reach: no globals, a few filters, no attributes but a
    date's parts, no calls, and bounded repetition."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=ChainableUndefined)
        self.globals.clear()
        self.filters = dict(FILTERS)
        self.tests = {k: v for k, v in self.tests.items() if k not in {"callable"}}

    def is_safe_attribute(self, obj, attr: str, value) -> bool:
        return isinstance(obj, date) and attr in SAFE_DATE_ATTRIBUTES

    def is_safe_callable(self, obj) -> bool:
        return False

    def call_binop(self, context, operator_name: str, left, right):
        if operator_name == "*":
            if any(isinstance(x, str | list | tuple) for x in (left, right)):
                count = right if isinstance(right, int) else left
                if not isinstance(count, int) or count > MAX_REPEAT:
                    raise SecurityError("repetition too long")
            return operator.mul(left, right)
        if not isinstance(right, int) or abs(right) > 64:
            raise SecurityError("power too large")
        return operator.pow(left, right)


_ENV = LetterEnvironment()


@dataclass(frozen=True)
class Rendered:
    text: str  # the merged plain text ("" when the template failed)
    error: str  # why it failed, in Swedish ("" when it did not)

    @property
    def ok(self) -> bool:
        return not self.error


def _check_plain(value, path: str) -> None:
    if isinstance(value, PLAIN_TYPES):
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_plain(item, path)
        return
    raise TypeError(f"not a plain value in a letter's context: {path}")


def check_context(context: Mapping[str, object]) -> None:
    """Refuse anything but plain values (no models, no callables, no nested mappings)."""
    for key, value in context.items():
        _check_plain(value, key)


def render(source: str, context: Mapping[str, object]) -> Rendered:
    """Merge `context` into the template `source`; the result is plain text."""
    check_context(context)
    if len(source) > MAX_SOURCE:
        return Rendered("", f"Mallen är för lång (högst {MAX_SOURCE} tecken).")
    try:
        markup = _ENV.from_string(source).render(dict(context))
    except SecurityError:
        return Rendered("", "Mallen försöker göra något som inte är tillåtet i ett brev.")
    except TemplateError as exc:
        return Rendered("", f"Mallen kunde inte läsas: {str(exc)[:200]}")
    except (TypeError, ValueError, ArithmeticError, OverflowError):
        return Rendered("", "Mallen kunde inte fyllas i.")
    text = html.unescape(str(markup)).strip()
    if len(text) > MAX_OUTPUT:
        return Rendered("", "Brevet blir för långt.")
    return Rendered(text, "")


def check(source: str) -> str:
    """The error a template gives with example values ("" when it renders)."""
    return render(source, {}).error


def to_html(text: str) -> Markup:
    """Plain text → paragraphs, headings (`# `) and lists (`- `), every character escaped."""
    parts: list[str] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.rstrip() for line in block.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.lstrip().startswith("- ") for line in lines):
            items = "".join(f"<li>{escape(line.lstrip()[2:])}</li>" for line in lines)
            parts.append(f"<ul>{items}</ul>")
            continue
        if lines[0].startswith("# "):
            parts.append(f"<h2>{escape(lines[0][2:])}</h2>")
            lines = lines[1:]
        if lines:
            parts.append("<p>" + "<br>".join(str(escape(line)) for line in lines) + "</p>")
    return Markup("".join(parts))  # noqa: S704 - every piece above is escaped
