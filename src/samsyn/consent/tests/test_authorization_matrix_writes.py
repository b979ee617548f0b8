"""The write matrix: every write of the issue that discloses or changes personal data, and
the directory's POST-only endpoints, × every role × every consent state (see `matrix.py`).

Each write ends one of three ways:
- WRITTEN: the redirect after success, and the row is there;
- REFUSED: the role may reach the page, but the service refuses (a consent is missing or
  does not cover the category, the role only reads, the consent is already withdrawn):
  the page again with the reason (400), or for a withdrawal the redirect with the error;
  nothing is written;
- DENIED: 403 or 404, no personal data in the body, nothing written.

Expectations, from the views' role checks, their selectors and the services:
- a message in the thread: the care writers (coordinator, physician) disclose to the
  thread's party only under a consent in force covering `messages` naming it; the unit
  manager reads the thread but writes nothing; the party's own user writes under the same
  consent and is otherwise turned away by the thread's selector (404);
- a statement from the shared case page: only external roles (403 for the rest); the page
  404s without a consent in force naming their organisation; the employer, AF and social
  services send one under a consent covering `contact`; FK has no statement to send;
- logging a contact: the coordinator of the case's unit only (other care staff 403, anyone
  outside the unit 404); a contact with an external actor needs a consent covering
  `contact` naming it, a personal-support contact needs none;
- withdrawing a consent: the unit's coordinator (coordinator page) or the person themself
  (the patient's page); physicians, unit managers, external actors and the administrator
  403, the other unit's coordinator and another patient 404;
- the directory: coordinators and unit managers of any care unit add contact persons;
  merging entries is for those of the unit that keeps them (the case's unit here), the
  other unit's coordinator is refused (ADR 008; every directory POST × role is
  directory/tests/test_write_matrix.py); linking an actor to a case and ending the link
  is the case's coordinator's.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.accounts.models import Organisation
from samsyn.collaboration.models import ContactEvent, Message, Statement
from samsyn.collaboration.statement_fields import KIND_FOR_ROLE, STATEMENT_FIELDS
from samsyn.consent.models import Consent
from samsyn.consent.tests.matrix import (
    EDITORS,
    EXTERNAL,
    ROLES,
    STATES,
    Scene,
    body_of,
    personal_data,
    set_state,
)
from samsyn.directory.models import CaseActor, ContactPerson

pytestmark = pytest.mark.django_db

WRITTEN, REFUSED, DENIED = "written", "refused", "denied"
CARE_WRITERS = {"coordinator", "physician"}


@dataclass(frozen=True)
class Write:
    name: str
    url: Callable[[dict, Scene], str | None]
    data: Callable[[dict, Scene, str], dict]
    rows: Callable[[dict, Scene], object]  # the rows the write may touch, as a value
    expect: Callable[[str, str], str]
    refused_status: int = 400


# ---- expectations --------------------------------------------------------------------


def _message(role: str, state: str) -> str:
    if role in CARE_WRITERS:
        return WRITTEN if state == "valid" else REFUSED
    if role == "unit_manager":
        return REFUSED
    if role in EXTERNAL:
        return WRITTEN if state == "valid" else DENIED
    return DENIED


def _statement(role: str, state: str) -> str:
    if role not in EXTERNAL or state not in {"valid", "other_category"}:
        return DENIED
    if role in KIND_FOR_ROLE and state == "valid":
        return WRITTEN
    return REFUSED  # FK has no statement; a consent for `plan` only does not cover contact


def _contact(external: bool) -> Callable[[str, str], str]:
    def expect(role: str, state: str) -> str:
        if role != "coordinator":
            return DENIED
        return REFUSED if external and state != "valid" else WRITTEN

    return expect


def _withdrawal(role: str, state: str) -> str:
    if role in {"coordinator", "patient"}:
        return REFUSED if state == "withdrawn" else WRITTEN
    return DENIED


def _directory(role: str, state: str) -> str:
    return WRITTEN if role in EDITORS else DENIED


def _directory_owned(role: str, state: str) -> str:
    """A change of entries the case's unit keeps: refused for another unit's editor."""
    if role not in EDITORS:
        return DENIED
    return REFUSED if role == "outsider" else WRITTEN


def _case_actors(role: str, state: str) -> str:
    return WRITTEN if role == "coordinator" else DENIED


# ---- what is posted ------------------------------------------------------------------


def _statement_data(world, scene, role):
    kind = KIND_FOR_ROLE.get(role, KIND_FOR_ROLE["employer"])
    return {field.key: f"Uppgift {field.key}" for field in STATEMENT_FIELDS[kind]}


def _contact_data(external: bool):
    def data(world, scene, role):
        occurred = timezone.localtime() - timedelta(hours=1)
        return {
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
            "channel": "phone",
            "part": "external" if external else "personal_support",
            "purpose": "check_in",
            "organisation": str(scene.party.pk) if external else "",
            "with_whom": "" if external else "Personen själv",
            "summary": "Avstämning om återgång i arbete",
        }

    return data


def _consent_row(world, scene):
    fields = ("withdrawn_at", "withdrawn_how", "withdrawn_by_id", "replaced_at")
    return (
        Consent.objects.count(),
        Consent.objects.filter(pk=scene.consent.pk).values_list(*fields).get(),
    )


def _on_case(name):
    def url(world, scene):
        return reverse(name, args=[world["case"].pk])

    return url


WRITES = [
    Write(
        "message",
        url=lambda w, s: s.thread and reverse("collaboration:thread", args=[s.thread.pk]),
        data=lambda w, s, role: {"body": "Ett nytt meddelande i tråden"},
        rows=lambda w, s: Message.objects.count(),
        expect=_message,
    ),
    Write(
        "statement",
        url=_on_case("cases:shared_case"),
        data=_statement_data,
        rows=lambda w, s: Statement.objects.count(),
        expect=_statement,
    ),
    Write(
        "contact_external",
        url=_on_case("collaboration:contacts"),
        data=_contact_data(external=True),
        rows=lambda w, s: ContactEvent.objects.count(),
        expect=_contact(external=True),
    ),
    Write(
        "contact_personal_support",
        url=_on_case("collaboration:contacts"),
        data=_contact_data(external=False),
        rows=lambda w, s: ContactEvent.objects.count(),
        expect=_contact(external=False),
    ),
    Write(
        "withdraw",  # last of the consent's writes: it ends the consent
        url=lambda w, s: s.consent and reverse("consent:withdraw", args=[s.consent.pk]),
        data=lambda w, s, role: {"how": "oral"},
        rows=_consent_row,
        expect=_withdrawal,
        refused_status=302,
    ),
    Write(
        "contact_add",
        url=lambda w, s: reverse("directory:contact_add", args=[w["orgs"]["employer"].pk]),
        data=lambda w, s, role: {"contact-name": "Nils Ny", "contact-role": "manager"},
        rows=lambda w, s: ContactPerson.objects.count(),
        expect=_directory,
    ),
    Write(
        "directory_merge",
        url=lambda w, s: reverse("directory:merge", args=[w["merge_keep"].pk]),
        data=lambda w, s, role: {
            "merge-duplicate": w["merge_duplicate"].pk,
            "merge-confirm": "on",
        },
        rows=lambda w, s: (
            Organisation.objects.filter(pk=w["merge_duplicate"].pk)
            .values_list("merged_into_id", flat=True)
            .get()
        ),
        expect=_directory_owned,
    ),
    Write(
        "contact_merge",
        url=lambda w, s: reverse("directory:contact_merge", args=[w["contact"].pk]),
        data=lambda w, s, role: {
            "merge-duplicate": w["contact_duplicate"].pk,
            "merge-confirm": "on",
        },
        rows=lambda w, s: (
            ContactPerson.objects.filter(pk=w["contact_duplicate"].pk)
            .values_list("merged_into_id", flat=True)
            .get()
        ),
        expect=_directory_owned,
    ),
    Write(
        "case_actor_link",
        url=_on_case("directory:case_actor_link"),
        data=lambda w, s, role: {
            "link-organisation": w["orgs"]["social_services"].pk,
            "link-responsibility": "Försörjningsstöd",
            "link-started_on": timezone.localdate().isoformat(),
        },
        rows=lambda w, s: CaseActor.objects.count(),
        expect=_case_actors,
    ),
    Write(
        "case_actor_end",
        url=lambda w, s: reverse("directory:case_actor_end", args=[w["case"].pk, w["link"].pk]),
        data=lambda w, s, role: {"ended_on": timezone.localdate().isoformat()},
        rows=lambda w, s: (
            CaseActor.objects.filter(pk=w["link"].pk).values_list("ended_on", flat=True).get()
        ),
        expect=_case_actors,
    ),
]


# ---- what a written row must look like -----------------------------------------------


def _check_written(name, world, scene, role, user, response):
    """The row the write made is the acting user's, where it went is right."""
    if name == "message":
        message = Message.objects.filter(thread=scene.thread).order_by("-created_at").first()
        assert message.author == user
        assert message.body == "Ett nytt meddelande i tråden"
        assert message.consent_id == scene.consent.pk  # disclosed under the consent
    elif name == "statement":
        statement = Statement.objects.get()
        assert statement.author == user
        assert statement.consent_id == scene.consent.pk
        assert statement.kind == KIND_FOR_ROLE[role]
    elif name in {"contact_external", "contact_personal_support"}:
        part = "external" if name == "contact_external" else "personal_support"
        event = ContactEvent.objects.get(case=world["case"], part=part)
        assert event.created_by == user
        if name == "contact_external":
            assert event.organisation == scene.party
            assert event.consent_id == scene.consent.pk
    elif name == "withdraw":
        consent = Consent.objects.get(pk=scene.consent.pk)
        assert consent.withdrawn_by == user
        assert consent.withdrawn_how == ("self_service" if role == "patient" else "oral")
        page = "consent:mine" if role == "patient" else "consent:person"
        args = [] if role == "patient" else [world["person"].pk]
        assert response.url == reverse(page, args=args)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_write_matrix(world, role, state):
    scene = set_state(world, role, state)
    user = world["users"][role]
    client = verified_client(user)
    personal = personal_data(world["person"])

    if state == "valid" and role in {"coordinator", "patient"}:
        # The withdrawal is offered where it is made: the coordinator's registry page,
        # and for the patient the confirmation that "Mina samtycken" links to.
        if role == "patient":
            page = reverse("consent:withdraw_confirm", args=[scene.consent.pk])
            assert page in client.get(reverse("consent:mine")).content.decode()
        else:
            page = reverse("consent:person", args=[world["person"].pk])
        withdraw = reverse("consent:withdraw", args=[scene.consent.pk])
        assert f'action="{withdraw}"' in client.get(page).content.decode()

    done = []
    for write in WRITES:
        url = write.url(world, scene)
        if url is None:  # no consent or thread in this state: nothing to write to
            continue
        outcome = write.expect(role, state)
        before = write.rows(world, scene)
        response = client.post(url, write.data(world, scene, role))
        after = write.rows(world, scene)
        where = (write.name, role, state, outcome, response.status_code)
        if outcome == WRITTEN:
            assert response.status_code == 302, where
            assert after != before, where
            _check_written(write.name, world, scene, role, user, response)
        elif outcome == REFUSED:
            assert response.status_code == write.refused_status, where
            assert after == before, where
        else:
            assert response.status_code in {403, 404}, where
            assert after == before, where
            body = body_of(response)
            for value in personal:
                assert value not in body, where
        done.append(write.name)
    expected = {w.name for w in WRITES}
    if state == "none":  # no consent to withdraw, no thread to write in
        expected -= {"message", "withdraw"}
    assert set(done) == expected
