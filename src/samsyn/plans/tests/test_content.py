"""The pure content rules: hand-worked cases and properties."""

from hypothesis import given
from hypothesis import strategies as st

from samsyn.plans import catalogue, content
from samsyn.plans.content import MeasureStatus, PlanKind


def test_the_same_catalogue_measure_by_two_organisations_is_parallel():
    measures = [
        (1, "arbetstraning", "fk", MeasureStatus.AGREED),
        (2, "arbetstraning", "employer", MeasureStatus.PROPOSED),
        (3, "fysioterapi", "unit", MeasureStatus.ONGOING),
    ]
    assert content.parallel_measures(measures) == {1, 2}


def test_one_organisation_twice_or_a_finished_measure_is_not_parallel():
    measures = [
        (1, "arbetstraning", "fk", MeasureStatus.AGREED),
        (2, "arbetstraning", "fk", MeasureStatus.ONGOING),
        (3, "arbetstraning", "employer", MeasureStatus.DONE),
        (4, "arbetstraning", "af", MeasureStatus.NOT_RELEVANT),
    ]
    assert content.parallel_measures(measures) == set()


def test_free_text_measures_match_by_their_words():
    assert content.measure_key("", "  Lättare   Arbetsuppgifter ") == "lättare arbetsuppgifter"
    assert content.measure_key("omplacering", "Omplacering till lager") == "omplacering"


statuses = st.sampled_from(list(MeasureStatus))
rows = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["x", "y", "z"]), statuses),
    max_size=12,
)


@given(rows)
def test_a_flagged_measure_always_has_another_actors_active_twin(data):
    measures = [(i, key, owner, status) for i, (key, owner, status) in enumerate(data)]
    flagged = content.parallel_measures(measures)
    for pk in flagged:
        _, key, owner, status = measures[pk]
        assert status in content.ACTIVE_MEASURE_STATUSES
        assert any(
            k == key and o != owner and s in content.ACTIVE_MEASURE_STATUSES
            for _, k, o, s in measures
        )


def test_goals_concern_the_person_and_the_responsible_actor_does_not():
    before = {"person_goals": "A", "responsible": "Vården"}
    assert content.concerns_person(before, {**before, "person_goals": "B"})
    assert content.concerns_person(before, {**before, "icf_body": "Smärta"})
    assert not content.concerns_person(before, {**before, "responsible": "FK"})


def test_the_employers_plan_has_the_templates_fields_and_the_care_plan_not():
    employer = {f.key for f in content.fields_for(PlanKind.EMPLOYER, icf=True)}
    care = {f.key for f in content.fields_for(PlanKind.CARE, icf=True)}
    assert {"work_tasks", "typical_day", "absence_contact", "person_took_part"} <= employer
    assert "work_tasks" not in care


def test_the_icf_rows_are_hidden_unless_allowed():
    rows = content.snapshot_fields(PlanKind.CARE, {"icf_body": "Smärta", "person_goals": "Mål"})
    assert "Smärta" not in [r["value"] for r in content.visible(rows, icf=False)]
    assert "Smärta" in [r["value"] for r in content.visible(rows, icf=True)]


def test_diff_names_the_changed_field_with_before_and_after():
    before = content.snapshot_fields(PlanKind.CARE, {"rtw_work": "Snickare"})
    after = content.snapshot_fields(PlanKind.CARE, {"rtw_work": "Lager"})
    [change] = content.diff(before, after, icf=False)
    assert (change.before, change.after) == ("Snickare", "Lager")


def test_day_30_is_done_by_a_plan_or_a_decision():
    assert content.rtw_plan_done(employer_plan=True, no_plan_decision=False)
    assert content.rtw_plan_done(employer_plan=False, no_plan_decision=True)
    assert not content.rtw_plan_done(employer_plan=False, no_plan_decision=False)


def test_the_catalogue_has_the_issues_measures_each_with_kind_and_actor():
    codes = {m.code for m in catalogue.catalogue()}
    assert {"arbetsanpassning", "sius", "lonebidrag", "fysioterapi"} <= codes
    assert len(codes) == len(catalogue.catalogue())
