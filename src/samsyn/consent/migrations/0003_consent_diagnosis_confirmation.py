"""A diagnosis for an employer or occupational health service: the person's explicit
confirmation and reason (ADR 008). Existing consents keep False and an empty reason."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('consent', '0002_consent_document_name_and_type'),
    ]

    operations = [
        migrations.AddField(
            model_name='consent',
            name='diagnosis_confirmed',
            field=models.BooleanField(default=False, verbose_name='personen har uttryckligen bett att diagnosen lämnas'),
        ),
        migrations.AddField(
            model_name='consent',
            name='diagnosis_reason',
            field=models.CharField(blank=True, max_length=500, verbose_name='personens skäl att lämna diagnosen'),
        ),
    ]
