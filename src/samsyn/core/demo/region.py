"""Build the demo region: organisations, users with two factors, and persons.

Idempotent: running it again keeps what exists, tops up the backup codes and prints the
logins. Later features add their demo data through their own services.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.accounts.models import Membership, Organisation, OrganisationType, Role, User
from samsyn.cases.index import refresh_all
from samsyn.core.demo.collaboration import build_collaboration
from samsyn.core.demo.letters import build_letters
from samsyn.core.demo.logins import build_locked_login
from samsyn.core.demo.meetings import build_meetings
from samsyn.core.demo.names import FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES, STREETS
from samsyn.core.demo.operations import build_mail_outage
from samsyn.core.demo.plans import build_plans
from samsyn.core.demo.screening import build_screening
from samsyn.core.demo.sickleave import build_sick_leave
from samsyn.people import personnummer
from samsyn.people.models import Person

DEMO_PASSWORD = "samsyn-demo-2026"  # noqa: S105 - printed for newcomers, demo only
BACKUP_CODES = 5
PATIENT_PNR_BIRTH = date(1984, 3, 17)


@dataclass
class DemoLogin:
    username: str
    name: str
    roles: list[str]
    totp_secret: str = ""
    backup_codes: list[str] = field(default_factory=list)


ORGANISATIONS = [
    # code, name, type, parent code
    ("SE2321000016-DEMO1", "Vårdcentralen Björkdalen", OrganisationType.CARE_UNIT, None),
    (
        "SE2321000016-DEMO2",
        "Björkdalen rehabmottagning",
        OrganisationType.CARE_UNIT,
        "SE2321000016-DEMO1",
    ),
    ("556000-0001", "Nordbygg AB", OrganisationType.EMPLOYER, None),
    ("556000-0002", "Lindgrens Logistik AB", OrganisationType.EMPLOYER, None),
    (
        "556000-0003",
        "Hälsopartner Företagshälsovård AB",
        OrganisationType.OCCUPATIONAL_HEALTH,
        None,
    ),
    (
        "FK-DEMO-1",
        "Försäkringskassan, Lokalt försäkringscenter Björkdalen",
        OrganisationType.FK_OFFICE,
        None,
    ),
    ("AF-DEMO-1", "Arbetsförmedlingen Björkdalen", OrganisationType.AF_OFFICE, None),
    ("212000-0001", "Björkdalens kommun, socialtjänsten", OrganisationType.SOCIAL_SERVICES, None),
    ("SF-DEMO-1", "Samordningsförbundet Björkdalen", OrganisationType.SAMORDNINGSFORBUND, None),
]

USERS = [
    # username, first, last, title, [(org code, role)]
    (
        "koordinator",
        "Anna",
        "Lindqvist",
        "Rehabkoordinator",
        [("SE2321000016-DEMO1", Role.COORDINATOR)],
    ),
    (
        "koordinator2",
        "Erik",
        "Sandberg",
        "Rehabkoordinator",
        [("SE2321000016-DEMO2", Role.COORDINATOR), ("SE2321000016-DEMO1", Role.COORDINATOR)],
    ),
    (
        "lakare",
        "Karin",
        "Holmberg",
        "Specialist i allmänmedicin",
        [("SE2321000016-DEMO1", Role.PHYSICIAN)],
    ),
    ("lakare2", "Ahmed", "Rahimi", "ST-läkare", [("SE2321000016-DEMO1", Role.PHYSICIAN)]),
    (
        "chef",
        "Helena",
        "Bergström",
        "Verksamhetschef",
        [("SE2321000016-DEMO1", Role.UNIT_MANAGER), ("SE2321000016-DEMO1", Role.PHYSICIAN)],
    ),
    ("hr.nordbygg", "Jonas", "Eklund", "HR-specialist", [("556000-0001", Role.EMPLOYER)]),
    ("hr.lindgrens", "Maria", "Lundgren", "HR-chef", [("556000-0002", Role.EMPLOYER)]),
    # Takes over Maria's HR contact: the directory's login link waits for confirmation.
    ("lager.lindgrens", "Peter", "Holm", "Lagerchef", [("556000-0002", Role.EMPLOYER)]),
    ("fhv", "Sofia", "Wallin", "Företagssköterska", [("556000-0003", Role.EMPLOYER)]),
    ("fk", "Per", "Nyström", "Handläggare", [("FK-DEMO-1", Role.FK_OFFICER)]),
    ("af", "Leila", "Hassan", "Arbetsförmedlare", [("AF-DEMO-1", Role.AF_OFFICER)]),
    (
        "socialtjanst",
        "Mats",
        "Olofsson",
        "Socialsekreterare",
        [("212000-0001", Role.SOCIAL_SERVICES)],
    ),
    (
        "admin",
        "Systemet",
        "Administratör",
        "Systemadministratör",
        [("SE2321000016-DEMO1", Role.ADMIN)],
    ),
    ("patient", "Lena", "Forsberg", "", [("SE2321000016-DEMO1", Role.PATIENT)]),
]


def _organisations() -> dict[str, Organisation]:
    orgs: dict[str, Organisation] = {}
    for code, name, kind, parent in ORGANISATIONS:
        org, _ = Organisation.objects.get_or_create(
            code=code, defaults={"name": name, "type": kind, "parent": orgs.get(parent)}
        )
        orgs[code] = org
    return orgs


def _ensure_factors(user: User, login: DemoLogin) -> None:
    totp = TOTPDevice.objects.filter(user=user, name="demo").first()
    if totp is None:
        totp = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
    login.totp_secret = base64.b32encode(totp.bin_key).decode("ascii")
    static, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
    missing = BACKUP_CODES - static.token_set.count()
    for _ in range(max(missing, 0)):
        static.token_set.create(token=StaticToken.random_token())
    login.backup_codes = sorted(static.token_set.values_list("token", flat=True))


def _persons(unit: Organisation, sub_unit: Organisation, count: int) -> list[Person]:
    rng = random.Random(20261122)  # noqa: S311 - demo data only
    persons = list(Person.objects.filter(care_unit__in=[unit, sub_unit]))
    used = {p.personnummer for p in Person.objects.all()}
    while len(persons) < count:
        female = rng.random() < 0.55
        birth = date(rng.randint(1962, 2003), rng.randint(1, 12), rng.randint(1, 28))
        serial = rng.randint(0, 49) * 2 + (0 if female else 1)
        serial += 100 * rng.randint(1, 8)
        number = personnummer.generate(birth, serial)
        if number in used:
            continue
        used.add(number)
        identity = personnummer.parse(number)
        given = rng.choice(FEMALE_NAMES if identity.sex == "female" else MALE_NAMES)
        persons.append(
            Person.objects.create(
                personnummer=identity.normalized,
                kind=identity.kind,
                given_name=given,
                family_name=rng.choice(FAMILY_NAMES),
                birth_date=identity.birth_date,
                sex=identity.sex,
                care_unit=sub_unit if rng.random() < 0.2 else unit,
                phone=f"070-{rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                address=f"{rng.choice(STREETS)} {rng.randint(1, 60)}, 123 45 Björkdalen",
                protected_identity=len(persons) == 7,
            )
        )
    return persons


def _patient_person(unit: Organisation) -> Person:
    number = personnummer.generate(PATIENT_PNR_BIRTH, 242)
    identity = personnummer.parse(number)
    person, _ = Person.objects.get_or_create(
        personnummer=identity.normalized,
        defaults={
            "kind": identity.kind,
            "given_name": "Lena",
            "family_name": "Forsberg",
            "birth_date": identity.birth_date,
            "sex": identity.sex,
            "care_unit": unit,
            "phone": "070-123 45 67",
            "address": "Björkvägen 12, 123 45 Björkdalen",
        },
    )
    return person


@transaction.atomic
def build_region(*, persons: int = 50) -> list[DemoLogin]:
    orgs = _organisations()
    unit = orgs["SE2321000016-DEMO1"]
    patient_person = _patient_person(unit)
    everyone = _persons(unit, orgs["SE2321000016-DEMO2"], persons)
    logins = []
    for username, first, last, title, memberships in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.samsyn.invalid",
            )
            user.title = title
            if username == "patient":
                user.person = patient_person
            user.save(update_fields=["title", "person"])
        for code, role in memberships:
            Membership.objects.get_or_create(user=user, organisation=orgs[code], role=role)
        login = DemoLogin(username, f"{first} {last}", [str(r.label) for _, r in memberships])
        if username != "patient":
            _ensure_factors(user, login)
        logins.append(login)
    ordered = [patient_person] + sorted(
        (p for p in everyone if p.pk != patient_person.pk), key=lambda p: p.personnummer
    )
    now = timezone.now()
    build_sick_leave(today=timezone.localdate(now), persons=ordered, now=now)
    build_collaboration(today=timezone.localdate(now), unit=unit)
    build_plans(today=timezone.localdate(now), unit=unit)
    build_meetings(today=timezone.localdate(now), unit=unit)
    build_screening(today=timezone.localdate(now), unit=unit)
    build_letters(today=timezone.localdate(now), unit=unit)
    build_locked_login()
    build_mail_outage()
    refresh_all(on=timezone.localdate(now))  # the worklist's keys, whatever the demo wrote
    return logins
