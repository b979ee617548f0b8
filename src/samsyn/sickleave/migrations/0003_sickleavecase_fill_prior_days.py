"""Sammanläggning for the cases stored before it: each person's cases in date order, the
earlier periods that continue each one's chain found by the one pure function
(`rules.sammanlaggning_for_each`, SFB 27 kap. 51 §), as `refresh_sick_leave_cases` does."""

from datetime import date
from itertools import groupby

from django.db import migrations

from samsyn.sickleave.rules.sammanlaggning import SickPeriod, sammanlaggning_for_each

BATCH = 2000


def _period(segments) -> SickPeriod:
    return SickPeriod(
        tuple((date.fromisoformat(s["start"]), date.fromisoformat(s["end"])) for s in segments)
    )


def fill_prior_days(apps, schema_editor):
    SickLeaveCase = apps.get_model("sickleave", "SickLeaveCase")
    rows = (
        SickLeaveCase.objects.only("id", "person_id", "start", "segments")
        .order_by("person_id", "start")
        .iterator(chunk_size=BATCH)
    )
    changed = []
    for _person, group in groupby(rows, key=lambda row: row.person_id):
        cases = list(group)
        added = sammanlaggning_for_each([_period(case.segments) for case in cases])
        for case, chain in zip(cases, added, strict=True):
            if chain.periods:
                case.prior_days = chain.prior_days
                case.prior_periods = [period.as_json() for period in chain.periods]
                changed.append(case)
        if len(changed) >= BATCH:
            SickLeaveCase.objects.bulk_update(changed, ["prior_days", "prior_periods"])
            changed = []
    SickLeaveCase.objects.bulk_update(changed, ["prior_days", "prior_periods"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("sickleave", "0002_sickleavecase_prior_days"),
    ]

    operations = [
        migrations.RunPython(fill_prior_days, migrations.RunPython.noop, elidable=True),
    ]
