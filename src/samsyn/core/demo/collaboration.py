"""Demo data for working together: the directory, consents in every state, the actors in
cases, contacts, message threads (with an unanswered question from Försäkringskassan)
and statements from the actors. Everything goes through the real services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Membership, Organisation, OrganisationType, Role, User
from samsyn.cases import services as case_services
from samsyn.cases.models import Case
from samsyn.collaboration import services as collab
from samsyn.collaboration.models import Channel, CoordinationPart, FkTopic, Purpose, ThreadKind
from samsyn.collaboration.selectors import messages as collab_selectors
from samsyn.collaboration.services import fk_requests, statements
from samsyn.consent import services as consent_services
from samsyn.consent.models import Consent
from samsyn.directory import services as directory
from samsyn.directory.models import ContactPerson, ContactRole, RehabKind
from samsyn.people.models import Person
from samsyn.people.personnummer import luhn_check_digit
from samsyn.sickleave.models import Certificate, CertificateType

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def org_number(first_nine: str) -> str:
    """A valid organisationsnummer (Luhn check digit) from its first nine digits."""
    return first_nine + str(luhn_check_digit(first_nine))


# code in region.ORGANISATIONS -> directory details
DIRECTORY = {
    "556000-0001": ("556677889", "010-555 12 00", "hr@nordbygg.example", "Byggvägen 4, Björkdalen"),
    "556000-0002": ("556123456", "010-555 34 00", "info@lindgrens.example", "Hamnen 2, Björkdalen"),
    "556000-0003": ("556987654", "010-555 56 00", "bokning@halsopartner.example", "Torget 1"),
    "FK-DEMO-1": ("202100550", "0771-524 524", "", "Box 1164, Björkdalen"),
    "AF-DEMO-1": ("202100211", "0771-416 416", "", "Storgatan 10, Björkdalen"),
    "212000-0001": ("212000123", "0123-456 00", "socialtjansten@bjorkdalen.example", "Rådhuset"),
    "SF-DEMO-1": ("222000456", "0123-456 90", "kansli@sfbjorkdalen.example", "Rådhuset"),
}

CONTACTS = [
    # org code, name, role, title, phone, email, username of their login
    (
        "556000-0001",
        "Jonas Eklund",
        ContactRole.HR,
        "HR-specialist",
        "010-555 12 10",
        "hr.nordbygg",
    ),
    ("556000-0001", "Tomas Ek", ContactRole.MANAGER, "Arbetsledare", "070-555 12 11", ""),
    ("556000-0002", "Maria Lundgren", ContactRole.HR, "HR-chef", "010-555 34 10", "hr.lindgrens"),
    (
        "556000-0003",
        "Sofia Wallin",
        ContactRole.OCCUPATIONAL_HEALTH,
        "Företagssköterska",
        "",
        "fhv",
    ),
    ("FK-DEMO-1", "Per Nyström", ContactRole.FK_UNIT_CONTACT, "Handläggare", "010-116 00 00", "fk"),
    ("AF-DEMO-1", "Leila Hassan", ContactRole.CASE_OFFICER, "Arbetsförmedlare", "", "af"),
    ("212000-0001", "Mats Olofsson", ContactRole.SOCIAL_WORKER, "Socialsekreterare", "", ""),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _actor(username: str, role: str, at: str = "") -> Actor:
    """The user in the role (at the organisation with code `at`, if given)."""
    memberships = Membership.objects.select_related("user", "organisation").filter(
        user__username=username, role=role
    )
    if at:
        memberships = memberships.filter(organisation__code=at)
    membership = memberships.first()
    return Actor(user=membership.user, membership=membership)


def build_collaboration(*, today: date, unit: Organisation) -> None:
    if Consent.objects.exists():
        return
    coordinator = _actor("koordinator", Role.COORDINATOR)
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=DIRECTORY)}
    contacts = _directory(coordinator, orgs, unit)
    cases = _cases(coordinator, unit)
    _consents_and_work(coordinator, orgs, cases, today, contacts)
    _hand_over_contact_login(contacts["Maria Lundgren"], "lager.lindgrens")


def _directory(coordinator: Actor, orgs: dict, unit: Organisation) -> dict[str, ContactPerson]:
    """The directory, kept by the coordinator's unit (the rehab clinic keeps its team);
    the contact persons by name, linked to their logins."""
    for code, (nine, phone, email, address) in DIRECTORY.items():
        org = orgs[code]
        directory.update_organisation(
            actor=coordinator,
            organisation=org,
            data=directory.OrganisationData(
                type=org.type,
                name=org.name,
                org_number=org_number(nine),
                phone=phone,
                email=email,
                address=address,
                occupational_health=orgs["556000-0003"] if code == "556000-0001" else None,
            ),
        )
    contacts = {}
    for code, name, role, title, phone, username in CONTACTS:
        contacts[name] = directory.create_contact_person(
            actor=coordinator,
            organisation=orgs[code],
            data=directory.ContactData(
                name=name,
                role=role,
                title=title,
                phone=phone,
                email=f"{username}@demo.samsyn.invalid" if username else "",
                care_unit=unit if role == ContactRole.FK_UNIT_CONTACT else None,
                user=User.objects.filter(username=username).first() if username else None,
            ),
        )
    # A collaboration team of the samordningsförbund (kept by the rehab clinic, whose
    # coordinator added it), and a duplicate to merge.
    directory.create_organisation(
        actor=_actor("koordinator2", Role.COORDINATOR, at="SE2321000016-DEMO2"),
        data=directory.OrganisationData(
            type=OrganisationType.SAMORDNINGSFORBUND,
            name="Samverkansteam Björkdalen (Finsam)",
            phone="0123-456 91",
            parent=orgs["SF-DEMO-1"],
        ),
    )
    directory.create_organisation(
        actor=coordinator,
        data=directory.OrganisationData(
            type=OrganisationType.EMPLOYER,
            name="Nordbygg Aktiebolag",
            notes="Troligen samma som Nordbygg AB – kontrollera och slå ihop.",
        ),
    )
    directory.create_organisation(
        actor=coordinator,
        data=directory.OrganisationData(
            type=OrganisationType.EMPLOYER,
            name="Björkdalens kommun, förvaltningen (arbetsgivare)",
            org_number=org_number("212000123"),
            phone="0123-456 00",
        ),
    )
    return contacts


def _hand_over_contact_login(contact: ContactPerson, username: str) -> None:
    """A colleague takes over the contact's HR questions: the second coordinator links the
    contact to the colleague's login. The consent that names the contact waits for the
    unit's confirmation (the directory's start page lists it for the coordinators): until
    then neither login reads under it."""
    directory.update_contact_person(
        actor=_actor("koordinator2", Role.COORDINATOR, at="SE2321000016-DEMO1"),
        contact_person=contact,
        data=directory.ContactData(
            name=contact.name,
            role=contact.role,
            title=contact.title,
            phone=contact.phone,
            email=contact.email,
            notes="Föräldraledig från december. Peter Holm tar över HR-frågorna.",
            care_unit=contact.care_unit,
            user=User.objects.get(username=username),
        ),
    )


def _cases(coordinator: Actor, unit: Organisation) -> list[Case]:
    """The open cases at the unit, the demo patient's first (opened here if needed)."""
    patient = Person.objects.get(user__username="patient")
    if not Case.objects.open().filter(person=patient).exists():
        case_services.open_case(actor=coordinator, person=patient, expected_days=120)
    cases = list(
        Case.objects.open()
        .filter(unit=unit, preventive=False)
        .select_related("person", "responsible")
        .order_by("person__personnummer")
    )
    cases.sort(key=lambda c: c.person_id != patient.pk)
    return cases


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), STOCKHOLM)


def _consents_and_work(
    coordinator: Actor, orgs: dict, cases: list[Case], today: date, contacts: dict
) -> None:
    nordbygg, lindgrens, fhv = orgs["556000-0001"], orgs["556000-0002"], orgs["556000-0003"]
    fk, af, social = orgs["FK-DEMO-1"], orgs["AF-DEMO-1"], orgs["212000-0001"]
    year_ago = today - timedelta(days=200)

    def consent(case, recipient, categories, start=None, end=None, how="written", **kw):
        return consent_services.record_consent(
            actor=coordinator,
            person=case.person,
            recipient=recipient,
            categories=categories,
            purpose=kw.pop("purpose", "Planera och stödja återgång i arbete"),
            valid_from=start or today - timedelta(days=20),
            valid_to=end,
            given_how=how,
            given_on=start or today - timedelta(days=20),
            **kw,
        )

    patient_case = cases[0]
    # The demo patient: employer (work capacity, messages), FK (incl. informing about
    # rehab needs), and an AF consent the patient has withdrawn.
    consent(
        patient_case,
        nordbygg,
        ["contact", "work_capacity", "meetings", "plan", "messages"],
        document=SimpleUploadedFile("samtycke.pdf", PDF),
    )
    consent(
        patient_case,
        fk,
        ["contact", "work_capacity", "certificates", "messages", "inform_fk_rehab_need"],
        how="oral",
    )
    withdrawn = consent(patient_case, af, ["contact", "messages"], start=today - timedelta(60))
    consent_services.withdraw_consent(
        actor=_actor("patient", Role.PATIENT), consent=withdrawn, how="self_service"
    )
    _links(
        coordinator, patient_case, [(nordbygg, RehabKind.WORKPLACE), (fk, RehabKind.NONE)], today
    )
    _contacts(coordinator, patient_case, nordbygg, fk, today)
    _threads(coordinator, patient_case, nordbygg, fk, today)
    statements.send_statement(
        actor=_actor("hr.nordbygg", Role.EMPLOYER),
        case=patient_case,
        kind=statements.StatementKind.EMPLOYER_WORK_TASKS,
        content={
            "work_tasks": "Snickare i lag om fyra. Tunga lyft, arbete på stege och ställning.",
            "adjustments": "Lättare montage i verkstaden, halvtid de första fyra veckorna.",
            "working_hours": "07–11 måndag till fredag.",
            "contact": "Jonas Eklund, 010-555 12 10",
        },
    )
    rest = cases[1:]
    # Other cases: consents in every state and with every kind of actor.
    plans = [
        (lindgrens, ["contact", "work_capacity", "messages"], None, today + timedelta(days=9)),
        (nordbygg, ["contact", "work_capacity"], None, None),
        (fk, ["contact", "certificates", "messages", "diagnosis"], None, None),
        (af, ["contact", "work_capacity", "certificates", "messages"], None, None),
        (social, ["contact", "work_capacity", "messages"], None, None),
        (lindgrens, ["contact"], year_ago - timedelta(days=200), year_ago),  # expired
        (fhv, ["contact", "work_capacity", "diagnosis", "messages"], None, None),
        (nordbygg, ["contact", "work_capacity", "messages"], None, today + timedelta(days=3)),
    ]
    details = {
        # Lindgrens: only their HR contact reads (her login is handed over below).
        0: {"contact_person": contacts["Maria Lundgren"]},
        # The occupational health service gets the diagnosis: the person asked for it.
        6: {
            "diagnosis_confirmed": True,
            "diagnosis_reason": "Vill att företagshälsovården anpassar rehabiliteringen "
            "efter diagnosen och slipper fråga om den igen.",
        },
    }
    for index, (case, (recipient, categories, start, end)) in enumerate(
        zip(rest, plans, strict=False)
    ):
        consent(case, recipient, categories, start=start, end=end, **details.get(index, {}))
    if len(rest) > 3:
        _links(
            coordinator,
            rest[3],
            [(af, RehabKind.WORK_ORIENTED), (nordbygg, RehabKind.WORKPLACE)],
            today,
        )
        statements.send_statement(
            actor=_actor("af", Role.AF_OFFICER),
            case=rest[3],
            kind=statements.StatementKind.AF_PLANNED_ACTIVITY,
            content={
                "activity": "Arbetsträning i kommunens lokalvård, med handledare.",
                "extent": "10 timmar per vecka",
                "start": (today + timedelta(days=14)).isoformat(),
                "needs": "Bedömning av om aktiviteten är förenlig med sjukskrivningen.",
            },
        )
    if len(rest) > 4:
        _links(coordinator, rest[4], [(social, RehabKind.SOCIAL)], today)
        statements.send_statement(
            actor=_actor("socialtjanst", Role.SOCIAL_SERVICES),
            case=rest[4],
            kind=statements.StatementKind.SOCIAL_SERVICES_PARTICIPATION,
            content={
                "activity": "Praktik inom ekonomiskt bistånd, 20 timmar per vecka.",
                "difficulty": "Har uteblivit tre gånger och säger att smärtan hindrar.",
                "request": "Underlag om vilken omfattning som är rimlig.",
            },
        )
    if len(rest) > 2:
        fk_officer = _actor("fk", Role.FK_OFFICER)
        collab.start_thread(
            actor=fk_officer,
            case=rest[2],
            party=fk,
            subject="Begäran om komplettering av läkarintyg",
            body="Vi behöver en utförligare beskrivning av aktivitetsbegränsningen.",
            kind=ThreadKind.FK_QUESTION,
            fk_topic=FkTopic.KOMPLT,
            certificate=rest[2].person.certificates.first(),
            answer_by=today + timedelta(days=4),
        )
    _fk_requests(coordinator, fk, cases, today)


def _fk_requests(coordinator: Actor, fk: Organisation, cases: list[Case], today: date) -> None:
    """Two questions from Försäkringskassan about persons who gave it no consent (110 kap.
    31 § SFB): one the coordinator answered after a harm assessment, one awaiting it."""
    fk_officer = _actor("fk", Role.FK_OFFICER)
    covered = set(Consent.objects.filter(recipient=fk).values_list("person_id", flat=True))
    asked = []
    for case in cases:
        if case.person_id in covered or len(asked) == 2:
            continue
        certificate = (
            Certificate.objects.filter(person=case.person, type=CertificateType.FK7804)
            .order_by("-signed_at")
            .first()
        )
        if certificate is not None:
            asked.append((case, certificate))
    topics = [
        (
            FkTopic.KOMPLT,
            "Komplettering: arbetsförmåga",
            "Hur bedöms arbetsförmågan i förhållande till normalt förekommande arbete?",
        ),
        (
            FkTopic.OVRIGT,
            "Fråga om prognos",
            "Vilken prognos har läkaren gjort för återgång i arbete?",
        ),
    ]
    threads = []
    for (case, certificate), (topic, subject, body) in zip(asked, topics, strict=False):
        threads.append(
            fk_requests.start_fk_request(
                actor=fk_officer,
                personnummer_value=case.person.personnummer,
                certificate_signed_on=certificate.signed_at.astimezone(STOCKHOLM).date(),
                fk_topic=topic,
                subject=subject,
                body=body,
                answer_by=today + timedelta(days=6),
            )
        )
    if threads:
        fk_requests.record_harm_assessment(
            actor=coordinator,
            thread=threads[0],
            disclose=True,
            reasoning="Uppgifterna gäller arbetsförmågan i intyget och kan lämnas utan men.",
        )
        _reply(
            coordinator,
            threads[0],
            "Arbetsförmågan bedöms vara nedsatt till hälften i allt arbete "
            "de närmaste fyra veckorna.",
        )


def _reply(actor: Actor, thread, body: str) -> None:
    """Answer in a thread as the app does: open it (which marks what the actor has not
    read yet as read), then post."""
    thread = collab_selectors.thread_for(actor=actor, thread_id=thread.pk)
    collab.mark_read(actor=actor, thread=thread)
    collab.post_message(actor=actor, thread=thread, body=body)


def _links(coordinator: Actor, case: Case, links: list, today: date) -> None:
    responsibilities = {
        RehabKind.WORKPLACE: "Anpassning av arbetsuppgifter och plan för återgång i arbete",
        RehabKind.WORK_ORIENTED: "Arbetsträning och matchning",
        RehabKind.SOCIAL: "Ekonomiskt bistånd och praktik",
        RehabKind.NONE: "Rätten till sjukpenning och avstämningsmöte",
    }
    for organisation, kind in links:
        directory.link_actor_to_case(
            actor=coordinator,
            case=case,
            organisation=organisation,
            responsibility=responsibilities[kind],
            rehab_kind=kind,
            started_on=today - timedelta(days=14),
        )


def _contacts(coordinator: Actor, case: Case, employer, fk, today: date) -> None:
    collab.log_contact(
        actor=coordinator,
        case=case,
        occurred_at=_at(today - timedelta(days=18), 10),
        channel=Channel.IN_PERSON,
        part=CoordinationPart.PERSONAL_SUPPORT,
        purpose=Purpose.PERSONAL_SUPPORT,
        summary="Första samtal. Vill tillbaka till arbetet, orolig för tunga lyft.",
        with_whom="Patienten",
    )
    collab.log_contact(
        actor=coordinator,
        case=case,
        occurred_at=_at(today - timedelta(days=12), 14),
        channel=Channel.PHONE,
        part=CoordinationPart.EXTERNAL,
        purpose=Purpose.ADJUST_TASKS,
        organisation=employer,
        with_whom="Jonas Eklund, HR",
        summary="Arbetsgivaren kan erbjuda lättare montage i verkstaden.",
        next_steps=[("Boka trepartssamtal med arbetsgivaren", today + timedelta(days=5))],
    )
    collab.log_contact(
        actor=coordinator,
        case=case,
        occurred_at=_at(today - timedelta(days=7), 9),
        channel=Channel.VIDEO,
        part=CoordinationPart.INTERNAL,
        purpose=Purpose.CERTIFICATE_NEED,
        with_whom="Läkaren",
        summary="Stämde av sjukskrivningsgrad inför nästa intyg: trappa ned till 50 %.",
    )


def _threads(coordinator: Actor, case: Case, employer, fk, today: date) -> None:
    thread = collab.start_thread(
        actor=coordinator,
        case=case,
        party=employer,
        subject="Återgång i arbete",
        body="Hej! Lena vill gärna börja på halvtid om två veckor. Går det att ordna?",
    )
    _reply(
        _actor("hr.nordbygg", Role.EMPLOYER),
        thread,
        "Ja, vi kan erbjuda lättare uppgifter i verkstaden förmiddagar.",
    )
    collab.start_thread(
        actor=coordinator,
        case=case,
        party=fk,
        subject="Behov av arbetslivsinriktad rehabilitering",
        body="Patienten kan behöva arbetslivsinriktad rehabilitering (lag 2019:1297, 4 §).",
        kind=ThreadKind.FK_REHAB_NEED,
    )
