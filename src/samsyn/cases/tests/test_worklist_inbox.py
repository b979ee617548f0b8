"""The coordinator's start page as an inbox: an employer's reply, a statement, a new
question from Försäkringskassan and a patient's withdrawal of a consent show until this
user opens them (per-user read state); each links to its place."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.audit.models import AccessEvent
from samsyn.audit.vocabulary import ObjectType
from samsyn.cases.tests.helpers import actor_for
from samsyn.collaboration.models import Message, StatementKind, Thread, ThreadKind
from samsyn.collaboration.services import messages as message_services
from samsyn.collaboration.services import statements as statement_services
from samsyn.consent import services as consent_services
from samsyn.consent.tests.fixtures import give_consent

pytestmark = pytest.mark.django_db
HOME = reverse("core:home")


def inbox_links(page: str) -> list[str]:
    return re.findall(r'<a href="(/inkorg/[^"]+)">', page)


@pytest.fixture
def reply(case, coordinator, employer_org, employer_user):
    """The coordinator writes to the employer, who answers (through the real services)."""
    give_consent(coordinator, case.person, employer_org, ["messages", "contact"])
    thread = message_services.start_thread(
        actor=actor_for(coordinator),
        case=case,
        party=employer_org,
        subject="Anpassade arbetsuppgifter",
        body="Kan ni erbjuda lättare uppgifter?",
    )
    message_services.post_message(
        actor=actor_for(employer_user), thread=thread, body="Ja, från måndag."
    )
    return thread


def test_an_employers_reply_shows_and_leads_to_its_thread(coordinator_client, reply):
    page = coordinator_client.get(HOME).content.decode()
    assert "Nytt sedan du tittade senast" in page
    assert "Meddelande från Testbygg AB</strong> – Maja Samtyckesson" in page
    assert "Anpassade arbetsuppgifter" in page
    assert "Ja, från måndag." not in page  # what was written is on its own page only
    (link,) = inbox_links(page)
    response = coordinator_client.get(link)
    assert response.status_code == 302
    assert response.url == reverse("collaboration:thread", args=[reply.pk])
    page = coordinator_client.get(HOME).content.decode()
    assert inbox_links(page) == []
    assert "Inget nytt" in page


def test_read_state_is_per_user(coordinator_client, colleague_same_unit, reply):
    (link,) = inbox_links(coordinator_client.get(HOME).content.decode())
    coordinator_client.get(link)
    colleague = verified_client(colleague_same_unit)
    assert len(inbox_links(colleague.get(HOME).content.decode())) == 1


def test_a_message_read_in_its_thread_is_read_in_the_inbox(coordinator_client, reply):
    coordinator_client.get(reverse("collaboration:thread", args=[reply.pk]))
    assert inbox_links(coordinator_client.get(HOME).content.decode()) == []


def test_statement_withdrawal_and_fk_question_show_each_with_its_place(
    coordinator_client,
    coordinator,
    case,
    employer_org,
    employer_user,
    patient_user,
    fk_org,
    fk_user,
):
    consent = give_consent(coordinator, case.person, employer_org, ["contact"])
    statement_services.send_statement(
        actor=actor_for(employer_user),
        case=case,
        kind=StatementKind.EMPLOYER_WORK_TASKS,
        content={"work_tasks": "Lager", "adjustments": "Halvtid"},
    )
    consent_services.withdraw_consent(actor=actor_for(patient_user), consent=consent, how="")
    question = Thread.objects.create(
        case=case,
        party=fk_org,
        subject="Komplettering",
        kind=ThreadKind.FK_QUESTION,
        fk_topic="KOMPLT",
        answer_by=timezone.localdate() + timedelta(days=3),
        created_by=fk_user,
    )
    Message.objects.create(thread=question, author=fk_user, organisation=fk_org, body="?")
    page = coordinator_client.get(HOME).content.decode()
    assert "Uppgifter från Testbygg AB" in page
    assert "Samtycke återkallat" in page
    assert "Fråga från Försäkringskassan Testköping" in page
    assert '<span class="tag tag--warn">3</span>' in page
    targets = {coordinator_client.get(link).url for link in inbox_links(page)}
    assert targets == {
        reverse("cases:person", args=[case.person_id]),
        reverse("consent:person", args=[case.person_id]),
        reverse("collaboration:thread", args=[question.pk]),
    }
    assert inbox_links(coordinator_client.get(HOME).content.decode()) == []


def test_the_users_own_writes_are_not_news(coordinator_client, coordinator, case, employer_org):
    consent = give_consent(coordinator, case.person, employer_org, ["messages"])
    consent_services.withdraw_consent(actor=actor_for(coordinator), consent=consent, how="oral")
    assert inbox_links(coordinator_client.get(HOME).content.decode()) == []


def test_mark_all_read(coordinator_client, reply):
    assert len(inbox_links(coordinator_client.get(HOME).content.decode())) == 1
    response = coordinator_client.post(reverse("cases:inbox_clear"))
    assert response.status_code == 302
    assert inbox_links(coordinator_client.get(HOME).content.decode()) == []


def test_an_item_of_another_unit_is_a_404(outsider_client, reply):
    message = reply.messages.exclude(organisation=reply.case.unit).get()
    url = reverse("cases:inbox_open", args=["message", message.pk])
    assert outsider_client.get(url).status_code == 404
    assert (
        outsider_client.get(reverse("cases:inbox_open", args=["nonsense", message.pk])).status_code
        == 404
    )


def test_the_items_shown_are_logged_as_reads(coordinator_client, coordinator, reply):
    coordinator_client.get(HOME)
    shown = AccessEvent.objects.filter(object_type=ObjectType.NOTIFICATION, actor=coordinator)
    assert list(shown.values_list("person_id", flat=True)) == [reply.case.person_id]


def test_the_start_page_runs_a_fixed_number_of_queries(
    coordinator_client,
    coordinator,
    case,
    employer_org,
    employer_user,
    reply,
    django_assert_num_queries,
):
    coordinator_client.get(HOME)
    # 30: the worklist's own cases in SQL (stale check, counts, page), the access event,
    # the risk badges and the inbox (ADR 018: 32 when every row was built in Python)
    with django_assert_num_queries(30) as few:
        coordinator_client.get(HOME)
    for n in range(4):
        message_services.post_message(
            actor=actor_for(employer_user), thread=reply, body=f"Tillägg {n}"
        )
    statement_services.send_statement(
        actor=actor_for(employer_user),
        case=case,
        kind=StatementKind.EMPLOYER_WORK_TASKS,
        content={"work_tasks": "Lager", "adjustments": "Halvtid"},
    )
    with django_assert_num_queries(len(few.captured_queries)):
        page = coordinator_client.get(HOME).content.decode()
    assert len(inbox_links(page)) == 6


def test_an_employer_sees_the_care_units_new_message_until_read(employer_client, reply):
    message_services.post_message(
        actor=actor_for(reply.case.responsible), thread=reply, body="Tack, vi hörs på fredag."
    )
    page = employer_client.get(HOME).content.decode()
    assert "Nytt sedan du tittade senast" in page
    # The coordinator's first message and the new one; the employer's own reply is not new
    assert "2 nya meddelanden</strong> – Maja Samtyckesson" in page
    threads = reverse("collaboration:threads", args=[reply.case_id])
    assert f'href="{threads}"' in page
    assert employer_client.get(threads).status_code == 200
    employer_client.get(reverse("collaboration:thread", args=[reply.pk]))
    assert "Nytt sedan du tittade senast" not in employer_client.get(HOME).content.decode()


def test_an_employer_without_a_messages_consent_is_told_nothing_new(
    employer_client, coordinator, case, employer_org
):
    give_consent(coordinator, case.person, employer_org, ["work_capacity"])
    page = employer_client.get(HOME).content.decode()
    assert "Maja Samtyckesson" in page
    assert "Nytt sedan du tittade senast" not in page
