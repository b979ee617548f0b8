"""The plans' pages through real HTTP: who sees what, the person's approval, the
concurrent-edit refusal, the PDF, withdrawal, and the fixed number of queries."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from conftest import verified_client
from samsyn.audit.models import AccessEvent
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.cases.tests.helpers import actor_for
from samsyn.consent import services as consent_services
from samsyn.consent.tests.fixtures import give_consent
from samsyn.plans import services
from samsyn.plans.content import PlanKind, VersionState
from samsyn.plans.models import Plan, PlanVersion
from samsyn.plans.tests.helpers import (
    GOALS,
    add_measure,
    care_plan,
    care_values,
    consent_plan,
    employer_values,
)

pytestmark = pytest.mark.django_db


def plan_url(plan):
    return reverse("plans:plan", args=[plan.pk])


def _edit_data(plan, values, version):
    data = {"version": version}
    for key, value in values.items():
        data[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def test_the_coordinator_creates_the_care_plan_through_the_page(coordinator_client, case):
    url = reverse("plans:plan_new", args=[case.pk, PlanKind.CARE])
    response = coordinator_client.post(url, _edit_data(None, care_values(), ""))
    plan = Plan.objects.get(case=case)
    assert response.status_code == 302
    assert response.url == plan_url(plan)
    page = coordinator_client.get(plan_url(plan)).content.decode()
    assert GOALS in page
    assert "Smärta i ländryggen" in page  # care staff see the ICF fields


def test_a_plan_without_its_next_follow_up_is_refused(coordinator_client, case):
    url = reverse("plans:plan_new", args=[case.pk, PlanKind.CARE])
    values = care_values()
    values.pop("next_follow_up")
    response = coordinator_client.post(url, _edit_data(None, values, ""))
    assert response.status_code == 400
    assert not Plan.objects.filter(case=case).exists()


def test_an_employer_never_sees_the_diagnosis_nor_the_icf_fields(
    coordinator, case, employer_user, employer_org, employer_client
):
    consent_plan(coordinator, case.person, employer_org, ["contact", "plan", "certificates"])
    plan = care_plan(coordinator, case)
    page = employer_client.get(plan_url(plan)).content.decode()
    assert GOALS in page
    assert "Smärta i ländryggen" not in page
    assert "Kroppsfunktioner" not in page
    assert "F43" not in page
    pdf = employer_client.get(reverse("plans:plan_pdf", args=[plan.pk]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Smärta i ländryggen" not in text
    assert GOALS.split()[0] in text


def test_a_consent_covering_diagnosis_shows_the_icf_fields(
    coordinator, case, employer_org, employer_client
):
    give_consent(
        coordinator,
        case.person,
        employer_org,
        ["contact", "plan", "diagnosis"],
        diagnosis_confirmed=True,
        diagnosis_reason="Vill att arbetsgivaren vet varför.",
    )
    plan = care_plan(coordinator, case)
    assert "Smärta i ländryggen" in employer_client.get(plan_url(plan)).content.decode()


def test_an_employer_without_consent_gets_no_plan(coordinator, case, employer_org, employer_client):
    consent_plan(coordinator, case.person, employer_org, ["contact", "work_capacity"])
    plan = care_plan(coordinator, case)
    assert employer_client.get(plan_url(plan)).status_code == 404
    assert employer_client.get(reverse("plans:case_plans", args=[case.pk])).status_code == 404
    assert employer_client.get(reverse("plans:plan_pdf", args=[plan.pk])).status_code == 404


def test_withdrawal_hides_the_plan_at_the_next_request(
    coordinator, case, employer_org, employer_client
):
    consent = consent_plan(coordinator, case.person, employer_org)
    plan = care_plan(coordinator, case)
    assert employer_client.get(plan_url(plan)).status_code == 200
    consent_services.withdraw_consent(actor=actor_for(coordinator), consent=consent, how="oral")
    assert employer_client.get(plan_url(plan)).status_code == 404


def test_a_pending_change_is_invisible_to_others_until_the_person_approves(
    coordinator, physician, case, employer_org, employer_client, patient_user
):
    consent_plan(coordinator, case.person, employer_org)
    plan = care_plan(coordinator, case)
    coordinator_client = verified_client(coordinator)
    response = coordinator_client.post(
        reverse("plans:plan_edit", args=[plan.pk]),
        _edit_data(plan, care_values(person_goals="Börja med två timmar om dagen"), plan.head),
    )
    assert response.status_code == 302
    pending = PlanVersion.objects.get(plan=plan, state=VersionState.PENDING)
    assert "Börja med två timmar" in coordinator_client.get(plan_url(plan)).content.decode()
    for other in (employer_client, verified_client(physician)):
        page = other.get(plan_url(plan)).content.decode()
        assert "Börja med två timmar" not in page
        assert GOALS in page
        version = other.get(reverse("plans:version", args=[plan.pk, pending.number]))
        assert version.status_code == 404
    patient = verified_client(patient_user)
    own = reverse("plans:version_approve", args=[pending.pk])
    back = patient.post(own, {"next": "/ditt-arende/"})
    assert back.status_code == 302
    assert back.url == "/ditt-arende/"
    page = employer_client.get(plan_url(plan)).content.decode()
    assert "Börja med två timmar" in page
    assert "Godkänd av personen" in page


def test_the_person_may_say_no_and_the_change_never_comes_into_force(
    coordinator, case, patient_user
):
    plan = care_plan(coordinator, case)
    version = services.save_plan(
        actor=actor_for(coordinator), plan=plan, base=plan.head, values={"rtw_work": "Lager"}
    )
    assert version.state == VersionState.PENDING
    verified_client(patient_user).post(
        reverse("plans:version_reject", args=[version.pk]), {"note": "Inte lager"}
    )
    version.refresh_from_db()
    assert version.state == VersionState.REJECTED
    page = verified_client(coordinator).get(plan_url(plan)).content.decode()
    assert "Snickare, lättare montage" in page


def test_a_change_not_concerning_the_person_is_in_force_at_once(coordinator, case):
    plan = care_plan(coordinator, case)
    version = services.save_plan(
        actor=actor_for(coordinator),
        plan=plan,
        base=plan.head,
        values={"responsible": "Försäkringskassan"},
    )
    assert version.state == VersionState.PUBLISHED


def test_the_second_of_two_concurrent_saves_is_refused_showing_what_changed(
    coordinator, colleague_same_unit, case
):
    plan = care_plan(coordinator, case)
    opened_at = plan.head
    first = verified_client(colleague_same_unit)
    second = verified_client(coordinator)
    url = reverse("plans:plan_edit", args=[plan.pk])
    ok = first.post(url, _edit_data(plan, care_values(responsible="Arbetsgivaren"), opened_at))
    assert ok.status_code == 302
    refused = second.post(url, _edit_data(plan, care_values(responsible="Kommunen"), opened_at))
    assert refused.status_code == 409
    body = refused.content.decode()
    assert "Arbetsgivaren" in body  # what the first one changed
    assert "Ingenting skrevs över" in body
    newest = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    assert {r["key"]: r["raw"] for r in newest.fields}["responsible"] == "Arbetsgivaren"


def test_a_version_renders_as_it_was_saved(coordinator_client, coordinator, case, monkeypatch):
    plan = care_plan(coordinator, case)
    services.save_plan(
        actor=actor_for(coordinator), plan=plan, base=plan.head, values={"responsible": "FK"}
    )
    url = reverse("plans:version", args=[plan.pk, 1])
    before = coordinator_client.get(url).content.decode()
    # The field's label changes in a later release: version 1 still shows its own.
    from samsyn.plans import content

    renamed = tuple(
        content.Field(f.key, "NYTT NAMN", f.type, f.kinds, f.icf, f.concerns_person, f.required)
        if f.key == "responsible"
        else f
        for f in content.FIELDS
    )
    monkeypatch.setattr(content, "FIELDS", renamed)
    after = coordinator_client.get(url).content.decode()
    assert "Aktör med övergripande ansvar" in after
    assert "NYTT NAMN" not in after
    assert "Vårdcentralen" in after
    assert before.count("<dd>") == after.count("<dd>")


def test_two_versions_side_by_side(coordinator_client, coordinator, case):
    plan = care_plan(coordinator, case)
    services.save_plan(
        actor=actor_for(coordinator), plan=plan, base=plan.head, values={"responsible": "FK"}
    )
    page = coordinator_client.get(
        reverse("plans:compare", args=[plan.pk]), {"a": 1, "b": 2}
    ).content.decode()
    assert "Vårdcentralen" in page
    assert "FK" in page
    assert 'class="changed"' in page


def test_the_employer_writes_the_plan_and_downloads_its_pdf(
    coordinator, case, employer_user, employer_org, employer_client
):
    consent_plan(coordinator, case.person, employer_org)
    url = reverse("plans:plan_new", args=[case.pk, PlanKind.EMPLOYER])
    response = employer_client.post(url, _edit_data(None, employer_values(), ""))
    assert response.status_code == 302
    plan = Plan.objects.get(case=case, kind=PlanKind.EMPLOYER)
    assert plan.owner == employer_org
    pdf = employer_client.get(reverse("plans:plan_pdf", args=[plan.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(pdf.content))
    text = "".join(p.extract_text() for p in reader.pages)
    for expected in (
        "Plan för återgång i arbete",
        "Montage av innerväggar",
        "Samtal varje fredag",
        "Inte godkänd ännu",
    ):
        assert expected in text
    assert AccessEvent.objects.filter(
        action=Action.PRINT, object_type=ObjectType.PLAN, object_id=str(plan.pk)
    ).exists()


def test_an_employer_may_not_write_the_care_plan(coordinator, case, employer_org, employer_client):
    consent_plan(coordinator, case.person, employer_org)
    plan = care_plan(coordinator, case)
    response = employer_client.post(
        reverse("plans:plan_edit", args=[plan.pk]),
        _edit_data(plan, care_values(person_goals="Annat"), plan.head),
    )
    assert response.status_code == 400
    assert PlanVersion.objects.filter(plan=plan).count() == 1


def test_the_external_actor_updates_and_comments_on_their_own_measures_only(
    coordinator, case, unit, employer_org, employer_user, employer_client
):
    consent_plan(coordinator, case.person, employer_org)
    plan = care_plan(coordinator, case)
    own = add_measure(coordinator, plan, employer_org, code="arbetsanpassning")
    other = add_measure(coordinator, plan, unit, code="fysioterapi")
    plan.refresh_from_db()
    page = employer_client.get(plan_url(plan)).content.decode()
    assert reverse("plans:measure_update", args=[own.pk]) in page
    assert reverse("plans:measure_update", args=[other.pk]) not in page
    prefix = f"m{own.pk.hex[:8]}"
    employer_client.post(
        reverse("plans:measure_update", args=[own.pk]),
        {f"{prefix}-version": plan.head, f"{prefix}-status": "ongoing"},
    )
    own.refresh_from_db()
    assert own.status == "ongoing"
    with pytest.raises(services.PlanError):
        services.update_measure(
            actor=actor_for(employer_user),
            measure_id=other.pk,
            base=plan.head + 1,
            status="done",
            start=None,
            end=None,
            follow_up=None,
            owner_person="",
        )
    employer_client.post(
        reverse("plans:measure_comment", args=[own.pk]),
        {f"c{own.pk.hex[:8]}-text": "Anpassningen är klar från måndag"},
    )
    assert own.comments.get().text == "Anpassningen är klar från måndag"
    with pytest.raises(services.PlanError):
        services.comment_measure(actor=actor_for(employer_user), measure_id=other.pk, text="x")


def test_the_same_measure_by_two_actors_is_flagged_as_parallel(
    coordinator_client, coordinator, case, unit, employer_org
):
    consent_plan(coordinator, case.person, employer_org)
    plan = care_plan(coordinator, case)
    add_measure(coordinator, plan, unit, code="arbetstraning")
    page = coordinator_client.get(plan_url(plan)).content.decode()
    assert "Parallell rehabilitering" not in page
    add_measure(coordinator, plan, employer_org, code="arbetstraning")
    page = coordinator_client.get(plan_url(plan)).content.decode()
    assert page.count("Parallell rehabilitering") == 2


def test_approval_by_the_owner_only_is_stated(coordinator_client, coordinator, case):
    plan = care_plan(coordinator, case)
    version = plan.versions.get()
    coordinator_client.post(reverse("plans:version_approve", args=[version.pk]))
    page = coordinator_client.get(plan_url(plan)).content.decode()
    assert "Godkänd av planens ägare" in page
    assert "inte av personen" in page


def _plan_with_measures(coordinator, case, unit, employer_org, count):
    plan = care_plan(coordinator, case)
    for index in range(count):
        add_measure(coordinator, plan, unit if index % 2 else employer_org, title=f"Åtgärd {index}")
    return plan


@pytest.mark.parametrize("count", [2, 6])
def test_the_plan_page_runs_in_a_fixed_number_of_queries(
    coordinator, case, unit, employer_org, employer_client, django_assert_num_queries, count
):
    consent_plan(coordinator, case.person, employer_org)
    plan = _plan_with_measures(coordinator, case, unit, employer_org, count)
    employer_client.get(plan_url(plan))  # warm the session and the unit ids
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        assert employer_client.get(plan_url(plan)).status_code == 200


PLAN_PAGE_QUERIES = 18
