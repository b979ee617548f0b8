"""One scoring engine for every screening instrument Samsyn ships (issue 18 §4).

Pure: an instrument is data (`instruments/<code>.json`: items, answer scales, reversed
items, the missing-answer rule with its source, bands, the cut-off, item flags, sources
and known accuracy); `score(instrument, answers)` turns a person's answers into a total,
a band and the flags. Nothing here reads the database or knows who asks.

The rules, each stated with its source in the data file:
- an item's points are the chosen value, or for a reversed item `min + max − value`
  (ÖMPSQ-10 items 3, 4 and 8: 10 − value, Linton, Nicholas & MacDonald 2011);
- missing answers: `rule: none` gives no total when any answer is missing; `rule:
  prorate` scales the answered items' sum to all items (sum × n / answered, rounded half
  up) when at most `max_missing` are missing (PHQ-9: 2, GAD-7: 1);
- without a total the lowest possible total (answered points + each missing item's
  lowest points) still raises the flag when it already reaches a `>=` cut-off;
- item flags (PHQ-9 item 9 ≥ 1) are judged on their own answer, scorable or not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
# The order the pages offer them in.
CODES = ("ompsq10", "was", "phq9", "gad7", "keds")


class InstrumentError(ValueError):
    """An instrument file that does not describe a scorable instrument."""


class AnswerError(ValueError):
    """An answer outside its item's scale, or for an item the instrument lacks."""


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    key: str
    number: int
    text: str
    options: tuple[Option, ...]
    reversed: bool = False
    low: str = ""  # the anchor texts at the ends of a numeric scale
    high: str = ""

    @property
    def lowest(self) -> int:
        return min(o.value for o in self.options)

    @property
    def highest(self) -> int:
        return max(o.value for o in self.options)

    @property
    def numeric(self) -> bool:
        """A numeric scale (0–10): its options are their own labels."""
        return all(o.label == str(o.value) for o in self.options)

    def points(self, value: int) -> int:
        if value not in {o.value for o in self.options}:
            raise AnswerError(f"{self.key}: {value} is not an answer of this item")
        return self.lowest + self.highest - value if self.reversed else value

    @property
    def min_points(self) -> int:
        return self.lowest

    @property
    def max_points(self) -> int:
        return self.highest


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    code: str
    label: str


@dataclass(frozen=True)
class Cutoff:
    op: str  # ">=" or "<="
    value: int
    label: str

    def reached(self, total: int) -> bool:
        return total >= self.value if self.op == ">=" else total <= self.value

    @property
    def text(self) -> str:
        return f"{'≥' if self.op == '>=' else '≤'} {self.value}"


@dataclass(frozen=True)
class ItemFlag:
    item: str
    at_least: int
    code: str
    label: str


@dataclass(frozen=True)
class MissingRule:
    rule: str  # "none" or "prorate"
    max_missing: int
    source: str


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    short: str
    version: str
    purpose: str
    instructions: str
    min: int
    max: int
    higher_is_worse: bool
    items: tuple[Item, ...]
    scoring: str
    missing: MissingRule
    bands: tuple[Band, ...]
    cutoff: Cutoff
    item_flags: tuple[ItemFlag, ...] = ()
    sources: tuple[str, ...] = ()
    accuracy: str = ""
    wording_note: str = ""

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise AnswerError(f"{self.code} has no item {key}")

    def band_of(self, total: int) -> Band | None:
        return next((b for b in self.bands if b.low <= total <= b.high), None)


@dataclass(frozen=True)
class Score:
    instrument: str
    total: int | None  # None: not scorable
    missing: tuple[str, ...] = ()
    prorated: bool = False
    band: Band | None = None
    over_cutoff: bool = False
    lowest_possible: int | None = None  # without a total: the least it could have been
    item_flags: tuple[ItemFlag, ...] = field(default=())

    @property
    def scorable(self) -> bool:
        return self.total is not None

    @property
    def flagged(self) -> bool:
        """A cut-off reached or an item flag raised: the case gets a flag."""
        return self.over_cutoff or bool(self.item_flags)


def _options(scale: dict) -> tuple[Option, ...]:
    found = []
    for option in scale["options"]:
        if isinstance(option, list):
            found.append(Option(int(option[0]), str(option[1])))
        else:
            found.append(Option(int(option), str(option)))
    return tuple(found)


def parse(data: Mapping) -> Instrument:
    """An instrument from its data file's content; `InstrumentError` when inconsistent."""
    try:
        scales = {name: _options(scale) for name, scale in data["scales"].items()}
        items = tuple(
            Item(
                key=raw["key"],
                number=number,
                text=raw["text"],
                options=scales[raw["scale"]],
                reversed=bool(raw.get("reversed", False)),
                low=raw.get("low", ""),
                high=raw.get("high", ""),
            )
            for number, raw in enumerate(data["items"], 1)
        )
        instrument = Instrument(
            code=data["code"],
            name=data["name"],
            short=data["short"],
            version=str(data["version"]),
            purpose=data.get("purpose", ""),
            instructions=data.get("instructions", ""),
            min=int(data["min"]),
            max=int(data["max"]),
            higher_is_worse=bool(data["higher_is_worse"]),
            items=items,
            scoring=data["scoring"],
            missing=MissingRule(**data["missing"]),
            bands=tuple(Band(**b) for b in data["bands"]),
            cutoff=Cutoff(**data["cutoff"]),
            item_flags=tuple(ItemFlag(**f) for f in data.get("item_flags", ())),
            sources=tuple(data.get("sources", ())),
            accuracy=data.get("accuracy", ""),
            wording_note=data.get("wording_note", ""),
        )
    except (KeyError, TypeError) as exc:
        raise InstrumentError(f"incomplete instrument: {exc}") from exc
    _check(instrument)
    return instrument


def _check(instrument: Instrument) -> None:
    lowest = sum(i.min_points for i in instrument.items)
    highest = sum(i.max_points for i in instrument.items)
    if (lowest, highest) != (instrument.min, instrument.max):
        raise InstrumentError(
            f"{instrument.code}: items sum to {lowest}–{highest}, "
            f"not {instrument.min}–{instrument.max}"
        )
    covered = [t for b in instrument.bands for t in range(b.low, b.high + 1)]
    if sorted(covered) != list(range(lowest, highest + 1)):
        raise InstrumentError(f"{instrument.code}: bands do not cover the range once")
    if instrument.missing.rule not in ("none", "prorate"):
        raise InstrumentError(f"{instrument.code}: unknown missing rule")
    if len({i.key for i in instrument.items}) != len(instrument.items):
        raise InstrumentError(f"{instrument.code}: duplicate item keys")


@cache
def instrument(code: str) -> Instrument:
    """A shipped instrument by its code (`KeyError` for an unknown code)."""
    if code not in CODES:
        raise KeyError(code)
    path = INSTRUMENTS_DIR / f"{code}.json"
    return parse(json.loads(path.read_text(encoding="utf-8")))


def instruments() -> list[Instrument]:
    return [instrument(code) for code in CODES]


def _round_half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def score(inst: Instrument, answers: Mapping[str, int | None]) -> Score:
    """Score `answers` (item key → chosen value; None or absent: not answered)."""
    unknown = set(answers) - {i.key for i in inst.items}
    if unknown:
        raise AnswerError(f"{inst.code} has no item {sorted(unknown)[0]}")
    answered = {
        i.key: i.points(answers[i.key]) for i in inst.items if answers.get(i.key) is not None
    }
    missing = tuple(i.key for i in inst.items if i.key not in answered)
    flags = tuple(
        f
        for f in inst.item_flags
        if answers.get(f.item) is not None and answers[f.item] >= f.at_least
    )
    subtotal = sum(answered.values())
    total: int | None = None
    prorated = False
    if not missing:
        total = subtotal
    elif inst.missing.rule == "prorate" and len(missing) <= inst.missing.max_missing:
        total = _round_half_up(subtotal * len(inst.items), len(answered))
        prorated = True
    if total is not None:
        return Score(
            instrument=inst.code,
            total=total,
            missing=missing,
            prorated=prorated,
            band=inst.band_of(total),
            over_cutoff=inst.cutoff.reached(total),
            item_flags=flags,
        )
    lowest = subtotal + sum(inst.item(k).min_points for k in missing)
    return Score(
        instrument=inst.code,
        total=None,
        missing=missing,
        lowest_possible=lowest if answered else None,
        over_cutoff=bool(answered) and inst.cutoff.op == ">=" and inst.cutoff.reached(lowest),
        item_flags=flags,
    )


__all__ = [
    "CODES",
    "AnswerError",
    "Band",
    "Cutoff",
    "Instrument",
    "InstrumentError",
    "Item",
    "ItemFlag",
    "MissingRule",
    "Option",
    "Score",
    "instrument",
    "instruments",
    "parse",
    "score",
]
