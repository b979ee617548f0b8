# Several chains (ADR 009): an event's sequence number is unique within its chain, and
# each event names the key of its HMAC. Existing events form chain 1; 0006 re-chains them
# under the current key.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_accessevent_object_type_login"),
    ]

    operations = [
        migrations.AddField(
            model_name="accessevent",
            name="chain",
            field=models.PositiveSmallIntegerField(default=1),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="accessevent",
            name="key_id",
            field=models.CharField(default="", max_length=32),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="accessevent",
            name="seq",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterModelOptions(
            name="accessevent",
            options={"ordering": ["created_at", "id"]},
        ),
        migrations.AddConstraint(
            model_name="accessevent",
            constraint=models.UniqueConstraint(fields=("chain", "seq"), name="audit_event_chain_seq"),
        ),
    ]
