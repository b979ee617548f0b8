"""The authorization matrix: every page of the consent, collaboration and directory work
(and the external actors' case page) × every role × every consent state, read with GET.
An allowed request is 200; a denied one is 403 or 404 and carries no personal data.

The consent states and the world are described in `matrix.py`. The POST-only endpoints
answer GET with 405 for everyone (and no personal data); what they write, and who may,
is the write matrix (test_authorization_matrix_writes.py).

Expectations, from the views' role checks and their selectors:
- care staff of the case's unit (coordinator, physician, unit manager) read the person's
  pages; changing a consent is the coordinator's alone, the scanned consent any of them;
- an external actor reads the case page while a consent in force names their organisation
  for any category (`plan` alone shows nothing but the plan), and the messages (list,
  thread, attachment) only while it covers `messages`;
- the patient reads their own consents only (the other patient sees an empty page), their
  own case ("Ditt ärende", the give and end pages) and the timeline of their own case;
- the case's timeline: care staff of the unit, the person, and an external actor whose
  consent in force names their organisation (for any category);
- the directory is read by coordinators and unit managers of any care unit (no patient
  data in it; who may change which entry is the directory's write matrix,
  directory/tests/test_write_matrix.py); the administrator reaches no personal data.
"""

import pytest
from django.urls import resolve, reverse

from conftest import verified_client
from samsyn.collaboration import urls as collaboration_urls
from samsyn.consent import urls as consent_urls
from samsyn.consent.tests.matrix import (
    CARE,
    EDITORS,
    EXTERNAL,
    ROLES,
    STATES,
    body_of,
    personal_data,
    set_state,
)
from samsyn.directory import urls as directory_urls
from samsyn.followup import urls as followup_urls
from samsyn.overview import urls as overview_urls

pytestmark = pytest.mark.django_db

# Endpoints behind require_POST: 405 to a GET, whoever asks.
POST_ONLY = {
    "consent_withdraw",
    "contact_add",
    "directory_merge",
    "contact_merge",
    "contact_login_confirm",
    "case_actor_link",
    "case_actor_end",
    "harm_assessment",
}
DOWNLOADS = {"consent_document", "attachment"}
# Every route of the issue's url modules, and the external actors' case page.
ALL_VIEWS = {
    f"{module.app_name}:{pattern.name}"
    for module in (directory_urls, consent_urls, collaboration_urls, followup_urls, overview_urls)
    for pattern in module.urlpatterns
} | {"cases:shared_case"}


def expected(view: str, role: str, state: str) -> bool:
    external_sees = role in EXTERNAL and state == "valid"
    # A consent in force for `plan` only still shows the case, with nothing but the plan.
    external_case = role in EXTERNAL and state in {"valid", "other_category"}
    care = role in CARE
    keeps_directory = role in EDITORS
    return {
        "home_lists_case": external_case,
        "shared_case": external_case,
        "consent_registry": care,
        "consent_change": role == "coordinator",
        "consent_document": care,
        "my_consents": role in {"patient", "other_patient"},
        # The person's own pages: each patient their own (the other patient's is empty).
        "give_consent": role in {"patient", "other_patient"},
        "end_collaboration": role in {"patient", "other_patient"},
        "own_case": role in {"patient", "other_patient"},
        # Confirming a withdrawal: the person's own consent while in force or about to start.
        "withdraw_confirm": role == "patient"
        and state in {"valid", "other_category", "other_organisation"},
        # The case's timeline: the unit's staff, the person, and an external actor under
        # a consent in force naming its organisation (whatever category it covers).
        "timeline": care or role == "patient" or external_case,
        "threads": care or external_sees,
        "thread": care or external_sees,
        "attachment": care or external_sees,
        # Försäkringskassan's requests page: the officer's own office's requests only.
        "fk_requests": role == "fk_officer",
        "case_actors": care,
        "contacts": care,
        # Whether a consent covers a recipient, before sending: the unit's care staff.
        "recipient_check": care,
        "directory": keeps_directory,
        "directory_create": keeps_directory,
        "directory_import": keeps_directory,
        # An import's progress and report: the directory's editors at the unit that ran it.
        "directory_import_job": role in {"coordinator", "unit_manager"},
        "directory_detail": keeps_directory,
        "contact_edit": keeps_directory,
        # Counts only, no personal data: coordinators and unit managers, own units.
        "coordination_report": role in {"coordinator", "unit_manager", "outsider"},
    }[view]


def urls(world, scene) -> dict[str, str]:
    case, person = world["case"], world["person"]
    org, contact = world["orgs"]["employer"], world["contact"]
    result = {
        "shared_case": reverse("cases:shared_case", args=[case.pk]),
        "consent_registry": reverse("consent:person", args=[person.pk]),
        "my_consents": reverse("consent:mine"),
        "give_consent": reverse("consent:give"),
        "end_collaboration": reverse("consent:end_collaboration"),
        "own_case": reverse("overview:own_case"),
        "timeline": reverse("overview:timeline", args=[case.pk]),
        "threads": reverse("collaboration:threads", args=[case.pk]),
        "contacts": reverse("collaboration:contacts", args=[case.pk]),
        "recipient_check": reverse("collaboration:recipient_check", args=[case.pk, "messages"]),
        "fk_requests": reverse("collaboration:fk_requests"),
        "coordination_report": reverse("followup:coordination_report"),
        "case_actors": reverse("directory:case_actors", args=[case.pk]),
        "case_actor_link": reverse("directory:case_actor_link", args=[case.pk]),
        "case_actor_end": reverse("directory:case_actor_end", args=[case.pk, world["link"].pk]),
        "directory": reverse("directory:index"),
        "directory_create": reverse("directory:create"),
        "directory_import": reverse("directory:import"),
        "directory_import_job": reverse(
            "directory:import_job", args=[world["directory_import"].pk]
        ),
        "directory_detail": reverse("directory:detail", args=[org.pk]),
        "contact_add": reverse("directory:contact_add", args=[org.pk]),
        "directory_merge": reverse("directory:merge", args=[org.pk]),
        "contact_edit": reverse("directory:contact_edit", args=[contact.pk]),
        "contact_merge": reverse("directory:contact_merge", args=[contact.pk]),
        "contact_login_confirm": reverse("directory:contact_login_confirm", args=[contact.pk]),
    }
    if scene.consent is not None:
        result["consent_change"] = reverse("consent:change", args=[scene.consent.pk])
        result["consent_withdraw"] = reverse("consent:withdraw", args=[scene.consent.pk])
        result["withdraw_confirm"] = reverse("consent:withdraw_confirm", args=[scene.consent.pk])
        result["consent_document"] = reverse("consent:document", args=[scene.consent.pk])
    if scene.thread is not None:
        result["thread"] = reverse("collaboration:thread", args=[scene.thread.pk])
        result["attachment"] = reverse("collaboration:attachment", args=[scene.attachment.pk])
        result["harm_assessment"] = reverse("collaboration:harm_assessment", args=[scene.thread.pk])
    return result


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_matrix(world, role, state):
    scene = set_state(world, role, state)
    person = world["person"]
    client = verified_client(world["users"][role])
    personal = personal_data(person)

    home = client.get("/").content.decode()
    listed = reverse("cases:shared_case", args=[world["case"].pk]) in home
    assert listed == expected("home_lists_case", role, state), home[:200]

    views = urls(world, scene)
    if scene.consent is not None:  # the states with a consent (and a thread) reach all
        assert {resolve(url).view_name for url in views.values()} == ALL_VIEWS
    for view, url in views.items():
        response = client.get(url)
        body = body_of(response)
        where = (view, role, state, response.status_code)
        if view in POST_ONLY:
            assert response.status_code == 405, where
            for value in personal:
                assert value not in body, where
        elif expected(view, role, state):
            assert response.status_code == 200, where
            if view in DOWNLOADS:
                assert person.family_name in body, where  # the file itself
            if view == "shared_case" and state == "other_category":
                assert "Arbetsförmåga och sjukskrivning" not in body
                assert "070-1234567" not in body
        else:
            assert response.status_code in {403, 404}, where
            for value in personal:
                assert value not in body, where
