"""Hand-worked examples for the sick-leave case engine (DESIGN.md §4)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from samsyn.sickleave.engine import (
    CertificateInput,
    EngineSettings,
    Period,
    Segment,
    compute_cases,
    compute_person_cases,
    counts,
)

CET = timezone(timedelta(hours=1))


def d(text: str) -> date:
    return date.fromisoformat(text)


def cert(
    cid: str,
    *periods: tuple[str, str, int],
    person: str = "191212121212",
    signed: str | None = None,
    type: str = "FK7804",
    status: str = "valid",
    occupation: str | None = "nuvarande_arbete",
    diagnoses: tuple[str, ...] = ("M54.5",),
) -> CertificateInput:
    """A certificate; `signed` defaults to 09:00 on the day its first period starts."""
    built = tuple(Period(d(s), d(e), g) for s, e, g in periods)
    when = (
        datetime.fromisoformat(signed).replace(tzinfo=CET)
        if signed
        else datetime.combine(min(p.start for p in built), time(9), CET)
    )
    return CertificateInput(
        id=cid,
        person=person,
        type=type,
        signed=when,
        status=status,
        periods=built,
        occupation=occupation,
        diagnoses=diagnoses,
    )


def cases_of(*certificates, at="2026-01-01", **settings):
    return compute_cases(certificates, EngineSettings(**settings), d(at))


def one_case(*certificates, at="2026-01-01", **settings):
    cases = cases_of(*certificates, at=at, **settings)
    assert len(cases) == 1, cases
    return cases[0]


# --------------------------------------------------------------------------- merging


def test_rehabstod_example_counts_24_days_without_the_gap_day():
    # Rehabstöd's SjukfallLangdCalculatorTest "Fall 3": 10 + 9 + 5 days; 11 Feb uncovered.
    case = one_case(
        cert("a", ("2026-02-01", "2026-02-10", 100)),
        cert("b", ("2026-02-12", "2026-02-20", 100)),
        cert("c", ("2026-02-21", "2026-02-25", 100)),
    )
    assert (case.start, case.end) == (d("2026-02-01"), d("2026-02-25"))
    assert case.days == 24
    assert case.uncovered_days == 1
    assert case.net_days == 24.0
    assert case.certificates == ("a", "b", "c")


def test_short_certificate_nested_in_long_one_does_not_split_the_case():
    # The research report's example of Rehabstöd's quirk, with G = 5: R3 starts 2 days
    # after R1 ends, but 53 days after the nested R2 ends.
    case = one_case(
        cert("pivot", ("2026-03-15", "2026-03-31", 100)),
        cert("r1", ("2026-03-01", "2026-05-31", 50)),
        cert("r2", ("2026-04-02", "2026-04-10", 100)),
        cert("r3", ("2026-06-03", "2026-06-30", 25)),
    )
    assert case.certificates == ("r1", "pivot", "r2", "r3")
    assert (case.start, case.end) == (d("2026-03-01"), d("2026-06-30"))
    assert case.days == 92 + 28
    assert case.uncovered_days == 2


def test_certificate_after_the_short_ones_end_but_within_gap_of_the_long_end_joins():
    case = one_case(
        cert("long", ("2026-01-01", "2026-03-31", 100)),
        cert("short", ("2026-01-05", "2026-01-10", 50), signed="2026-01-05T10:00"),
        cert("next", ("2026-04-03", "2026-04-20", 100)),
    )
    assert case.certificates == ("long", "short", "next")
    assert case.days == 90 + 18


@pytest.mark.parametrize(
    ("gap", "second_start", "n_cases"),
    [
        (5, "2026-02-11", 1),  # 6–10 Feb: exactly 5 uncovered days
        (5, "2026-02-12", 2),  # 6 uncovered days
        (0, "2026-02-06", 1),  # adjacent
        (0, "2026-02-07", 2),  # one uncovered day
        (90, "2026-05-07", 1),  # 90 uncovered days (6 Feb – 6 May)
        (90, "2026-05-08", 2),
    ],
)
def test_gap_of_exactly_g_days_joins_and_g_plus_one_splits(gap, second_start, n_cases):
    first = cert("a", ("2026-02-01", "2026-02-05", 100))
    second = cert("b", (second_start, "2026-06-30", 100))
    assert len(cases_of(first, second, gap_days=gap)) == n_cases


def test_default_gap_is_five_days():
    assert EngineSettings().gap_days == 5
    first = cert("a", ("2026-02-01", "2026-02-05", 100))
    assert len(cases_of(first, cert("b", ("2026-02-11", "2026-02-20", 100)))) == 1
    assert len(cases_of(first, cert("b", ("2026-02-12", "2026-02-20", 100)))) == 2


def test_overlapping_certificates_count_each_day_once():
    case = one_case(
        cert("a", ("2026-02-01", "2026-02-20", 100)),
        cert("b", ("2026-02-10", "2026-02-28", 100)),
    )
    assert case.days == 28
    assert case.uncovered_days == 0


def test_gap_between_periods_of_one_certificate_never_splits_it():
    case = one_case(cert("a", ("2026-01-01", "2026-01-05", 100), ("2026-03-01", "2026-03-05", 50)))
    assert case.days == 10
    assert case.uncovered_days == 54  # 6 Jan – 28 Feb
    assert case.net_days == 7.5


# --------------------------------------------------------------------------- degrees


def test_net_days_weigh_each_day_by_its_degree():
    case = one_case(cert("a", ("2026-02-01", "2026-02-10", 100), ("2026-02-11", "2026-02-20", 50)))
    assert case.days == 20
    assert case.net_days == 15.0
    assert case.degrees == (100, 50)


def test_net_days_across_certificates_and_quarters():
    case = one_case(
        cert("a", ("2026-02-01", "2026-02-10", 50)),
        cert("b", ("2026-02-11", "2026-02-14", 25), ("2026-02-15", "2026-02-18", 75)),
    )
    assert case.days == 18
    assert case.net_days == 5 + 1 + 3
    assert case.segments == (
        Segment(d("2026-02-01"), d("2026-02-10"), 50, "a"),
        Segment(d("2026-02-11"), d("2026-02-14"), 25, "b"),
        Segment(d("2026-02-15"), d("2026-02-18"), 75, "b"),
    )


def test_later_signed_certificate_decides_the_degree_of_overlapping_days():
    case = one_case(
        cert("a", ("2026-02-01", "2026-02-20", 100), signed="2026-02-01T08:00"),
        cert("b", ("2026-02-11", "2026-02-15", 50), signed="2026-02-10T08:00"),
    )
    assert case.days == 20
    assert case.net_days == 15 * 1.0 + 5 * 0.5
    assert case.segments == (
        Segment(d("2026-02-01"), d("2026-02-10"), 100, "a"),
        Segment(d("2026-02-11"), d("2026-02-15"), 50, "b"),
        Segment(d("2026-02-16"), d("2026-02-20"), 100, "a"),
    )


def test_later_signed_certificate_decides_even_when_it_starts_earlier():
    case = one_case(
        cert("a", ("2026-02-10", "2026-02-20", 100), signed="2026-02-09T08:00"),
        cert("b", ("2026-02-01", "2026-02-28", 50), signed="2026-02-12T08:00"),
    )
    assert case.net_days == 14.0
    assert case.segments == (Segment(d("2026-02-01"), d("2026-02-28"), 50, "b"),)


def test_earlier_signed_certificate_only_fills_days_the_later_one_does_not_cover():
    case = one_case(
        cert("old", ("2026-02-01", "2026-02-28", 100), signed="2026-01-31T08:00"),
        cert("new", ("2026-02-05", "2026-02-10", 25), signed="2026-02-04T08:00"),
        cert("newest", ("2026-02-08", "2026-02-12", 75), signed="2026-02-07T08:00"),
    )
    assert [(s.start.day, s.end.day, s.degree, s.certificate_id) for s in case.segments] == [
        (1, 4, 100, "old"),
        (5, 7, 25, "new"),
        (8, 12, 75, "newest"),
        (13, 28, 100, "old"),
    ]
    assert case.days == 28
    assert case.net_days == 4 + 3 * 0.25 + 5 * 0.75 + 16


def test_equal_signing_times_are_broken_by_the_greater_id():
    when = "2026-02-01T08:00"
    case = one_case(
        cert("b", ("2026-02-01", "2026-02-10", 50), signed=when),
        cert("a", ("2026-02-01", "2026-02-10", 100), signed=when),
        at="2026-02-05",
    )
    assert case.current_certificate == "b"
    assert case.net_days == 5.0
    assert case.certificates == ("a", "b")


# --------------------------------------------------------------------------- what counts


@pytest.mark.parametrize(
    ("type_", "status", "expected"),
    [
        ("FK7804", "valid", True),
        ("FK7263", "valid", True),
        ("FK7804", "replaced", False),
        ("FK7804", "complemented", False),
        ("FK7804", "revoked", False),
        ("AG7804", "valid", False),
        ("AG1-14", "valid", False),
        ("AF_UTLATANDE", "valid", False),
        ("FK7800", "valid", False),
        ("FK7801", "valid", False),
        ("FK7802", "valid", False),
    ],
)
def test_only_valid_fk7804_and_fk7263_count(type_, status, expected):
    c = cert("a", ("2026-02-01", "2026-02-10", 100), type=type_, status=status)
    assert counts(c) is expected
    assert len(cases_of(c)) == (1 if expected else 0)


def test_ignored_certificates_neither_bridge_gaps_nor_decide_degrees():
    cases = cases_of(
        cert("a", ("2026-02-01", "2026-02-10", 100)),
        cert("ag", ("2026-02-11", "2026-02-28", 50), type="AG7804"),
        cert("replaced", ("2026-02-05", "2026-03-10", 25), status="replaced"),
        cert("revoked", ("2026-02-05", "2026-03-10", 25), status="revoked"),
        cert("b", ("2026-03-01", "2026-03-10", 100)),
    )
    assert [c.certificates for c in cases] == [("a",), ("b",)]
    assert [c.net_days for c in cases] == [10.0, 10.0]


def test_fk7263_and_fk7804_merge_into_one_case():
    case = one_case(
        cert("old", ("2026-02-01", "2026-02-10", 100), type="FK7263"),
        cert("new", ("2026-02-11", "2026-02-20", 100)),
    )
    assert case.certificates == ("old", "new")


# --------------------------------------------------------------------------- today


def test_current_certificate_is_the_latest_signed_covering_the_date():
    a = cert("a", ("2026-02-01", "2026-02-28", 100), signed="2026-02-01T08:00")
    b = cert("b", ("2026-02-10", "2026-02-15", 50), ("2026-02-16", "2026-02-20", 25))
    c = cert(
        "c",
        ("2026-02-25", "2026-03-10", 75),
        signed="2026-02-24T08:00",
        occupation="arbetssokande",
        diagnoses=("F32.1",),
    )
    on = {at: one_case(a, b, c, at=at) for at in ("2026-02-05", "2026-02-17", "2026-02-26")}
    assert (on["2026-02-05"].current_certificate, on["2026-02-05"].degree_today) == ("a", 100)
    assert on["2026-02-05"].degrees == (100,)
    assert (on["2026-02-17"].current_certificate, on["2026-02-17"].degree_today) == ("b", 25)
    assert on["2026-02-17"].degrees == (50, 25)
    today = on["2026-02-26"]
    assert (today.current_certificate, today.degree_today) == ("c", 75)
    assert (today.occupation, today.diagnoses) == ("arbetssokande", ("F32.1",))


def test_case_not_in_force_has_no_degree_and_the_latest_signed_certificate():
    a = cert("a", ("2026-02-01", "2026-02-28", 100), signed="2026-02-20T08:00")
    b = cert("b", ("2026-02-10", "2026-02-15", 50), signed="2026-02-09T08:00")
    after = one_case(a, b, at="2026-04-01")
    assert after.degree_today is None
    assert after.current_certificate == "a"
    assert after.degrees == (100,)
    before = one_case(a, b, at="2026-01-15")
    assert before.degree_today is None
    assert before.current_certificate == "a"


def test_date_in_a_gap_is_in_force_but_has_no_degree_today():
    case = one_case(
        cert("a", ("2026-02-01", "2026-02-10", 100), signed="2026-02-01T08:00"),
        cert("b", ("2026-02-14", "2026-03-31", 50), signed="2026-01-30T08:00"),
        at="2026-02-12",
    )
    assert case.state == "active"
    assert case.degree_today is None
    assert case.current_certificate == "a"  # the latest signed of the case
    assert case.days_left == 47


def test_future_case_is_active_with_days_left():
    case = one_case(cert("a", ("2026-03-01", "2026-03-05", 100)), at="2026-02-20")
    assert case.state == "active"
    assert case.days_left == 13
    assert case.degree_today is None
    assert case.current_certificate == "a"


def test_days_left_is_zero_on_the_last_day_and_negative_after():
    a = cert("a", ("2026-02-01", "2026-02-10", 100))
    assert one_case(a, at="2026-02-09").days_left == 1
    assert one_case(a, at="2026-02-10").days_left == 0
    assert one_case(a, at="2026-02-11").days_left == -1
    assert one_case(a, at="2026-03-12").days_left == -30


# --------------------------------------------------------------------------- states


def long_certificate():
    return cert("a", ("2026-01-01", "2026-06-30", 100))


@pytest.mark.parametrize(
    ("at", "settings", "state"),
    [
        ("2026-03-01", {}, "active"),
        ("2026-06-15", {}, "active"),  # days_left 15
        ("2026-06-16", {}, "ending_soon"),  # days_left 14
        ("2026-06-30", {}, "ending_soon"),  # the last day
        ("2026-07-01", {}, "ended"),  # recent_days defaults to 0
        ("2026-07-01", {"recent_days": 3}, "recently_ended"),
        ("2026-07-03", {"recent_days": 3}, "recently_ended"),
        ("2026-07-04", {"recent_days": 3}, "ended"),
        ("2026-07-14", {"recent_days": 14}, "recently_ended"),
        ("2026-07-15", {"recent_days": 14}, "ended"),
        ("2026-06-29", {"ending_soon_days": 0}, "active"),
        ("2026-06-30", {"ending_soon_days": 0}, "ending_soon"),
        ("2025-12-31", {}, "active"),  # not yet started
    ],
)
def test_state(at, settings, state):
    assert one_case(long_certificate(), at=at, **settings).state == state


def test_ending_soon_boundary_is_fourteen_days_left():
    a = long_certificate()
    fifteen = one_case(a, at="2026-06-15")
    fourteen = one_case(a, at="2026-06-16")
    assert (fifteen.days_left, fifteen.state) == (15, "active")
    assert (fourteen.days_left, fourteen.state) == (14, "ending_soon")


def test_every_case_of_every_person_is_output_sorted_by_person_then_start():
    cases = cases_of(
        cert("p2-late", ("2026-05-01", "2026-05-10", 100), person="199001011234"),
        cert("p1", ("2026-02-01", "2026-02-10", 100), person="198001011234"),
        cert("p2-early", ("2026-01-01", "2026-01-10", 100), person="199001011234"),
        at="2026-05-05",
    )
    assert [(c.person, c.certificates, c.state) for c in cases] == [
        ("198001011234", ("p1",), "ended"),
        ("199001011234", ("p2-early",), "ended"),
        ("199001011234", ("p2-late",), "ending_soon"),
    ]


def test_as_json_has_exactly_the_documented_keys():
    case = one_case(
        cert("a", ("2026-02-01", "2026-02-10", 100)),
        cert("b", ("2026-02-12", "2026-02-20", 50)),
        at="2026-02-15",
    )
    assert case.as_json() == {
        "person": "191212121212",
        "start": "2026-02-01",
        "end": "2026-02-20",
        "days": 19,
        "net_days": 14.5,
        "degree_today": 50,
        "current_certificate": "b",
        "certificates": ["a", "b"],
        "days_left": 5,
        "state": "ending_soon",
    }


# --------------------------------------------------------------------------- inputs


@pytest.mark.parametrize(
    "settings",
    [
        {"gap_days": -1},
        {"gap_days": 91},
        {"recent_days": 15},
        {"recent_days": -1},
        {"ending_soon_days": 91},
        {"ending_soon_days": -1},
        {"gap_days": "5"},
        {"gap_days": True},
    ],
)
def test_settings_out_of_range_are_rejected(settings):
    with pytest.raises(ValueError, match="mellan"):
        EngineSettings(**settings)


def test_settings_accept_the_range_limits():
    low = EngineSettings(gap_days=0, ending_soon_days=0, recent_days=0)
    high = EngineSettings(gap_days=90, ending_soon_days=90, recent_days=14)
    assert (low.gap_days, low.ending_soon_days, low.recent_days) == (0, 0, 0)
    assert (high.gap_days, high.ending_soon_days, high.recent_days) == (90, 90, 14)


def test_certificate_input_sorts_periods_and_rejects_bad_ones():
    c = cert("a", ("2026-02-11", "2026-02-20", 50), ("2026-02-01", "2026-02-10", 100))
    assert [p.start.day for p in c.periods] == [1, 11]
    with pytest.raises(ValueError, match="overlapping"):
        cert("a", ("2026-02-01", "2026-02-10", 100), ("2026-02-10", "2026-02-20", 50))
    with pytest.raises(ValueError, match="no period"):
        CertificateInput("a", "p", "FK7804", datetime(2026, 2, 1, 9, tzinfo=CET), "valid", ())
    with pytest.raises(ValueError, match="timezone"):
        CertificateInput(
            "a",
            "p",
            "FK7804",
            datetime(2026, 2, 1, 9),
            "valid",
            (Period(d("2026-02-01"), d("2026-02-02"), 100),),
        )
    with pytest.raises(ValueError, match="degree"):
        Period(d("2026-02-01"), d("2026-02-02"), 30)
    with pytest.raises(ValueError, match="before"):
        Period(d("2026-02-02"), d("2026-02-01"), 100)


def test_compute_person_cases_refuses_several_persons():
    a = cert("a", ("2026-02-01", "2026-02-10", 100), person="1")
    b = cert("b", ("2026-02-01", "2026-02-10", 100), person="2")
    assert len(compute_person_cases([a], EngineSettings(), d("2026-02-01"))) == 1
    assert compute_person_cases([], EngineSettings(), d("2026-02-01")) == []
    with pytest.raises(ValueError, match="more than one person"):
        compute_person_cases([a, b], EngineSettings(), d("2026-02-01"))


def test_persons_appearing_in_several_runs_of_the_input_are_grouped():
    cases = cases_of(
        cert("a", ("2026-02-01", "2026-02-10", 100), person="1"),
        cert("b", ("2026-02-01", "2026-02-10", 100), person="2"),
        cert("c", ("2026-02-11", "2026-02-20", 100), person="1"),
    )
    assert [c.certificates for c in cases] == [("a", "c"), ("b",)]


def test_a_case_of_many_overlapping_certificates_is_computed_quickly():
    start = d("2020-01-01")
    certificates = [
        CertificateInput(
            f"c{i:05d}",
            "p",
            "FK7804",
            datetime.combine(start + timedelta(days=i), time(9), CET),
            "valid",
            (
                Period(
                    start + timedelta(days=i), start + timedelta(days=i + 60), (25, 50, 100)[i % 3]
                ),
            ),
        )
        for i in range(5000)
    ]
    (case,) = compute_cases(reversed(certificates), EngineSettings(), d("2030-01-01"))
    assert case.days == 5000 + 60
    # Each day is decided by the latest signed covering certificate: the one starting that
    # day, except the last 60 days, decided by the last certificate.
    assert len(case.segments) == 5000
    assert case.segments[-1].days == 61
