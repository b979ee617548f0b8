"""Where each person belongs (the target unit gets exactly --unit-active persons with a case
in force today, the small unit --small-active), and the region, units, physicians and
coordinators."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .config import (
    COORDINATOR,
    FAMILY,
    GIVEN_FEMALE,
    GIVEN_MALE,
    PASSWORD,
    REGION_CODE,
    SMALL_CODE,
    SMALL_COORDINATOR,
    TARGET_CODE,
)

TARGET, SMALL = 0, 1  # unit indexes; the other units follow


@dataclass
class Placement:
    in_force: list[int]  # persons with a case in force today, shuffled: target, small, others
    unit_of: list[int]  # the unit index of each person


@dataclass
class Staff:
    units: list  # Organisation: target, small, then the other units
    users: list  # every User created, physicians first
    physician_ids: list[list[int]]  # per unit
    physician_names: dict[int, str]
    coordinators: list  # the target unit's five coordinators, COORDINATOR first
    small_coordinator: object

    @property
    def unit_ids(self) -> list:
        return [u.pk for u in self.units]


def place_persons(rng: random.Random, args, people, cases, on) -> Placement:
    """Every person's unit: the persons with a case in force today first, then the others in
    the same proportions."""
    number_index = people.number_index
    in_force = sorted({number_index[c.person] for c in cases if c.start <= on <= c.end})
    wanted = args.unit_active + args.small_active
    if len(in_force) < wanted + args.other_units:
        raise SystemExit(
            f"only {len(in_force):,} persons have a case in force on {on}; "
            f"need {wanted:,}: raise --certificates or lower --unit-active"
        )
    rng.shuffle(in_force)
    n_persons = args.persons
    n_units = args.other_units + 2
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
    return Placement(in_force=in_force, unit_of=unit_of)


def create_staff(rng: random.Random, args) -> Staff:
    """The region and its units; 25 physicians at the target unit and 6 at every other; five
    coordinators at the target unit and one at the small unit."""
    from samsyn.accounts.models import Membership, Organisation, OrganisationType, Role, User

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
    return Staff(
        units=units,
        users=users,
        physician_ids=[[u.pk for u in names] for names in physicians],
        physician_names={u.pk: u.display_name for names in physicians for u in names},
        coordinators=coordinators,
        small_coordinator=small_coordinator,
    )
