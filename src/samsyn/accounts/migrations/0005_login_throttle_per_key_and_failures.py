"""Login throttling per key with one row per failure (ADR 010).

The old per-user-name counter is dropped with its rows: it held only failure counts
that expire within minutes, and the new rows count failures by their time instead.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_organisation_search_text"),
    ]

    operations = [
        migrations.DeleteModel(name="LoginThrottle"),
        migrations.CreateModel(
            name="LoginThrottle",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "scope",
                    models.CharField(
                        choices=[
                            ("username", "Användarnamn"),
                            ("address", "Adress"),
                            ("second_factor", "Engångskod"),
                        ],
                        max_length=16,
                    ),
                ),
                ("key", models.CharField(max_length=150)),
                ("reported_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("scope", "key"), name="login_throttle_unique_key")
                ],
            },
        ),
        migrations.CreateModel(
            name="LoginFailure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField()),
                ("attempt", models.UUIDField(db_index=True)),
                (
                    "throttle",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="failures",
                        to="accounts.loginthrottle",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["throttle", "at"], name="login_failure_key_time")],
            },
        ),
    ]
