"""Property-based tests of the sick-leave case engine, against a day-by-day reference model."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from samsyn.sickleave.engine import (
    STATES,
    CertificateInput,
    EngineSettings,
    Period,
    compute_cases,
    counts,
)

BASE = date(2026, 1, 1)
SIGNED_BASE = datetime(2025, 12, 1, 9, tzinfo=UTC)


@st.composite
def certificates(draw, max_size: int = 8) -> list[CertificateInput]:
    result = []
    for i in range(draw(st.integers(0, max_size))):
        cursor = draw(st.integers(0, 120))
        periods = []
        for _ in range(draw(st.integers(1, 3))):
            length = draw(st.integers(1, 20))
            degree = draw(st.sampled_from((25, 50, 75, 100)))
            periods.append(
                Period(BASE + timedelta(cursor), BASE + timedelta(cursor + length - 1), degree)
            )
            # Periods of one certificate follow on, or leave a gap (sometimes longer than G).
            cursor += length + draw(st.sampled_from((0, 0, 0, 1, 3, 12)))
        result.append(
            CertificateInput(
                id=f"c{i}",
                person=draw(st.sampled_from(("A", "B"))),
                type=draw(st.sampled_from(("FK7804", "FK7804", "FK7263", "AG7804"))),
                # Few distinct signing days, so ties (broken by id) happen.
                signed=SIGNED_BASE + timedelta(days=draw(st.integers(0, 15))),
                status=draw(st.sampled_from(("valid", "valid", "valid", "revoked", "replaced"))),
                periods=tuple(periods),
            )
        )
    return result


engine_settings = st.builds(
    EngineSettings,
    gap_days=st.one_of(st.integers(0, 10), st.just(90)),
    ending_soon_days=st.integers(0, 20),
    recent_days=st.integers(0, 14),
)
dates = st.integers(-10, 170).map(lambda n: BASE + timedelta(n))


def span(c: CertificateInput) -> tuple[int, int]:
    return min(p.start for p in c.periods).toordinal(), max(p.end for p in c.periods).toordinal()


def reference(certs, config: EngineSettings, on: date) -> list[dict]:
    """Straight from the definitions: components of 'at most G uncovered days apart', then
    day by day, the latest signed (then greatest id) covering certificate decides."""
    counted = [c for c in certs if counts(c)]
    parent = list(range(len(counted)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, a in enumerate(counted):
        for j, b in enumerate(counted[:i]):
            (s1, e1), (s2, e2) = span(a), span(b)
            if a.person == b.person and max(s1, s2) - min(e1, e2) - 1 <= config.gap_days:
                parent[find(i)] = find(j)
    groups: dict[int, list[CertificateInput]] = {}
    for i, c in enumerate(counted):
        groups.setdefault(find(i), []).append(c)

    at = on.toordinal()
    out = []
    for group in groups.values():
        decide: dict[int, tuple] = {}
        for c in group:
            for p in c.periods:
                for day in range(p.start.toordinal(), p.end.toordinal() + 1):
                    key = (c.signed, c.id, p.degree)
                    if day not in decide or key[:2] > decide[day][:2]:
                        decide[day] = key
        start = min(span(c)[0] for c in group)
        end = max(span(c)[1] for c in group)
        segments = []
        for day in sorted(decide):
            _, cid, degree = decide[day]
            if segments and segments[-1][1] == day - 1 and segments[-1][2:] == [degree, cid]:
                segments[-1][1] = day
            else:
                segments.append([day, day, degree, cid])
        latest = max(group, key=lambda c: (c.signed, c.id))
        days_left = end - at
        if start <= at <= end:
            state = "ending_soon" if days_left <= config.ending_soon_days else "active"
        elif at < start:
            state = "active"
        elif -days_left <= config.recent_days:
            state = "recently_ended"
        else:
            state = "ended"
        out.append(
            {
                "person": group[0].person,
                "start": start,
                "end": end,
                "days": len(decide),
                "net_days": sum(v[2] for v in decide.values()) / 100,
                "degree_today": decide[at][2] if at in decide else None,
                "current_certificate": decide[at][1] if at in decide else latest.id,
                "certificates": [
                    c.id for c in sorted(group, key=lambda c: (span(c)[0], c.signed, c.id))
                ],
                "days_left": days_left,
                "state": state,
                "segments": [tuple(s) for s in segments],
                "uncovered_days": end - start + 1 - len(decide),
            }
        )
    out.sort(key=lambda case: (case["person"], case["start"]))
    return out


def as_model(case) -> dict:
    return {
        "person": case.person,
        "start": case.start.toordinal(),
        "end": case.end.toordinal(),
        "days": case.days,
        "net_days": case.net_days,
        "degree_today": case.degree_today,
        "current_certificate": case.current_certificate,
        "certificates": list(case.certificates),
        "days_left": case.days_left,
        "state": case.state,
        "segments": [
            (s.start.toordinal(), s.end.toordinal(), s.degree, s.certificate_id)
            for s in case.segments
        ],
        "uncovered_days": case.uncovered_days,
    }


@settings(max_examples=300, deadline=None)
@given(certificates(), engine_settings, dates)
def test_engine_agrees_with_the_day_by_day_reference(certs, config, on):
    assert [as_model(c) for c in compute_cases(certs, config, on)] == reference(certs, config, on)


@settings(max_examples=200, deadline=None)
@given(certificates(max_size=10), engine_settings, dates)
def test_day_counts_are_bounded_and_add_up(certs, config, on):
    for case in compute_cases(certs, config, on):
        span_days = (case.end - case.start).days + 1
        assert 1 <= case.days <= span_days
        assert case.net_days <= case.days
        assert case.net_days >= case.days * 0.25
        assert case.days == sum(s.days for s in case.segments)
        assert case.uncovered_days == span_days - case.days
        assert case.state in STATES
        covering = [s for s in case.segments if s.start <= on <= s.end]
        assert case.degree_today == (covering[0].degree if covering else None)
        assert case.current_certificate in case.certificates
        assert case.days_left == (case.end - on).days


@settings(max_examples=200, deadline=None)
@given(st.data(), certificates(max_size=10), engine_settings, dates)
def test_result_does_not_depend_on_input_order(data, certs, config, on):
    shuffled = data.draw(st.permutations(certs))
    assert compute_cases(shuffled, config, on) == compute_cases(certs, config, on)


@settings(max_examples=200, deadline=None)
@given(certificates(max_size=10), engine_settings, dates)
def test_no_uncovered_run_longer_than_g_except_inside_one_certificate(certs, config, on):
    by_id = {c.id: c for c in certs}
    for case in compute_cases(certs, config, on):
        spans = [span(by_id[cid]) for cid in case.certificates]
        for before, after in zip(case.segments, case.segments[1:], strict=False):
            gap_start = before.end.toordinal() + 1
            gap_end = after.start.toordinal() - 1
            if gap_end - gap_start + 1 > config.gap_days:
                # Only a certificate's own gap between its periods may be that long.
                assert any(s <= gap_start and gap_end <= e for s, e in spans)


@settings(max_examples=200, deadline=None)
@given(certificates(max_size=10), engine_settings, dates)
def test_cases_of_a_person_never_overlap_and_are_more_than_g_days_apart(certs, config, on):
    cases = compute_cases(certs, config, on)
    assert cases == sorted(cases, key=lambda c: (c.person, c.start))
    for before, after in zip(cases, cases[1:], strict=False):
        if before.person == after.person:
            assert (after.start - before.end).days - 1 > config.gap_days
    all_ids = [cid for case in cases for cid in case.certificates]
    assert sorted(all_ids) == sorted(c.id for c in certs if counts(c))
