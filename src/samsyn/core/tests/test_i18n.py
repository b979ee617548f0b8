"""English translation: pages in English and a complete, consistent catalogue.

The catalogue is kept by hand and its .mo is committed (the tests need no gettext tools),
so these tests stand in for `makemessages`: every string the Python code marks for
translation is in the catalogue and translated, and the .mo is compiled from the current
.po (`cd src/samsyn && samsyn compilemessages -l en`).
"""

import ast
import functools
import gettext
import html
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from samsyn.cases.tests.helpers import certify
from samsyn.people.tests.factories import PersonFactory
from samsyn.sickleave import rules

SRC = Path(settings.BASE_DIR)
LC_MESSAGES = SRC / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

# Named placeholders (%(name)s), escaped percent signs, as Python %-formatting sees them,
# and str.format's named fields ({date}, for format_lazy).
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|\{\w*\}")

#: The functions of django.utils.translation whose first argument (and, for the plural
#: ones, second) is a message id.
SINGULAR = {"gettext", "gettext_lazy", "gettext_noop"}
PLURAL = {"ngettext", "ngettext_lazy"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def parse_po(path: Path) -> list[Entry]:
    """A small .po reader: enough for Django's catalogue (no obsolete entries, no contexts)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    key: tuple[str, int] | None = None

    def finish():
        if entry is not None and key is not None:
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            entry, key = None, None
            continue
        if entry is None:
            entry = Entry(line=number)
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert key is not None, f"{path}:{number}: continuation without a keyword"
            _append(entry, key, ast.literal_eval(line))
        else:
            keyword, _, value = line.partition(" ")
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                key = ("msgstr", int(match.group(1)))
            elif keyword in {"msgid", "msgid_plural", "msgstr"}:
                key = (keyword, 0)
            else:
                raise AssertionError(f"{path}:{number}: unexpected line {line!r}")
            _append(entry, key, ast.literal_eval(value), start=True)
    finish()
    return entries


def _append(entry: Entry, key: tuple[str, int], text: str, start: bool = False) -> None:
    name, index = key
    if name == "msgstr":
        entry.msgstr[index] = ("" if start else entry.msgstr[index]) + text
    elif name == "msgid_plural":
        entry.msgid_plural = ("" if start else entry.msgid_plural) + text
    else:
        entry.msgid = ("" if start else entry.msgid) + text


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    entries = parse_po(PO_FILE)
    assert entries[0].msgid == "", "the catalogue should start with its header"
    return entries[1:]


@pytest.mark.django_db
def test_start_page_in_english(coordinator_client, unit):
    PersonFactory.create_batch(2, care_unit=unit)
    response = coordinator_client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in page
    assert "My cases" in page
    assert "Ongoing sick leave" in page
    assert "There are 2 people at the unit." in page
    assert "Mina ärenden" not in page
    assert "Pågående sjukfall" not in page


@pytest.mark.django_db
def test_start_page_stays_swedish_by_default(coordinator_client):
    page = coordinator_client.get(reverse("core:home")).content.decode()
    assert '<html lang="sv">' in page
    assert "Mina ärenden" in page
    assert "My cases" not in page


def test_header_is_english_and_not_fuzzy():
    header = parse_po(PO_FILE)[0]
    assert "fuzzy" not in header.flags
    assert "Language: en\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header.msgstr[0]


def test_catalogue_is_not_empty(catalogue):
    assert len(catalogue) > 300


def test_every_entry_is_translated(catalogue):
    untranslated = [
        f"line {e.line}: {e.msgid!r}"
        for e in catalogue
        if not e.msgstr or any(not text for text in e.msgstr.values())
    ]
    assert untranslated == []


def test_no_fuzzy_entries(catalogue):
    assert [f"line {e.line}: {e.msgid!r}" for e in catalogue if "fuzzy" in e.flags] == []


def test_plural_entries_have_both_forms(catalogue):
    plurals = [e for e in catalogue if e.msgid_plural is not None]
    assert plurals, "the start pages count persons with a plural"
    for e in plurals:
        assert sorted(e.msgstr) == [0, 1], f"line {e.line}: {e.msgid!r}"


def test_translations_keep_placeholders(catalogue):
    wrong = []
    for e in catalogue:
        for index, text in e.msgstr.items():
            source = e.msgid_plural if (e.msgid_plural is not None and index > 0) else e.msgid
            if Counter(PLACEHOLDER.findall(text)) != Counter(PLACEHOLDER.findall(source)):
                wrong.append(f"line {e.line}: {source!r} -> {text!r}")
    assert wrong == []


@functools.cache
def marked_python_strings() -> dict[str, str]:
    """Every message id the project's Python code (not tests, not migrations) passes to a
    translation function, with the first place it is marked. A module's own names for the
    functions (`from django.utils.translation import gettext_lazy as _`) are followed;
    `translation.gettext(...)` counts too. Only literal strings are message ids."""
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        if {"tests", "migrations"} & set(path.relative_to(SRC).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                names.update({a.asname or a.name: a.name for a in node.names})
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name):
                name = names.get(func.id)
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                name = func.attr if func.value.id == "translation" else None
            else:
                name = None
            count = 1 if name in SINGULAR else 2 if name in PLURAL else 0
            for arg in node.args[:count]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_the_scan_finds_the_chain_texts_and_the_forms_labels():
    marked = marked_python_strings()
    assert marked["Dag 90: bedömning mot annat arbete hos arbetsgivaren"].startswith(
        "sickleave/rules/texts.py:"
    )
    assert marked["Personnummer eller samordningsnummer"].startswith("sickleave/forms.py:")
    assert len(marked) > 500


def test_every_string_marked_in_python_is_in_the_catalogue(catalogue):
    msgids = {e.msgid for e in catalogue} | {e.msgid_plural for e in catalogue}
    missing = [
        f"{where}: {msgid!r}"
        for msgid, where in marked_python_strings().items()
        if msgid not in msgids
    ]
    assert missing == []


def test_compiled_catalogue_matches_po(catalogue):
    """The committed .mo must be compiled from the current .po (run compilemessages)."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for e in catalogue:
        if e.msgid_plural is None:
            if compiled.gettext(e.msgid) != e.msgstr[0]:
                stale.append(e.msgid)
        else:
            for n, index in ((1, 0), (2, 1)):
                if compiled.ngettext(e.msgid, e.msgid_plural, n) != e.msgstr[index]:
                    stale.append(e.msgid)
    assert stale == []


# ---- the rehabilitation chain in English -------------------------------------------------


def _every_milestone() -> list[rules.Milestone]:
    """The milestones of every occupation and every variant the texts depend on."""
    variants = itertools.product(rules.Occupation, (None, 30, 60), (False, True))
    return [
        m
        for occupation, expected_days, first_day in variants
        for m in rules.compute_milestones(
            start=date(2026, 10, 15),
            occupation=occupation,
            expected_days=expected_days,
            first_day_certificate=first_day,
            at=date(2026, 11, 22),
        )
    ]


def _texts(m: rules.Milestone, language: str | None) -> tuple[str, str, str, str]:
    with translation.override(language):
        return str(m.title), str(m.actor), str(m.action), str(m.source)


def test_every_chain_text_has_an_english_translation():
    untranslated = [
        f"{m.code}: {swedish!r}"
        for m in _every_milestone()
        for swedish, english in zip(_texts(m, None), _texts(m, "en"), strict=True)
        if english == swedish
    ]
    assert untranslated == []


def test_chain_texts_follow_the_active_language_and_keep_their_date():
    (fk,) = [
        m
        for m in rules.compute_milestones(
            start=date(2026, 2, 1), occupation="nuvarande_arbete", at=date(2026, 2, 1)
        )
        if m.code == "fk_certificate"
    ]
    with translation.override("en"):
        assert str(fk.title) == "Sickness benefit from Försäkringskassan"
        assert "(by 2026-02-21 at the latest)" in str(fk.action)
    with translation.override("sv"):
        assert str(fk.title) == "Sjukpenning från Försäkringskassan"
        assert "(senast 2026-02-21)" in str(fk.action)


def test_the_chain_as_json_stays_swedish_in_an_english_session():
    with translation.override("en"):
        data = [m.as_json() for m in _every_milestone()]
    by_code = {d["code"]: d for d in data}
    assert by_code["chain_90"]["title"] == "Dag 90: bedömning mot annat arbete hos arbetsgivaren"
    assert by_code["chain_90"]["actor"] == "Försäkringskassan, arbetsgivaren"
    assert by_code["sick_pay_end"]["source"].startswith("Lag (1991:1047) om sjuklön; ")
    assert all(isinstance(d[key], str) for d in data for key in ("title", "action", "source"))


@pytest.fixture
def sick_person(unit, physician):
    """Sick from 2026-10-13, seen on 2026-11-22: day 41, next step day 90 (2027-01-10)."""
    with time_machine.travel("2026-11-22 10:00 +01:00", tick=False):
        person = PersonFactory(care_unit=unit, given_name="Maja", family_name="Ek")
        start = date(2026, 10, 13)
        certify(physician, person, start, start + timedelta(days=89), 100, "F43.8A")
        yield person


def _chain_of(start: date) -> list[rules.Milestone]:
    return rules.compute_milestones(
        start=start, occupation="nuvarande_arbete", at=date(2026, 11, 22)
    )


@pytest.mark.django_db
def test_person_page_shows_the_chain_in_english(coordinator_client, sick_person):
    url = reverse("cases:person", args=[sick_person.pk])
    page = html.unescape(coordinator_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())

    assert "The rehabilitation chain – what needs to be done" in page
    milestones = _chain_of(date(2026, 10, 13))
    assert {m.code for m in milestones} >= {"sick_report", "chain_90", "chain_365"}
    for m in milestones:
        title, actor, action, source = _texts(m, "en")
        assert title in page
        assert actor in page
        assert action in page
        assert source in page
        sv_title, _sv_actor, sv_action, sv_source = _texts(m, None)
        assert sv_title not in page
        assert sv_action not in page
        assert sv_source not in page


@pytest.mark.django_db
def test_worklist_shows_the_next_step_in_english(coordinator_client, sick_person):
    page = html.unescape(
        coordinator_client.get(
            reverse("cases:worklist"), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    )

    assert "Maja Ek" in page
    assert "Day 90: assessment against other work at the employer" in page
    assert "Dag 90" not in page
    assert "bedömning" not in page
