"""Tests of the ICD-10-SE lookup module (samsyn.sickleave.diagnoses) and its data files.

The expected titles below are quoted from the source files named in data/README.md
(sklintyg/refdata: diagnoskapitel.txt, block.txt, icd10se/digit3.txt, icd10se/digit4.txt,
KSH97_KOD.ANS).
"""

import csv

import pytest

from samsyn.sickleave import diagnoses
from samsyn.sickleave.diagnoses import (
    Chapter,
    Diagnosis,
    chapter_for,
    chapters,
    group_for,
    groups,
    is_known,
    is_valid_code,
    lookup,
    normalize_code,
    search,
)

ROMAN = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI",
    "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX", "XXI", "XXII",
]  # fmt: skip


# ----------------------------------------------------------------------------- chapters


def test_there_are_22_chapters_numbered_1_to_22_with_roman_numerals():
    result = chapters()
    assert len(result) == 22
    assert [c.number for c in result] == list(range(1, 23))
    assert [c.roman for c in result] == ROMAN


def test_chapter_ranges_are_ordered_and_do_not_overlap():
    by_range = sorted(chapters(), key=lambda c: c.start)
    for chapter in by_range:
        assert chapter.start <= chapter.end
    for before, after in zip(by_range, by_range[1:], strict=False):
        assert before.end < after.start, (before.label, after.label)
    # first and last category of the classification
    assert by_range[0].start == "A00"
    assert by_range[-1].end == "Z99"


def test_every_listed_category_lies_in_exactly_one_chapter_and_one_group():
    categories = [code for code in diagnoses.codes() if len(code) == 3]
    assert len(categories) > 2000
    for category in categories:
        assert sum(c.contains(category) for c in chapters()) == 1, category
        assert sum(g.contains(category) for g in groups()) == 1, category


def test_every_group_lies_within_one_chapter():
    for group in groups():
        owners = [c for c in chapters() if c.start <= group.start and group.end <= c.end]
        assert len(owners) == 1, group.label


def test_every_code_has_a_chapter():
    for code in diagnoses.codes():
        assert chapter_for(code) is not None, code
        assert lookup(code) is not None, code


def test_chapter_13_label():
    chapter = next(c for c in chapters() if c.number == 13)
    assert chapter == Chapter(
        13, "XIII", "M00", "M99", "Sjukdomar i muskuloskeletala systemet och bindväven"
    )
    assert chapter.label == "M00-M99 Sjukdomar i muskuloskeletala systemet och bindväven"


def test_chapter_for_uses_official_numbering():
    assert chapter_for("F32.1").roman == "V"
    assert chapter_for("M54.5").number == 13
    assert chapter_for("S82.6").roman == "XIX"
    assert chapter_for("T14.9").roman == "XIX"  # S00-T98 is one chapter
    assert chapter_for("H66").roman == "VIII"  # H60-H95 is its own chapter
    assert chapter_for("U07.1").roman == "XXII"  # U sorts before V but is chapter XXII
    assert chapter_for("Z73.0").roman == "XXI"
    assert chapter_for("") is None
    assert chapter_for("123") is None


def test_group_for():
    assert group_for("M54.5").label == "M50-M54 Andra ryggsjukdomar"
    stress = "F40-F48 Neurotiska, stressrelaterade och somatoforma syndrom"
    assert group_for("F43.8A").label == stress
    assert group_for("C50.9").label == "C50-C50 Malign tumör i bröstkörtel"
    assert group_for("nonsense") is None


# ----------------------------------------------------------------------------- normalizing


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("M545", "M54.5"),
        ("M54.5", "M54.5"),
        (" m54.5 ", "M54.5"),
        ("f438a", "F43.8A"),
        ("F43.8a", "F43.8A"),
        ("F43 8A", "F43.8A"),
        ("m54", "M54"),
        ("M54.", "M54"),
        ("G55.1*", "G55.1"),
        ("", ""),
    ],
)
def test_normalize_code(raw, expected):
    assert normalize_code(raw) == expected


@pytest.mark.parametrize("code", ["M54", "M54.5", "F43.8A", "S52.50", "m545"])
def test_valid_code_shapes(code):
    assert is_valid_code(code)


@pytest.mark.parametrize("code", ["", "M5", "54.5", "MM4.5", "M54.55A", "M54.A", "Ö54"])
def test_invalid_code_shapes(code):
    assert not is_valid_code(code)
    assert lookup(code) is None
    assert not is_known(code)


# ----------------------------------------------------------------------------- lookup


def test_m54_5_is_lumbago_in_chapter_13():
    assert is_known("M54.5")
    diagnosis = lookup("M54.5")
    assert diagnosis == Diagnosis(
        code="M54.5",
        title="Lumbago",
        chapter=chapter_for("M54"),
        group=group_for("M54"),
        exact=True,
    )
    assert diagnosis.chapter.number == 13
    assert diagnosis.label == "M54.5 Lumbago"
    assert diagnosis.category == "M54"


def test_undotted_code_is_found():
    assert is_known("M545")
    assert lookup("M545").code == "M54.5"
    assert lookup("m545") == lookup("M54.5")


def test_f43_8a_utmattningssyndrom():
    assert is_known("F43.8A")
    assert is_known("f438a")
    diagnosis = lookup("f438a")
    assert diagnosis.code == "F43.8A"
    assert diagnosis.title == "Utmattningssyndrom"
    assert diagnosis.chapter.roman == "V"
    assert diagnosis.exact


@pytest.mark.parametrize(
    ("code", "title"),
    [
        ("M54", "Ryggvärk"),
        ("F32", "Depressiv episod"),
        ("F32.1", "Medelsvår depressiv episod"),
        ("F33.1", "Recidiverande depression, medelsvår episod"),
        ("F41.1", "Generaliserat ångestsyndrom"),
        ("F43.2", "Anpassningsstörning"),
        ("M75.1", "Rotator cuff-syndrom i skulderled"),
        ("M79.7", "Fibromyalgi"),
        ("S82.6", "Fraktur på laterala malleolen"),
        ("G43.9", "Migrän, ospecificerad"),
        ("I21.9", "Akut hjärtinfarkt, ospecificerad"),
        ("J45.9", "Astma, ospecificerad"),
        ("C50.9", "Ospecificerad lokalisation av malign tumör i bröstkörtel"),
        ("R53.9", "Sjukdomskänsla och trötthet"),
        ("Z73.0", "Utbrändhet"),
        ("M51.1K", "Diskdegeneration/diskbråck med radikulit i ländryggen (ischias)"),
    ],
)
def test_common_sick_leave_codes(code, title):
    assert is_known(code)
    assert lookup(code).title == title


def test_x99_9_is_not_a_known_code():
    # X99 (a category of chapter XX) is listed but none of its 4-character subcodes is in
    # the data, so X99.9 is not known; lookup falls back to the category title (inexact).
    assert not is_known("X99.9")
    fallback = lookup("X99.9")
    assert fallback is not None
    assert not fallback.exact
    assert fallback.code == "X99.9"
    assert fallback.title == lookup("X99").title


def test_unlisted_4_character_code_of_a_fully_listed_category_is_unknown():
    # M54 is listed with its subcodes; M54.7 does not exist.
    assert lookup("M54") is not None
    assert not is_known("M54.7")
    assert lookup("M54.7") is None
    assert lookup("M54.7X") is None


def test_unlisted_5_character_code_falls_back_to_its_4_character_parent():
    diagnosis = lookup("M54.5X")
    assert diagnosis.code == "M54.5X"
    assert diagnosis.title == "Lumbago"
    assert not diagnosis.exact
    assert not is_known("M54.5X")


def test_code_in_a_category_without_listed_subcodes_falls_back_to_the_category():
    # 4-character codes of chapter XI (K) are not included in the data.
    diagnosis = lookup("K35.8")
    assert diagnosis.title == "Akut appendicit"
    assert not diagnosis.exact
    assert diagnosis.chapter.roman == "XI"


def test_unknown_category_is_none():
    assert lookup("U50.0") is None
    assert lookup("U50") is None
    assert not is_known("U50")


# ----------------------------------------------------------------------------- search


def test_search_title_substring_finds_utmattningssyndrom():
    result = search("utmatt")
    assert "F43.8A" in [d.code for d in result]
    assert all("utmatt" in d.title.casefold() for d in result)


def test_search_is_case_insensitive():
    assert [d.code for d in search("LUMBAGO")] == [d.code for d in search("lumbago")]
    assert {"M54.4", "M54.5"} <= {d.code for d in search("lumbago")}


def test_search_by_code_prefix_comes_first_in_code_order():
    result = search("M54")
    codes = [d.code for d in result]
    assert codes[:3] == ["M54", "M54.0", "M54.1"]
    assert "M54.5" in codes


def test_search_by_undotted_code():
    assert search("M545")[0].code == "M54.5"
    assert search("f438a")[0].code == "F43.8A"


def test_search_limit_and_empty_text():
    assert len(search("a", limit=5)) == 5
    assert search("") == []
    assert search("   ") == []
    assert search("M54", limit=0) == []


def test_search_prefers_titles_starting_with_the_text():
    result = search("fibromyalgi")
    assert result[0].code == "M79.7"


# ----------------------------------------------------------------------------- data files


def test_code_csv_is_well_formed_and_sorted():
    with diagnoses.CODES_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert set(rows[0]) == {"code", "title"}
    codes = [row["code"] for row in rows]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))
    for row in rows:
        assert is_valid_code(row["code"]), row
        assert row["code"] == normalize_code(row["code"]), row
        assert row["title"], row
        assert row["title"] == row["title"].strip(), row
        if len(row["code"]) > 3:  # every subcode hangs under a listed parent
            parent = row["code"][:3] if len(row["code"]) == 5 else row["code"][:5]
            assert parent in diagnoses.codes(), row


def test_loading_is_cached():
    assert diagnoses._titles() is diagnoses._titles()
    assert chapters() == chapters()
    assert chapters() is not chapters()  # callers get their own list
