"""Give the directory's existing entries an owning care unit (ADR 008).

The owner is a unit that relies on the entry:
- an organisation: the unit of the earliest consent naming it as recipient or of the
  earliest case link to it;
- a contact person: the care unit it is the named contact for (`care_unit`), else the
  unit of the earliest consent or case link naming it, else its organisation's owner.
Entries with none of these stay unowned: any directory editor may change them, and the
first change claims them. The audit log is not read (it never drives behaviour), and the
creating user's unit is not guessed (a user may hold memberships at several units).
"""

from django.db import migrations

BATCH = 500


def _earliest(rows):
    """{key: unit} of the earliest (created_at, unit) per key."""
    first = {}
    for key, unit, created_at in rows:
        if key is None or unit is None:
            continue
        candidate = (created_at, str(unit), unit)
        if key not in first or candidate[:2] < first[key][:2]:
            first[key] = candidate
    return {key: value[2] for key, value in first.items()}


def fill_owners(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    Consent = apps.get_model("consent", "Consent")
    CaseActor = apps.get_model("directory", "CaseActor")
    ContactPerson = apps.get_model("directory", "ContactPerson")
    OrganisationOwner = apps.get_model("directory", "OrganisationOwner")

    organisation_units = _earliest(
        [
            *Consent.objects.values_list("recipient_id", "unit_id", "created_at"),
            *CaseActor.objects.values_list("organisation_id", "case__unit_id", "created_at"),
        ]
    )
    owned = set(OrganisationOwner.objects.values_list("organisation_id", flat=True))
    external = set(
        Organisation.objects.exclude(type="care_unit").values_list("pk", flat=True)
    )
    OrganisationOwner.objects.bulk_create(
        [
            OrganisationOwner(organisation_id=organisation, unit_id=unit)
            for organisation, unit in organisation_units.items()
            if organisation in external and organisation not in owned
        ],
        batch_size=BATCH,
    )
    organisation_owner = dict(OrganisationOwner.objects.values_list("organisation_id", "unit_id"))

    contact_units = _earliest(
        [
            *Consent.objects.filter(contact_person__isnull=False).values_list(
                "contact_person_id", "unit_id", "created_at"
            ),
            *CaseActor.objects.filter(contact_person__isnull=False).values_list(
                "contact_person_id", "case__unit_id", "created_at"
            ),
        ]
    )
    changed = []
    contacts = ContactPerson.objects.filter(owner_unit__isnull=True).only(
        "pk", "organisation_id", "care_unit_id", "owner_unit_id"
    )
    for contact in contacts.order_by("pk").iterator(chunk_size=BATCH):
        owner = (
            contact.care_unit_id
            or contact_units.get(contact.pk)
            or organisation_owner.get(contact.organisation_id)
        )
        if owner is not None:
            contact.owner_unit_id = owner
            changed.append(contact)
    ContactPerson.objects.bulk_update(changed, ["owner_unit"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("consent", "0002_consent_document_name_and_type"),
        ("directory", "0003_ownership_and_login_confirmation"),
    ]

    operations = [
        migrations.RunPython(fill_owners, migrations.RunPython.noop, elidable=True),
    ]
