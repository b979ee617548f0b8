"""Fill `Organisation.search_text` for the directory's existing organisations.

From now on the directory services keep the column; this fills it once for the rows
written before it existed. The folding is a frozen copy of samsyn.directory.search (a
migration must not change when the code does); a test checks that the two agree, and a
later change of the folding needs a migration like this one to refill the column.
Care units are not in the directory and keep an empty search text.
"""

import unicodedata
from collections import defaultdict

from django.db import migrations

BATCH = 500


def _fold(text):
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.split())


def _search_text(name, org_number, contact_names):
    parts = [name, org_number, *sorted(contact_names, key=_fold)]
    return "\n".join(filter(None, (_fold(part) for part in parts)))


def fill_search_text(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    ContactPerson = apps.get_model("directory", "ContactPerson")
    contact_names = defaultdict(list)
    active_contacts = ContactPerson.objects.filter(merged_into__isnull=True)
    for organisation_id, name in active_contacts.values_list("organisation_id", "name"):
        contact_names[organisation_id].append(name)
    changed = []
    organisations = (
        Organisation.objects.exclude(type="care_unit")
        .only("pk", "name", "org_number", "search_text")
        .order_by("pk")
    )
    for organisation in organisations.iterator(chunk_size=BATCH):
        text = _search_text(
            organisation.name, organisation.org_number, contact_names[organisation.pk]
        )
        if organisation.search_text != text:
            organisation.search_text = text
            changed.append(organisation)
    Organisation.objects.bulk_update(changed, ["search_text"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_organisation_search_text"),
        ("directory", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=True),
    ]
