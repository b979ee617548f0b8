"""The certificate import's scope and limits: the id's length (the format and the model
agree) and the physician, matched within the importing unit and its sub-units."""

from __future__ import annotations

import json

import pytest

from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samsyn.sickleave import jsonformat
from samsyn.sickleave.models import Certificate
from samsyn.sickleave.tests.importing_helpers import cert, post_and_run, run

pytestmark = pytest.mark.django_db


# ---- the id's length: the format and the model agree ------------------------------------

LONGEST_ID, TOO_LONG_ID = "a" * 100, "b" * 101
# The format's message, with the field as every parse error in the report names it.
TOO_LONG_REASON = "Intygs-id får vara högst 100 tecken; det här har 101. (fält id)"


def test_the_model_stores_exactly_the_formats_longest_id():
    assert Certificate._meta.get_field("external_id").max_length == jsonformat.MAX_ID_LENGTH
    assert jsonformat.MAX_ID_LENGTH == 100


def test_page_imports_a_json_id_of_100_characters_and_rejects_101(coordinator_client, anna):
    document = [
        cert(LONGEST_ID, anna),
        cert(TOO_LONG_ID, anna, start="2025-03-01", end="2025-03-09"),
    ]

    response = post_and_run(coordinator_client, json.dumps(document))

    result = response.context["result"]
    assert result.imported == 1
    assert Certificate.objects.get().external_id == LONGEST_ID
    assert [(r.line, r.reason) for r in result.rejected] == [(2, TOO_LONG_REASON)]
    assert TOO_LONG_REASON in response.content.decode()


def test_page_imports_a_csv_id_of_100_characters_and_rejects_101(coordinator_client, anna):
    text = "id,person,type,signed,status,diagnoses,period_start,period_end,degree\n" + "".join(
        f"{cid},{anna.personnummer},FK7804,2025-02-03,valid,M54.5,2025-02-03,2025-02-09,100\n"
        for cid in (LONGEST_ID, TOO_LONG_ID)
    )

    response = post_and_run(coordinator_client, text, "intyg.csv")

    result = response.context["result"]
    assert result.imported == 1
    assert Certificate.objects.get().external_id == LONGEST_ID
    assert [(r.line, r.label, r.reason) for r in result.rejected] == [
        (3, TOO_LONG_ID, TOO_LONG_REASON)
    ]


def test_command_rejects_an_id_of_101_characters(json_file, anna):
    code, out, _ = run(json_file([cert(TOO_LONG_ID, anna)]))

    assert code == 1
    assert out.splitlines()[1] == f"rad 1, intyg –: {TOO_LONG_REASON}"
    assert not Certificate.objects.exists()


# ---- the physician: matched within the importing unit and its sub-units -----------------


def _physician_at(organisation, username):
    user = UserFactory(username=username, first_name="Doktor", last_name=username.title())
    MembershipFactory(user=user, organisation=organisation, role=Role.PHYSICIAN)
    return user


def _links() -> dict[str, tuple]:
    return {
        c.external_id: (c.physician, c.physician_name)
        for c in Certificate.objects.select_related("physician")
    }


def test_page_links_physicians_of_the_unit_and_its_sub_units_only(
    coordinator_client, anna, unit, other_unit
):
    here = _physician_at(unit, "dr_here")
    below = _physician_at(OrganisationFactory(name="Filial", parent=unit), "dr_below")
    _physician_at(other_unit, "dr_elsewhere")
    document = [
        cert("A-1", anna, physician="dr_here"),
        cert("A-2", anna, physician="dr_below"),
        cert("A-3", anna, physician="dr_elsewhere"),
        cert("A-4", anna, physician="nobody"),
        cert("A-5", anna),
    ]

    response = post_and_run(coordinator_client, json.dumps(document))

    assert _links() == {
        "A-1": (here, here.display_name),
        "A-2": (below, below.display_name),
        "A-3": (None, "dr_elsewhere"),
        "A-4": (None, "nobody"),
        "A-5": (None, ""),
    }
    result = response.context["result"]
    assert (result.imported, result.rejected, result.physicians_not_linked) == (5, [], 2)
    html = response.content.decode()
    assert "<dt>Intyg där läkaren sparades som text</dt><dd>2</dd>" in html
    assert "Intyget importerades med läkarens namn som text" in html


def test_report_says_nothing_of_physicians_when_every_one_is_linked(coordinator_client, anna, unit):
    _physician_at(unit, "dr_here")

    response = post_and_run(
        coordinator_client, json.dumps([cert("A-1", anna, physician="dr_here")])
    )

    assert response.context["result"].physicians_not_linked == 0
    assert "sparades som text" not in response.content.decode()


def test_system_job_matches_within_the_unit_the_certificate_names(
    json_file, anna, stranger, unit, other_unit
):
    here = _physician_at(unit, "dr_here")
    there = _physician_at(other_unit, "dr_there")
    items = [
        # The unit named in the file decides, not the person's unit.
        cert("A-1", anna, physician="dr_there", unit=other_unit.code),
        cert("A-2", anna, physician="dr_here", unit=other_unit.code),
        # No unit, or one Samsyn does not know: the person's care unit.
        cert("A-3", anna, physician="dr_here"),
        cert("S-1", stranger, physician="dr_here", unit="SE-OKAND-ENHET"),
        cert("S-2", stranger, physician="dr_there", unit="SE-OKAND-ENHET"),
    ]

    code, out, _ = run(json_file(items))

    assert code == 0
    assert _links() == {
        "A-1": (there, there.display_name),
        "A-2": (None, "dr_here"),
        "A-3": (here, here.display_name),
        "S-1": (None, "dr_here"),
        "S-2": (there, there.display_name),
    }
    assert out.splitlines() == [
        "Importerade 5 intyg för 2 personer.",
        "Läkaren sparades som text, utan koppling till en användare, i 2 intyg (ingen "
        "läkare med det användarnamnet vid intygets enhet).",
    ]


def test_import_as_a_user_ignores_the_unit_the_file_names(json_file, coordinator, anna, other_unit):
    _physician_at(other_unit, "dr_there")

    code, _, _ = run(
        json_file([cert("A-1", anna, physician="dr_there", unit=other_unit.code)]),
        "--as",
        coordinator.username,
    )

    assert code == 0
    assert _links() == {"A-1": (None, "dr_there")}
