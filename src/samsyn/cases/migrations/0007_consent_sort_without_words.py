"""The worklist entries' consent sort value without the Swedish word "t.o.m." between a
recipient and its last day (`cases.worklist.consent_sort_value`): it sorts alike in every
language. Entries written before keep it until their next refresh, so it is taken out
here."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace


def without_words(apps, schema_editor):
    entries = apps.get_model("cases", "WorklistEntry").objects.filter(consents__gt=0)
    entries.update(consent_label=Replace("consent_label", Value(" t.o.m. "), Value(" ")))


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_worklist_entry_cover")]

    operations = [migrations.RunPython(without_words, migrations.RunPython.noop)]
