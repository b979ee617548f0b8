"""Benchmark the worklist: a unit with 5 000 current sick-leave cases among 1 M certificates.

    .venv/bin/python bench/bench_worklist.py [--database-url URL] [--reuse] [--breakdown]

bench/README.md has the method, the figures and the commands.

The budget (the worklist issue): the worklist of a unit with 5 000 active cases, in a
database holding 1 000 000 certificates, answers in at most 300 ms server time (median of
20 requests) on SQLite and on PostgreSQL, with a number of queries that does not grow with
the number of rows.

Two phases:

1. Generate (skipped with --reuse when the database already holds the same data set).
   bench/generate.py's certificates, cut to exactly --certificates signed by today (the
   database as it stands today: its dates run --horizon days further and it is asked for
   --oversample times as many), are written with raw executemany (SQLite) or COPY
   (PostgreSQL), never through the services (that would take hours). Every generator
   person becomes a Person with a valid personnummer; the materialised SickLeaveCase rows
   come from the real engine (`engine.compute_cases` over all certificates, on today's
   date) and are built field by field like `services.refresh_sick_leave_cases`; a sample
   of persons is then re-materialised through `refresh_sick_leave_cases` itself (and
   rolled back) to check that the bulk rows are identical. The persons are placed so that
   the target unit has exactly --unit-active persons with a case in force today, and a
   small unit has --small-active; 1 000 of the target unit's persons get an open Case with
   tasks. Each phase prints its time; then the script restarts itself with --reuse, so
   the measurement always runs in a fresh process.
2. Measure. A coordinator of the target unit with a verified second factor requests
   /arbetslista/ through django.test.Client (the whole middleware and template stack, no
   network): a warm-up, then --requests timed GETs, for the default page and for a saved
   filter (length 91-180 days). Timed requests run with settings.DEBUG = False (no query
   log, production template engine) and without the test template instrumentation. One
   further request per view and unit counts the SQL queries (CaptureQueriesContext) on the
   target unit and on the small unit: the two counts must be equal.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import random
import statistics
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

DEFAULT_URL = f"sqlite:///{PROJECT_DIR / 'var' / 'bench' / 'bench.sqlite3'}"
REGION_CODE = "BENCH-REGION"
TARGET_CODE = "BENCH-TARGET"
SMALL_CODE = "BENCH-SMALL"
COORDINATOR = "bench-koordinator"
SMALL_COORDINATOR = "bench-koordinator-liten"
META_TABLE = "bench_meta"
PASSWORD = "!bench-unusable"  # noqa: S105 - an unusable password hash: nobody logs in with these users
BUDGET_MS = 300.0
STOCKHOLM = ZoneInfo("Europe/Stockholm")

GIVEN_FEMALE = (  # noqa: SIM905
    "Anna Eva Maria Karin Sara Lena Emma Kerstin Ingrid Malin Elin Sofia Johanna Linnea "
    "Ida Julia Hanna Klara Maja Ebba Astrid Elsa Alice Wilma Agnes Frida Lisa Helena Ulla "
    "Birgitta"
).split()
GIVEN_MALE = (  # noqa: SIM905
    "Lars Anders Johan Karl Per Erik Mikael Nils Jan Hans Peter Olof Gustav Oskar Axel "
    "Lucas Liam William Hugo Elias Noah Adam Isak Leo Viktor Filip Emil Anton Björn Mats"
).split()
FAMILY = (  # noqa: SIM905
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson "
    "Pettersson Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson Magnusson "
    "Lindström Olofsson Lindqvist Lindgren Berg Axelsson Bergström Lundberg Lind Lundgren "
    "Lundqvist Mattsson Berglund Fredriksson Sandberg Henriksson Forsberg Sjöberg Wallin "
    "Engström Eklund Danielsson Lundin Håkansson Björk Bergman Gunnarsson Holm Wikström"
).split()


# ---- set-up ------------------------------------------------------------------------


def log(message: str = "") -> None:
    print(message, flush=True)


@contextmanager
def phase(name: str, timings: dict):
    t0 = time.perf_counter()
    yield
    elapsed = time.perf_counter() - t0
    timings[name] = round(elapsed, 2)
    log(f"  {name:<58} {elapsed:7.1f} s")


def database_info(url: str) -> tuple[str, dict]:
    """The URL with a SQLite path made absolute, and dj-database-url's settings dict."""
    import dj_database_url

    config = dj_database_url.parse(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        path = Path(config["NAME"])
        if not path.is_absolute():
            path = PROJECT_DIR / path
        url = f"sqlite:///{path}"
        config["NAME"] = str(path)
    return url, config


def _vendor(config: dict) -> str:
    return "sqlite" if config["ENGINE"].endswith("sqlite3") else "postgresql"


def _pg_admin(config: dict):
    import psycopg

    return psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or "postgres",
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
        autocommit=True,
    )


def _check_bench_name(config: dict) -> None:
    name = Path(str(config["NAME"])).name
    if "bench" not in name:
        raise SystemExit(
            f"refusing to (re)create database {name!r}: its name must contain 'bench' "
            "(the bench drops and rebuilds it)"
        )


def read_meta(config: dict) -> dict | None:
    """The parameters the database was generated with, or None (no database, no data)."""
    try:
        if _vendor(config) == "sqlite":
            import sqlite3

            if not Path(config["NAME"]).exists():
                return None
            conn = sqlite3.connect(config["NAME"])
        else:
            import psycopg

            conn = psycopg.connect(
                dbname=config["NAME"],
                user=config.get("USER") or "postgres",
                password=config.get("PASSWORD") or None,
                host=config.get("HOST") or "127.0.0.1",
                port=config.get("PORT") or 5432,
            )
        try:
            rows = conn.execute(f"SELECT key, value FROM {META_TABLE}").fetchall()  # noqa: S608
        finally:
            conn.close()
    except Exception:  # noqa: BLE001 - missing database or table: no data set
        return None
    return {key: json.loads(value) for key, value in rows}


def recreate_database(config: dict) -> None:
    _check_bench_name(config)
    if _vendor(config) == "sqlite":
        path = Path(config["NAME"])
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    with _pg_admin(config) as conn:
        name = config["NAME"]
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def configure_django(url: str) -> None:
    """samsyn.settings on the bench database; then DEBUG off for honest timings.

    SAMSYN_DEBUG=1 only lets the settings load without a secret key, HTTPS redirects and a
    collected static manifest; settings.DEBUG is switched off before the first query or
    template, so queries are not logged and templates are compiled as in production.
    """
    os.environ["DJANGO_SETTINGS_MODULE"] = "samsyn.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["SAMSYN_DEBUG"] = "1"
    os.environ["SAMSYN_ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ.setdefault("SAMSYN_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False


# ---- data generation ---------------------------------------------------------------


class Adapt:
    """Python values -> what the backend's raw insert wants (as Django would store them)."""

    def __init__(self, vendor: str) -> None:
        self.sqlite = vendor == "sqlite"

    def uuid(self, value: uuid.UUID):
        return value.hex if self.sqlite else value

    def date(self, value: date):
        return value.isoformat() if self.sqlite else value

    def datetime(self, value: datetime):
        if self.sqlite:  # Django stores naive UTC text on SQLite
            return str(value.astimezone(UTC).replace(tzinfo=None))
        return value

    def json(self, value) -> str:
        return json.dumps(value)

    def bool(self, value: bool):
        return int(value) if self.sqlite else value


def bulk_insert(model, fields: list[str], rows) -> int:
    """Insert rows (tuples in `fields` order) with executemany (SQLite) or COPY (PostgreSQL).

    `fields` must name every concrete field but an auto-increment id, so a model change
    fails here instead of writing wrong data.
    """
    from django.db import connection, transaction

    meta = model._meta
    by_attname = {
        f.attname: f for f in meta.concrete_fields if f.get_internal_type() != "BigAutoField"
    }
    if set(fields) != set(by_attname):
        raise RuntimeError(
            f"{meta.label}: bench columns {sorted(set(fields) ^ set(by_attname))} differ "
            "from the model"
        )
    columns = [by_attname[name].column for name in fields]
    table = connection.ops.quote_name(meta.db_table)
    column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            marks = ", ".join("?" * len(columns))

            def counted():
                nonlocal count
                for row in rows:
                    count += 1
                    yield row

            connection.connection.cursor().executemany(
                f"INSERT INTO {table} ({column_list}) VALUES ({marks})",  # noqa: S608
                counted(),
            )
    return count


@contextmanager
def fast_sqlite_load():
    """journal_mode=OFF, synchronous=OFF and a big page cache while loading (bench DB only)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=OFF")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-1000000")
    try:
        yield
    finally:
        connection.close()  # the pragmas die with the connection


def _random_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _certificates_known_on(args, on: date, end_date: date):
    """Exactly --certificates certificates signed on or before `on`, as the database holds
    them on that day (the generator's dates run to `end_date`, after `on`).

    The generator is asked for more certificates (--oversample) for the same persons and
    its stream is cut at the wanted count; certificates signed after `on` are dropped.
    Returns (certificates, generator person index of each, persons seen, generated).
    """
    from generate import generate_certificates

    factor = args.oversample
    while True:
        wanted = args.certificates
        asked = round(wanted * factor)
        certificates, person_of = [], []
        index = -1
        previous = None
        generated = 0
        for c in generate_certificates(args.persons, asked, args.seed, end_date):
            generated += 1
            # Certificates of one generator person come out together: every change of the
            # generator's number starts the next person (its numbers may repeat, ours not).
            if c.person != previous:
                index += 1
                previous = c.person
            if c.signed.date() > on:  # signed in Europe/Stockholm
                continue
            certificates.append(c)
            person_of.append(index)
            if len(certificates) == wanted:
                return certificates, person_of, index + 1, generated
        factor *= wanted / len(certificates) * 1.02
        log(f"    only {len(certificates):,} signed by {on}; again with --oversample {factor:.3f}")


def _consents_and_questions(rng, open_cases, on: date, now) -> dict:
    """Two consents for most open cases (a tenth of them expiring within 14 days) and an
    unanswered question from Försäkringskassan for one case in twenty."""
    from samsyn.accounts.models import Organisation, OrganisationType
    from samsyn.collaboration.models import Thread, ThreadKind
    from samsyn.consent.models import Consent

    employers = [
        Organisation(name=f"Bänkbolag {k:02d} AB", type=OrganisationType.EMPLOYER)
        for k in range(40)
    ]
    fk = Organisation(name="Försäkringskassan Bänk", type=OrganisationType.FK_OFFICE)
    Organisation.objects.bulk_create([*employers, fk])
    consents, threads = [], []
    for case in open_cases:
        for recipient in (rng.choice(employers), fk):
            if rng.random() < 0.3:
                continue
            end = on + timedelta(days=rng.randint(1, 14) if rng.random() < 0.1 else 200)
            consents.append(
                Consent(
                    person_id=case.person_id,
                    unit=case.unit,
                    recipient=recipient,
                    categories=["contact", "work_capacity", "messages"],
                    purpose="Återgång i arbete",
                    valid_from=on - timedelta(days=rng.randint(1, 150)),
                    valid_to=end,
                    given_how="written",
                    given_on=on - timedelta(days=150),
                    recorded_by=case.responsible,
                )
            )
        if rng.random() < 0.05:
            threads.append(
                Thread(
                    case=case,
                    party=fk,
                    subject="Komplettering",
                    kind=ThreadKind.FK_QUESTION,
                    fk_topic="KOMPLT",
                    answer_by=on + timedelta(days=5),
                    created_by=case.responsible,
                )
            )
    Consent.objects.bulk_create(consents, batch_size=500)
    Thread.objects.bulk_create(threads, batch_size=500)
    return {"consents": len(consents), "fk_questions": len(threads)}


def generate(args, on: date, adapt: Adapt) -> dict:
    from django.db import connection

    from samsyn.accounts.models import Membership, Organisation, OrganisationType, Role, User
    from samsyn.cases.models import OPEN_STATUSES, Case, Task
    from samsyn.people.models import Person
    from samsyn.people.personnummer import generate as make_personnummer
    from samsyn.sickleave import diagnoses, engine
    from samsyn.sickleave.models import Certificate, CertificatePeriod, SickLeaveCase

    rng = random.Random(args.seed)
    timings: dict[str, float] = {}
    now = datetime.now(UTC)
    end_date = on + timedelta(days=args.horizon)
    log(
        f"Generating {args.certificates:,} certificates of {args.persons:,} persons (seed "
        f"{args.seed}, dates up to {end_date}, cases as of {on}):"
    )

    with phase("certificates (bench/generate.py, signed by today)", timings):
        certificates, person_of, n_seen, generated = _certificates_known_on(args, on, end_date)
    n_persons = args.persons
    log(
        f"    -> kept {len(certificates):,} of {generated:,} generated certificates (the rest "
        f"are signed after {on}); {n_seen:,} generator persons, "
        f"{n_persons - n_seen:,} more persons without certificates"
    )

    with phase("persons, personnummer, ids", timings):
        first_birth = date(1950, 1, 1).toordinal()
        last_birth = date(2004, 12, 31).toordinal()
        serials: dict[date, int] = {}
        persons = []  # (uuid, personnummer, kind, given, family, birth, sex)
        for _ in range(n_persons):
            birth = date.fromordinal(rng.randint(first_birth, last_birth))
            serial = serials.get(birth)
            if serial is None:
                serial = rng.randrange(10)
            serials[birth] = serial + 1
            coordination = rng.random() < 0.02
            number = make_personnummer(birth, serial, coordination=coordination)
            sex = "male" if serial % 2 else "female"
            given = rng.choice(GIVEN_MALE if sex == "male" else GIVEN_FEMALE)
            persons.append(
                (
                    _random_uuid(rng),
                    number,
                    "samordningsnummer" if coordination else "personnummer",
                    given,
                    rng.choice(FAMILY),
                    birth,
                    sex,
                )
            )
        number_index = {p[1]: i for i, p in enumerate(persons)}
        external_ids = []
        certificate_ids = []
        setattr_ = object.__setattr__
        for i, c in enumerate(certificates):
            external_ids.append(c.id)
            cid = _random_uuid(rng)
            certificate_ids.append(cid)
            # What refresh_sick_leave_cases feeds the engine: id=str(pk), person=number.
            setattr_(c, "id", str(cid))
            setattr_(c, "person", persons[person_of[i]][1])
        certificate_index = {c.id: i for i, c in enumerate(certificates)}

    with phase("sick-leave cases (engine.compute_cases, all certificates)", timings):
        settings = engine.EngineSettings(gap_days=5)
        cases = engine.compute_cases(certificates, settings, on)
    log(f"    -> {len(cases):,} cases")

    with phase("units, physicians, coordinators", timings):
        in_force = sorted({number_index[c.person] for c in cases if c.start <= on <= c.end})
        wanted = args.unit_active + args.small_active
        if len(in_force) < wanted + args.other_units:
            raise SystemExit(
                f"only {len(in_force):,} persons have a case in force on {on}; "
                f"need {wanted:,}: raise --certificates or lower --unit-active"
            )
        rng.shuffle(in_force)
        n_units = args.other_units + 2
        TARGET, SMALL = 0, 1  # noqa: N806 - unit indexes
        unit_of = [-1] * n_persons
        for p in in_force[: args.unit_active]:
            unit_of[p] = TARGET
        for p in in_force[args.unit_active : wanted]:
            unit_of[p] = SMALL
        for p in in_force[wanted:]:
            unit_of[p] = rng.randrange(2, n_units)
        # The persons without a case today are shared out in the same proportions.
        others = [p for p in range(n_persons) if unit_of[p] < 0]
        rng.shuffle(others)
        n_target = round(len(others) * args.unit_active / len(in_force))
        n_small = round(len(others) * args.small_active / len(in_force))
        for k, p in enumerate(others):
            if k < n_target:
                unit_of[p] = TARGET
            elif k < n_target + n_small:
                unit_of[p] = SMALL
            else:
                unit_of[p] = rng.randrange(2, n_units)

        region = Organisation.objects.create(
            name="Region Bench", type=OrganisationType.CARE_UNIT, code=REGION_CODE
        )
        units = [
            Organisation(
                name="Vårdcentralen Stora Bänken",
                code=TARGET_CODE,
                parent=region,
                type=OrganisationType.CARE_UNIT,
            ),
            Organisation(
                name="Vårdcentralen Lilla Bänken",
                code=SMALL_CODE,
                parent=region,
                type=OrganisationType.CARE_UNIT,
            ),
            *(
                Organisation(
                    name=f"Vårdcentralen Bänk {k:02d}",
                    code=f"BENCH-{k:02d}",
                    parent=region,
                    type=OrganisationType.CARE_UNIT,
                )
                for k in range(1, args.other_units + 1)
            ),
        ]
        Organisation.objects.bulk_create(units)
        users, memberships, physicians = [], [], []
        for k, unit in enumerate(units):
            names = []
            for j in range(25 if k == TARGET else 6):
                user = User(
                    username=f"bench-lakare-{k:02d}-{j:02d}",
                    first_name=rng.choice(GIVEN_FEMALE + GIVEN_MALE),
                    last_name=rng.choice(FAMILY),
                    title="Läkare",
                    password=PASSWORD,
                )
                users.append(user)
                memberships.append((user, unit, Role.PHYSICIAN))
                names.append(user)
            physicians.append(names)
        coordinators = []
        for j in range(5):
            user = User(
                username=COORDINATOR if j == 0 else f"{COORDINATOR}-{j}",
                first_name=rng.choice(GIVEN_FEMALE),
                last_name=rng.choice(FAMILY),
                password=PASSWORD,
            )
            users.append(user)
            memberships.append((user, units[TARGET], Role.COORDINATOR))
            coordinators.append(user)
        small_coordinator = User(
            username=SMALL_COORDINATOR,
            first_name="Lill",
            last_name="Koordinator",
            password=PASSWORD,
        )
        users.append(small_coordinator)
        memberships.append((small_coordinator, units[SMALL], Role.COORDINATOR))
        User.objects.bulk_create(users)
        if users[0].pk is None:  # backends without RETURNING on bulk insert
            by_name = dict(User.objects.values_list("username", "pk"))
            for user in users:
                user.pk = by_name[user.username]
        Membership.objects.bulk_create(
            Membership(user=u, organisation=o, role=r) for u, o, r in memberships
        )
        physician_ids = [[u.pk for u in names] for names in physicians]
        physician_names = {u.pk: u.display_name for names in physicians for u in names}

    counts = {}
    with fast_sqlite_load():
        with phase("insert persons", timings):
            unit_ids = [u.pk for u in units]
            created = adapt.datetime(now)
            counts["persons"] = bulk_insert(
                Person,
                [
                    "id",
                    "created_at",
                    "updated_at",
                    "personnummer",
                    "kind",
                    "given_name",
                    "family_name",
                    "birth_date",
                    "sex",
                    "care_unit_id",
                    "phone",
                    "email",
                    "address",
                    "protected_identity",
                    "violence_risk",
                ],
                (
                    (
                        adapt.uuid(pid),
                        created,
                        created,
                        number,
                        kind,
                        given,
                        family,
                        adapt.date(birth),
                        sex,
                        adapt.uuid(unit_ids[unit_of[i]]),
                        "",
                        "",
                        "",
                        adapt.bool(False),
                        adapt.bool(False),
                    )
                    for i, (pid, number, kind, given, family, birth, sex) in enumerate(persons)
                ),
            )

        with phase("insert certificates", timings):
            # A person mostly sees one physician of their unit.
            own_physician = [rng.choice(physician_ids[unit_of[p]]) for p in range(n_persons)]
            physician_of = [0] * len(certificates)
            codes: dict[tuple, str] = {}
            rows = []
            for i, c in enumerate(certificates):
                p = person_of[i]
                physician = own_physician[p]
                if rng.random() < 0.2:
                    physician = rng.choice(physician_ids[unit_of[p]])
                physician_of[i] = physician
                code = codes.get(c.diagnoses)
                if code is None:
                    code = codes[c.diagnoses] = diagnoses.normalize_code(c.diagnoses[0])
                rows.append(
                    (
                        adapt.uuid(certificate_ids[i]),
                        created,
                        created,
                        adapt.uuid(persons[p][0]),
                        external_ids[i],
                        c.type,
                        c.status,
                        adapt.datetime(c.signed),
                        adapt.uuid(unit_ids[unit_of[p]]),
                        physician,
                        "",
                        c.occupation or "",
                        code,
                        "[]",
                        "",
                        "",
                        "",
                        None,
                        None,
                    )
                )
            counts["certificates"] = bulk_insert(
                Certificate,
                [
                    "id",
                    "created_at",
                    "updated_at",
                    "person_id",
                    "external_id",
                    "type",
                    "status",
                    "signed_at",
                    "care_unit_id",
                    "physician_id",
                    "physician_name",
                    "occupation",
                    "diagnosis_code",
                    "secondary_codes",
                    "activity_limitation",
                    "work_capacity",
                    "prognosis",
                    "expected_days",
                    "created_by_id",
                ],
                rows,
            )
            del rows

        with phase("insert certificate periods", timings):
            counts["periods"] = bulk_insert(
                CertificatePeriod,
                ["certificate_id", "start", "end", "degree"],
                (
                    (
                        adapt.uuid(certificate_ids[i]),
                        adapt.date(p.start),
                        adapt.date(p.end),
                        p.degree,
                    )
                    for i, c in enumerate(certificates)
                    for p in c.periods
                ),
            )

        with phase("insert sick-leave cases (as refresh_sick_leave_cases)", timings):
            chapters: dict[str, int | None] = {}

            def case_rows():
                for case in cases:
                    # services.refresh_sick_leave_cases, field by field.
                    i = certificate_index[case.current_certificate]
                    current = certificates[i]
                    code = codes[current.diagnoses]
                    if code not in chapters:
                        chapter = diagnoses.chapter_for(code) if code else None
                        chapters[code] = chapter.number if chapter else None
                    physician = physician_of[i]
                    yield (
                        adapt.uuid(persons[person_of[i]][0]),
                        adapt.uuid(unit_ids[unit_of[person_of[i]]]),
                        adapt.date(case.start),
                        adapt.date(case.end),
                        case.days,
                        case.net_days,
                        case.uncovered_days,
                        len(case.certificates),
                        adapt.json(list(case.certificates)),
                        adapt.uuid(certificate_ids[i]),
                        physician,
                        physician_names[physician],
                        code,
                        chapters[code],
                        current.occupation or "",
                        adapt.json([s.as_json() for s in case.segments]),
                        adapt.json(list(case.degrees)),
                        settings.gap_days,
                        created,
                    )

            counts["sick_leave_cases"] = bulk_insert(
                SickLeaveCase,
                [
                    "person_id",
                    "care_unit_id",
                    "start",
                    "end",
                    "days",
                    "net_days",
                    "uncovered_days",
                    "certificate_count",
                    "certificate_ids",
                    "current_certificate_id",
                    "physician_id",
                    "physician_name",
                    "diagnosis_code",
                    "diagnosis_chapter",
                    "occupation",
                    "segments",
                    "degrees",
                    "gap_days",
                    "computed_at",
                ],
                case_rows(),
            )

    with phase("open cases and tasks (bulk_create)", timings):
        open_cases, tasks = [], []
        plans = [
            (in_force[: args.unit_active], args.open_cases, coordinators, units[TARGET]),
            (
                in_force[args.unit_active : wanted],
                min(10, args.small_active),
                [small_coordinator],
                units[SMALL],
            ),
        ]
        for chosen, n, responsible, unit in plans:
            for p in rng.sample(chosen, n):
                who = rng.choice(responsible)
                case = Case(
                    person_id=persons[p][0],
                    unit=unit,
                    responsible=who,
                    status=rng.choice(OPEN_STATUSES),
                    expected_days=rng.choice((None, None, 30, 90, 180)),
                    opened_by=who,
                )
                open_cases.append(case)
                for t in range(rng.choice((1, 2, 2, 3))):
                    done = rng.random() < 0.25
                    tasks.append(
                        Task(
                            case=case,
                            title=f"Uppgift {t + 1}",
                            due_date=on + timedelta(days=rng.randint(-30, 30)),
                            assigned_to=who,
                            created_by=who,
                            done_at=now if done else None,
                            done_by=who if done else None,
                        )
                    )
        Case.objects.bulk_create(open_cases, batch_size=500)
        Task.objects.bulk_create(tasks, batch_size=500)
        counts["open_cases"] = len(open_cases)
        counts["tasks"] = len(tasks)

    with phase("consents and FK questions (bulk_create)", timings):
        counts.update(_consents_and_questions(rng, open_cases, on, now))

    with phase("ANALYZE", timings), connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")

    with phase("check: sample re-materialised by refresh_sick_leave_cases", timings):
        sample = rng.sample(in_force[: args.unit_active], 100) + rng.sample(range(n_persons), 100)
        checked = check_materialised([persons[p][0] for p in sample], on)
    log(f"    -> {checked} persons: bulk rows identical to refresh_sick_leave_cases")

    counts["persons_in_force"] = len(in_force)
    counts["units"] = len(units)
    counts["users"] = len(users)
    return {"timings_s": timings, "counts": counts}


FIELDS_COMPARED = (
    "care_unit_id",
    "start",
    "end",
    "days",
    "net_days",
    "uncovered_days",
    "certificate_count",
    "certificate_ids",
    "current_certificate_id",
    "physician_id",
    "physician_name",
    "diagnosis_code",
    "diagnosis_chapter",
    "occupation",
    "segments",
    "degrees",
    "gap_days",
)


class _Rollback(Exception):
    pass


def check_materialised(person_ids, on: date) -> int:
    """The bulk rows equal what refresh_sick_leave_cases makes (refresh rolled back)."""
    from django.db import transaction

    from samsyn.people.models import Person
    from samsyn.sickleave.models import SickLeaveCase
    from samsyn.sickleave.services import refresh_sick_leave_cases

    def values(rows):
        return sorted(tuple(getattr(r, f) for f in FIELDS_COMPARED) for r in rows)

    persons = Person.objects.filter(pk__in=person_ids).select_related("care_unit")
    for person in persons:
        stored = values(SickLeaveCase.objects.filter(person=person))
        try:
            with transaction.atomic():
                fresh = values(refresh_sick_leave_cases(person=person, on=on))
                raise _Rollback
        except _Rollback:
            pass
        if stored != fresh:
            raise SystemExit(
                f"bulk SickLeaveCase rows differ from refresh_sick_leave_cases for {person}:\n"
                f"  bulk:    {stored}\n  refresh: {fresh}"
            )
    return len(persons)


def write_meta(meta: dict) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key varchar(50) PRIMARY KEY, value text)"
        )
        cursor.execute(f"DELETE FROM {META_TABLE}")  # noqa: S608
        for key, value in meta.items():
            cursor.execute(
                f"INSERT INTO {META_TABLE} (key, value) VALUES (%s, %s)",  # noqa: S608
                [key, json.dumps(value)],
            )


# ---- measurement -------------------------------------------------------------------


def verified_client(user):
    """A client logged in with both factors (as conftest.verified_client)."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@contextmanager
def template_context_capture():
    """Let the test client see response.context for one request (off while timing)."""
    from django.template import Template
    from django.test.utils import instrumented_test_render

    original = Template._render
    Template._render = instrumented_test_render
    try:
        yield
    finally:
        Template._render = original


def set_filters(client, url: str, filters: dict | None) -> None:
    response = client.post(url, {"reset": "1"})
    assert response.status_code == 302, response.status_code  # noqa: S101
    if filters:
        response = client.post(url, filters)
        assert response.status_code == 302, f"filter form rejected: {response.status_code}"  # noqa: S101


def timed_requests(client, url: str, n: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per GET.

    Wall time is the server time (no network: the test client calls the WSGI handler).
    CPU time is this process's (Django, and SQLite, which runs in-process; PostgreSQL's
    own work is not in it): on a shared machine it moves less with the other load. The
    connection is closed after each response as a WSGI server does (CONN_MAX_AGE=0 makes
    SQLite reconnect per request; PostgreSQL keeps its connection for 60 s).
    """
    from django.db import close_old_connections

    walls, cpus = [], []
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        walls.append(wall * 1000)
        cpus.append(cpu * 1000)
        close_old_connections()
    return walls, cpus


def counted_request(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with template_context_capture(), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code  # noqa: S101
    result = response.context["result"]
    return {
        "queries": len(queries.captured_queries),
        "sql": [q["sql"] for q in queries.captured_queries],
        "total": result.total,
        "matching": result.matching,
        "shown": len(result.rows),
        "bytes": len(response.content),
    }


def summarise(walls: list[float], cpus: list[float]) -> dict:
    ordered = sorted(walls)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p90_ms": round(statistics.quantiles(ordered, n=10, method="inclusive")[8], 1),
        "min_ms": round(ordered[0], 1),
        "max_ms": round(ordered[-1], 1),
        "cpu_median_ms": round(statistics.median(cpus), 1),
        "n": len(ordered),
    }


SCENARIOS = (
    ("default", "default sort (-start), page 1", None),
    ("length_91_180", "filter length 91-180 days, page 1", {"length": "91-180"}),
)


def measure(args) -> dict:
    from django.db import close_old_connections
    from django.urls import reverse

    from samsyn.accounts.models import User

    url = reverse("cases:worklist")
    client = verified_client(User.objects.get(username=COORDINATOR))
    small_client = verified_client(User.objects.get(username=SMALL_COORDINATOR))
    close_old_connections()
    results = {}
    for key, label, filters in SCENARIOS:
        set_filters(client, url, filters)
        set_filters(small_client, url, filters)
        timed_requests(client, url, 1)  # warm-up
        walls, cpus = timed_requests(client, url, args.requests)
        big = counted_request(client, url)
        small = counted_request(small_client, url)
        stats = summarise(walls, cpus)
        results[key] = {
            "label": label,
            **stats,
            "times_ms": [round(t, 1) for t in walls],
            "rows_total": big["total"],
            "rows_matching": big["matching"],
            "queries": big["queries"],
            "small_unit_rows_total": small["total"],
            "small_unit_rows_matching": small["matching"],
            "small_unit_queries": small["queries"],
            "queries_equal": big["queries"] == small["queries"],
        }
        verdict = "OK" if stats["median_ms"] <= BUDGET_MS else "OVER BUDGET"
        log(
            f"  {label:<38} median {stats['median_ms']:7.1f} ms  p90 {stats['p90_ms']:7.1f} ms"
            f"  (min {stats['min_ms']:.0f}, max {stats['max_ms']:.0f}, n={stats['n']}; "
            f"CPU median {stats['cpu_median_ms']:.0f} ms)  {verdict}"
        )
        log(
            f"    rows: {big['total']:,} in the worklist, {big['matching']:,} matching, "
            f"{big['shown']} shown; queries/request: {big['queries']} at {big['total']:,} rows "
            f"vs {small['queries']} at {small['total']:,} rows (small unit)"
            f" -> {'equal' if big['queries'] == small['queries'] else 'DIFFERENT'}"
        )
        if args.show_queries or big["queries"] != small["queries"]:
            for sql in big["sql"]:
                log(f"      {sql[:160]}")
        set_filters(client, url, None)
        set_filters(small_client, url, None)
    if args.breakdown:
        breakdown(args.requests)
    if args.profile:
        profile_requests(client, url, args.profile)
    return results


def breakdown(n: int) -> None:
    """Where a request's time goes, outside the client: the selector's parts (diagnostic)."""
    from django.template.loader import get_template
    from django.utils import timezone

    from samsyn.accounts.actor import Actor
    from samsyn.accounts.models import User
    from samsyn.cases import selectors
    from samsyn.cases import worklist as wl

    user = User.objects.get(username=COORDINATOR)
    actor = Actor(user=user, membership=user.memberships.select_related("organisation").first())
    on = timezone.localdate()

    def timed(label: str, call) -> None:
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            call()
            times.append((time.perf_counter() - t0) * 1000)
        log(f"    {label:<62} median {statistics.median(times):6.1f} ms")

    def rows_gc_paused():
        gc.disable()
        try:
            selectors.worklist_rows(actor=actor, on=on)
        finally:
            gc.enable()

    def page():
        return selectors.worklist(
            actor=actor, filters=wl.Filters(), sort=wl.DEFAULT_SORT, on=on, per_page=50
        )

    log(f"  Breakdown (median of {n}, called directly):")
    timed(
        "selectors.worklist_rows: all 5 000 rows",
        lambda: selectors.worklist_rows(actor=actor, on=on),
    )
    timed("  the same with the cyclic GC paused (diagnostic)", rows_gc_paused)
    timed("selectors.worklist: rows + filter/sort/page + 50 audit events", page)
    result = page()
    pref = selectors.worklist_preference(actor=actor)
    context = {"result": result, "sort": wl.DEFAULT_SORT, "pref": pref, **pref.context()}
    template = get_template("cases/worklist.html")
    timed(
        "cases/worklist.html, 50 rows (without the filter form)", lambda: template.render(context)
    )


def profile_requests(client, url: str, n: int) -> None:
    from django.db import close_old_connections

    profiler = cProfile.Profile()
    for _ in range(n):
        profiler.enable()
        client.get(url)
        profiler.disable()
        close_old_connections()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(30)
        log(f"\ncProfile of {n} GET {url} (default view), sorted by {order}:")
        log(out.getvalue())


# ---- main --------------------------------------------------------------------------


CODE_FILES = (
    "src/samsyn/cases/selectors.py",
    "src/samsyn/cases/worklist.py",
    "src/samsyn/cases/views.py",
    "src/samsyn/sickleave/rules",
    "src/samsyn/sickleave/diagnoses.py",
    "src/samsyn/templates/cases/worklist.html",
    "src/samsyn/templates/cases/_cell.html",
)


def code_version() -> str:
    """The git commit and a digest of the files the worklist runs (the tree may be dirty)."""
    import hashlib
    import subprocess

    digest = hashlib.sha256()
    for name in CODE_FILES:
        path = PROJECT_DIR / name
        files = sorted(path.glob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(file.read_bytes() if file.exists() else b"")
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    return f"{commit or 'no-git'}+worklist-files:{digest.hexdigest()[:12]}"


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model or platform.processor(),
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "code": code_version(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument(
        "--unit-active",
        type=int,
        default=5_000,
        help="persons with a case in force today at the target unit",
    )
    parser.add_argument(
        "--small-active",
        type=int,
        default=50,
        help="the same at the small unit (query-count comparison)",
    )
    parser.add_argument("--other-units", type=int, default=60)
    parser.add_argument(
        "--open-cases",
        type=int,
        default=1_000,
        help="open coordinator cases (with tasks) at the target unit",
    )
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20260316)
    parser.add_argument(
        "--horizon",
        type=int,
        default=250,
        help="the generator's dates end this many days after today (what is signed after "
        "today is dropped)",
    )
    parser.add_argument(
        "--oversample",
        type=float,
        default=1.12,
        help="ask the generator for this many times --certificates (some are dropped)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database when it already holds this data set"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="also cProfile N requests of the default view",
    )
    parser.add_argument("--show-queries", action="store_true")
    parser.add_argument(
        "--breakdown", action="store_true", help="also time the selector's parts directly"
    )
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()

    url, config = database_info(args.database_url)
    vendor = _vendor(config)
    on = datetime.now(STOCKHOLM).date()  # the view's timezone.localdate()
    params = {
        "persons": args.persons,
        "certificates": args.certificates,
        "seed": args.seed,
        "unit_active": args.unit_active,
        "small_active": args.small_active,
        "other_units": args.other_units,
        "open_cases": args.open_cases,
        "horizon": args.horizon,
        "oversample": args.oversample,
    }
    info = machine()
    shown_url = url if vendor == "sqlite" else url.split("@")[-1]
    log(
        f"Worklist bench on {vendor} ({shown_url}); {info['nproc']} x {info['cpu']}, "
        f"Python {info['python']}, load average {info['loadavg']}; code {info['code']}"
    )

    meta = read_meta(config)
    reuse = bool(args.reuse and meta and meta.get("params") == params)
    summary: dict = {"database": vendor, "machine": info, "params": params}
    if reuse:
        log(
            f"Reusing the data generated on {meta['on']} ({meta['counts']['certificates']:,} "
            "certificates); regenerate without --reuse."
        )
        if meta["on"] != on.isoformat():
            log(
                f"  note: generated for {meta['on']}, measured on {on}: cases started or "
                "ended since then, so the row count drifts a little."
            )
        summary["generation"] = meta.get("generation")
        configure_django(url)
    else:
        recreate_database(config)
        configure_django(url)
        from django.core.management import call_command

        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        log(f"  {'migrate':<58} {time.perf_counter() - t0:7.1f} s")
        t0 = time.perf_counter()
        generation = generate(args, on, Adapt(vendor))
        generation["total_s"] = round(time.perf_counter() - t0, 1)
        log(f"  {'generation in all':<58} {generation['total_s']:7.1f} s")
        write_meta(
            {
                "params": params,
                "on": on.isoformat(),
                "counts": generation["counts"],
                "generation": generation,
            }
        )
        # Measure in a fresh process, as with --reuse: nothing of the generation (a few GB
        # of objects, a warm engine) may weigh on the timed requests.
        log("Restarting for the measurement (the same as running again with --reuse).")
        sys.stdout.flush()
        argv = [a for a in sys.argv[1:] if a != "--reuse"]
        command = [sys.executable, str(Path(__file__).resolve()), *argv, "--reuse"]
        os.execv(sys.executable, command)  # noqa: S606

    log(f"Worklist of {COORDINATOR} ({args.requests} timed GETs after one warm-up each):")
    summary["worklist"] = measure(args)
    summary["machine"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    log(f"load average after: {summary['machine']['loadavg_after']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
