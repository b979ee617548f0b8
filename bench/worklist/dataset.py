"""The data set, phase by phase: `generate` runs the phases in a fixed order on one seeded
random stream, so the same arguments give the same rows (on the same day)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from .check import check_materialised
from .config import FAMILY, GIVEN_FEMALE, GIVEN_MALE, log, phase
from .coordination import consents_and_questions, open_cases_and_tasks
from .load import Adapt, fast_sqlite_load
from .rows import insert_certificates, insert_periods, insert_persons, insert_sick_leave_cases
from .staff import create_staff, place_persons


@dataclass
class People:
    """Every person and certificate, with the ids they get in the database."""

    persons: list[tuple]  # (uuid, personnummer, kind, given, family, birth, sex)
    certificates: list  # generator certificates; id and person rewritten as the engine sees them
    person_of: list[int]  # the person index of each certificate
    external_ids: list[str]  # the generator's certificate ids
    certificate_ids: list[uuid.UUID]
    number_index: dict[str, int]  # personnummer -> person index
    certificate_index: dict[str, int]  # str(certificate id) -> certificate index


def generate(args, on: date, adapt: Adapt) -> dict:
    from django.db import connection

    from samsyn.sickleave import engine

    rng = random.Random(args.seed)
    timings: dict[str, float] = {}
    now = datetime.now(UTC)
    end_date = on + timedelta(days=args.horizon)
    log(
        f"Generating {args.certificates:,} certificates of {args.persons:,} persons (seed "
        f"{args.seed}, dates up to {end_date}, cases as of {on}):"
    )

    with phase("certificates (bench/generate.py, signed by today)", timings):
        certificates, person_of, n_seen, generated = certificates_known_on(args, on, end_date)
    log(
        f"    -> kept {len(certificates):,} of {generated:,} generated certificates (the rest "
        f"are signed after {on}); {n_seen:,} generator persons, "
        f"{args.persons - n_seen:,} more persons without certificates"
    )

    with phase("persons, personnummer, ids", timings):
        people = make_people(rng, args.persons, certificates, person_of)

    with phase("sick-leave cases (engine.compute_cases, all certificates)", timings):
        settings = engine.EngineSettings(gap_days=5)
        cases = engine.compute_cases(certificates, settings, on)
    log(f"    -> {len(cases):,} cases")

    with phase("units, physicians, coordinators", timings):
        placement = place_persons(rng, args, people, cases, on)
        staff = create_staff(rng, args)

    counts = {}
    with fast_sqlite_load():
        created = adapt.datetime(now)
        with phase("insert persons", timings):
            counts["persons"] = insert_persons(people, placement, staff, adapt, created)
        with phase("insert certificates", timings):
            counts["certificates"], physician_of, codes = insert_certificates(
                rng, people, placement, staff, adapt, created
            )
        with phase("insert certificate periods", timings):
            counts["periods"] = insert_periods(people, adapt)
        with phase("insert sick-leave cases (as refresh_sick_leave_cases)", timings):
            counts["sick_leave_cases"] = insert_sick_leave_cases(
                cases, settings, people, placement, staff, physician_of, codes, adapt, created
            )

    with phase("open cases and tasks (bulk_create)", timings):
        open_cases, n_tasks = open_cases_and_tasks(rng, args, people, placement, staff, on, now)
        counts["open_cases"] = len(open_cases)
        counts["tasks"] = n_tasks

    with phase("consents and FK questions (bulk_create)", timings):
        counts.update(consents_and_questions(rng, open_cases, on, now))

    with phase("worklist entries (cases.index.refresh_units, every unit)", timings):
        counts["worklist_entries"] = refresh_worklist(staff, on)

    with phase("ANALYZE", timings), connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")

    in_force = placement.in_force
    with phase("check: sample re-materialised by refresh_sick_leave_cases", timings):
        sample = rng.sample(in_force[: args.unit_active], 100)
        sample += rng.sample(range(args.persons), 100)
        checked = check_materialised([people.persons[p][0] for p in sample], on)
    log(f"    -> {checked} persons: bulk rows identical to refresh_sick_leave_cases")

    counts["persons_in_force"] = len(in_force)
    counts["units"] = len(staff.units)
    counts["users"] = len(staff.users)
    return {"timings_s": timings, "counts": counts}


def _random_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def certificates_known_on(args, on: date, end_date: date):
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
        for c in generate_certificates(
            args.persons, asked, args.seed, end_date, span_days=args.span_days
        ):
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


def make_people(rng: random.Random, n_persons: int, certificates, person_of) -> People:
    """n_persons persons with unique, valid personnummer (2 % samordningsnummer), and an id
    for every certificate; each certificate then names its person by that number."""
    from samsyn.people.personnummer import generate as make_personnummer

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
    return People(
        persons=persons,
        certificates=certificates,
        person_of=person_of,
        external_ids=external_ids,
        certificate_ids=certificate_ids,
        number_index=number_index,
        certificate_index=certificate_index,
    )


def refresh_worklist(staff, on: date) -> int:
    """The worklist's materialised sort keys (`cases.WorklistEntry`) for every unit, as
    `samsyn worklist refresh` computes them: the rows above are written with COPY, not
    through the services that keep the entries current."""
    from django.db import transaction

    from samsyn.cases.index import refresh_units
    from samsyn.cases.models import WorklistEntry

    with transaction.atomic():
        refresh_units(unit_ids=staff.unit_ids, on=on)
    return WorklistEntry.objects.count()
