"""ICD-10-SE diagnosis codes with Swedish titles: chapters, groups (blocks) and codes.

Pure module: no Django, no ORM. The data lives in ``data/icd10se_*.csv`` (UTF-8) next to this
file and is loaded lazily, once per process (``functools.cache``). What the CSV files contain,
where every title comes from and how to refresh them is written down in ``data/README.md``.

Code format
-----------
Codes are stored and returned in the dotted form used on certificates: ``M54``, ``M54.5``,
``F43.8A``. :func:`normalize_code` accepts the undotted form used in many systems (``M545``,
``f438a``), surrounding whitespace, lower case, and the dagger/asterisk marks (``†``, ``*``)
of dual classification.

A syntactically valid code is one letter, two digits and optionally a dot followed by one
digit and at most one further letter or digit (``^[A-Z]\\d\\d(\\.\\d[0-9A-Z]?)?$``).

Lookup rules (decided here, tested in ``tests/test_diagnoses.py``)
------------------------------------------------------------------
* :func:`is_known` is true only for codes that are themselves in the code list.
* :func:`lookup` returns an *exact* :class:`Diagnosis` for a listed code.
* For a valid code that is not listed, :func:`lookup` falls back to the nearest listed
  ancestor, and returns a Diagnosis with the **given** code, the **ancestor's** title and
  ``exact=False``, in two cases:

  - a 5-character code (``M54.5X``) whose 4-character parent (``M54.5``) is listed: the
    Swedish fifth-position extensions are only partly included in the data;
  - a 4-character code (``K35.8``) - or a 5-character code whose 4-character parent is not
    listed either (``K35.8A``) - whose 3-character category (``K35``) is listed but has *no*
    4-character subcodes in the data, i.e. the subdivision of that category is simply not
    included (see README: 4-character codes are included for letters C F G I J M R S Z).

  A 4-character code under a category whose subcodes *are* included (``M54.7``) is unknown,
  because the data is complete for that category; so is every code whose category is not
  listed (``U50.0``) and every syntactically invalid input. Unknown means ``None``.
* The chapter and group of a Diagnosis are those whose ranges contain its 3-character
  category. Every listed category lies in exactly one chapter and one group.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
CHAPTERS_CSV = DATA_DIR / "icd10se_chapters.csv"
GROUPS_CSV = DATA_DIR / "icd10se_groups.csv"
CODES_CSV = DATA_DIR / "icd10se_codes.csv"

CODE_RE = re.compile(r"^[A-Z]\d\d(\.\d[0-9A-Z]?)?$")
_CATEGORY_RE = re.compile(r"^[A-Z]\d\d$")
_STRIP_CHARS_RE = re.compile(r"[\s.†*]")
_CODE_PREFIX_RE = re.compile(r"^[A-Z](\d{1,2}|\d\d\d[0-9A-Z]?)?$")  # undotted prefix


@dataclass(frozen=True)
class Chapter:
    number: int
    roman: str
    start: str
    end: str
    title: str

    @property
    def range(self) -> str:
        return f"{self.start}-{self.end}"

    @property
    def label(self) -> str:
        """E.g. ``M00-M99 Sjukdomar i muskuloskeletala systemet och bindväven``."""
        return f"{self.range} {self.title}"

    def contains(self, category: str) -> bool:
        return self.start <= category[:3] <= self.end


@dataclass(frozen=True)
class Group:
    start: str
    end: str
    title: str

    @property
    def range(self) -> str:
        return f"{self.start}-{self.end}"

    @property
    def label(self) -> str:
        """E.g. ``M50-M54 Andra ryggsjukdomar``."""
        return f"{self.range} {self.title}"

    def contains(self, category: str) -> bool:
        return self.start <= category[:3] <= self.end


@dataclass(frozen=True)
class Diagnosis:
    code: str
    title: str
    chapter: Chapter
    group: Group | None
    exact: bool = True
    """False when the title is that of a listed ancestor (see module docstring)."""

    @property
    def category(self) -> str:
        return self.code[:3]

    @property
    def label(self) -> str:
        """E.g. ``M54.5 Lumbago``."""
        return f"{self.code} {self.title}"


# ----------------------------------------------------------------------------- normalizing


def normalize_code(raw: str) -> str:
    """Uppercase, strip and put the dot after the category: ``" m545 "`` -> ``"M54.5"``.

    Whitespace, dots and the dagger/asterisk marks are removed before the dot is re-inserted,
    so ``M54.5``, ``M545`` and ``m54 5`` all give ``M54.5``. The result is not validated; see
    :func:`is_valid_code`.
    """
    compact = _STRIP_CHARS_RE.sub("", (raw or "").upper())
    if len(compact) <= 3:
        return compact
    return f"{compact[:3]}.{compact[3:]}"


def is_valid_code(code: str) -> bool:
    """Whether ``code`` (normalized first) has the shape of an ICD-10-SE code."""
    return bool(CODE_RE.match(normalize_code(code)))


# ----------------------------------------------------------------------------- loading


def chapters() -> list[Chapter]:
    """The 22 chapters in chapter-number order (I-XXII; note XXII U00-U99 sorts before XX)."""
    return list(_chapters())


def groups() -> list[Group]:
    """All groups (blocks), ordered by range."""
    return list(_groups())


@functools.cache
def _chapters() -> tuple[Chapter, ...]:
    with CHAPTERS_CSV.open(encoding="utf-8", newline="") as f:
        result = [
            Chapter(
                number=int(row["number"]),
                roman=row["roman"],
                start=row["range_start"],
                end=row["range_end"],
                title=row["title"],
            )
            for row in csv.DictReader(f)
        ]
    return tuple(sorted(result, key=lambda c: c.number))


@functools.cache
def _groups() -> tuple[Group, ...]:
    with GROUPS_CSV.open(encoding="utf-8", newline="") as f:
        result = [
            Group(start=row["range_start"], end=row["range_end"], title=row["title"])
            for row in csv.DictReader(f)
        ]
    return tuple(sorted(result, key=lambda g: (g.start, g.end)))


@functools.cache
def _titles() -> dict[str, str]:
    with CODES_CSV.open(encoding="utf-8", newline="") as f:
        return {row["code"]: row["title"] for row in csv.DictReader(f)}


@functools.cache
def _subdivided() -> frozenset[str]:
    """Codes (3- or 4-character) that have at least one listed child code."""
    parents = set()
    for code in _titles():
        if len(code) == 5:  # M54.5 -> M54
            parents.add(code[:3])
        elif len(code) == 6:  # F43.8A -> F43.8
            parents.add(code[:5])
    return frozenset(parents)


@functools.cache
def _search_index() -> tuple[tuple[str, str, str, str], ...]:
    """(code, compact code, casefolded title, title) for every listed code, sorted by code."""
    return tuple(
        (code, code.replace(".", ""), title.casefold(), title)
        for code, title in sorted(_titles().items())
    )


# ----------------------------------------------------------------------------- queries


def codes() -> dict[str, str]:
    """A copy of the whole code list: dotted code -> Swedish title."""
    return dict(_titles())


@functools.lru_cache(maxsize=8192)
def chapter_for(code: str) -> Chapter | None:
    """The chapter whose range contains the code's 3-character category, if any
    (remembered per code: a bulk import asks it once per case)."""
    category = normalize_code(code)[:3]
    if not _CATEGORY_RE.match(category):
        return None
    return next((c for c in _chapters() if c.contains(category)), None)


def group_for(code: str) -> Group | None:
    """The group (block) whose range contains the code's 3-character category, if any."""
    category = normalize_code(code)[:3]
    if not _CATEGORY_RE.match(category):
        return None
    return next((g for g in _groups() if g.contains(category)), None)


def is_known(code: str) -> bool:
    """Whether the (normalized) code itself is in the code list."""
    return normalize_code(code) in _titles()


def _make(code: str, title: str, *, exact: bool) -> Diagnosis | None:
    chapter = chapter_for(code)
    if chapter is None:  # cannot happen for listed codes; guards against bad data
        return None
    return Diagnosis(code=code, title=title, chapter=chapter, group=group_for(code), exact=exact)


def _fallback_title(normalized: str) -> str | None:
    """The title of the nearest listed ancestor of an unlisted, valid code (or ``None``)."""
    titles = _titles()
    if len(normalized) == 6:  # 5-character code: its 4-character parent, if listed
        parent = normalized[:5]
        if parent in titles:
            return titles[parent]
        normalized = parent
    category = normalized[:3]
    if category in titles and category not in _subdivided():
        return titles[category]
    return None


def lookup(code: str) -> Diagnosis | None:
    """The diagnosis for ``code``, or ``None``; see the module docstring for the fallback."""
    normalized = normalize_code(code)
    if not CODE_RE.match(normalized):
        return None
    titles = _titles()
    if normalized in titles:
        return _make(normalized, titles[normalized], exact=True)
    if len(normalized) == 3:
        return None
    title = _fallback_title(normalized)
    if title is None:
        return None
    return _make(normalized, title, exact=False)


def search(text: str, limit: int = 20) -> list[Diagnosis]:
    """Autocomplete: listed codes matching ``text`` by code prefix or title substring.

    Case-insensitive. Code-prefix matches come first (in code order; ``M545`` and ``M54.5``
    both match ``M54.5`` and its children); then title matches, those whose title *starts*
    with the text first, shorter (broader) codes before longer ones, then code order.
    Returns at most ``limit`` results; empty or blank text gives ``[]``.
    """
    needle = (text or "").strip()
    if not needle or limit <= 0:
        return []
    folded = needle.casefold()
    compact = _STRIP_CHARS_RE.sub("", needle.upper())
    code_like = bool(_CODE_PREFIX_RE.match(compact))

    found: list[str] = []
    seen: set[str] = set()
    titles = _titles()
    if code_like:
        for code, code_compact, _folded, _title in _search_index():
            if code_compact.startswith(compact):
                found.append(code)
                seen.add(code)
                if len(found) >= limit:
                    break
    if len(found) < limit:
        title_hits = [
            (0 if title_folded.startswith(folded) else 1, len(code), code)
            for code, _compact, title_folded, _title in _search_index()
            if code not in seen and folded in title_folded
        ]
        title_hits.sort()
        found.extend(code for _rank, _len, code in title_hits[: limit - len(found)])
    return [d for d in (_make(c, titles[c], exact=True) for c in found) if d is not None]
