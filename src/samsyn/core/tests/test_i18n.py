"""English translation: the start page in English and a complete, consistent catalogue."""

import ast
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from samsyn.people.tests.factories import PersonFactory

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

# Named placeholders (%(name)s) and escaped percent signs, as Python %-formatting sees them.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


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
