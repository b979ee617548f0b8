"""The access log: one append-only table of HMAC-chained events (DESIGN §6, STYLE 8, ADR 009)."""

from __future__ import annotations

from django.db import models

from samsyn.audit.vocabulary import Action, Ground, ObjectType

__all__ = ["AccessEvent", "Action", "ChainHead", "Ground", "ObjectType"]


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Åtkomstloggen kan inte ändras.")

    def delete(self):
        raise PermissionError("Åtkomstloggen kan inte raderas.")


class AccessEvent(models.Model):
    """One read or change of personal data (or a login), chained to the previous event.

    Events form several chains (`chain`, ADR 009); within a chain `seq` runs 1, 2, 3...
    `hash` = HMAC-SHA-256, under the key named by `key_id` (held outside the database),
    of the event's canonical content (`audit.chain`), which includes `prev_hash`.
    Rows are written only by `samsyn.audit.auditor`; the application never updates or
    deletes them (save of an existing row and delete raise).
    """

    chain = models.PositiveSmallIntegerField()
    seq = models.PositiveBigIntegerField()
    key_id = models.CharField(max_length=32)
    created_at = models.DateTimeField()
    # No index on a foreign key alone: `audit_actor_time`, `audit_org_time` and
    # `audit_person_time` lead with it (every page view writes this table).
    actor = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    system_job = models.CharField(max_length=100, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    object_type = models.CharField(max_length=64, blank=True, choices=ObjectType.choices)
    object_id = models.CharField(max_length=64, blank=True)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    ground = models.CharField(max_length=32, choices=Ground.choices)
    ground_ref = models.CharField(max_length=64, blank=True, help_text="e.g. the consent id")
    request_id = models.CharField(max_length=64, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_chain_seq"),
        ]
        indexes = [
            models.Index(fields=["person", "created_at"], name="audit_person_time"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_time"),
            models.Index(fields=["organisation", "created_at"], name="audit_org_time"),
        ]

    def __str__(self) -> str:
        return f"AccessEvent {self.chain}:{self.seq}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Åtkomstloggen kan inte ändras.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Åtkomstloggen kan inte raderas.")


class ChainHead(models.Model):
    """The last sequence number and hash of one chain; the primary key is the chain number.

    A writer locks the first head no other transaction holds (SELECT ... FOR UPDATE SKIP
    LOCKED), so concurrent writers append to different chains instead of queueing on one
    row, and each chain still has one order.
    """

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"ChainHead {self.pk}: {self.last_seq}"

    @classmethod
    def ensure(cls, chains: int) -> None:
        """Create the heads of chains 1..`chains` that do not exist yet.

        Migration 0006 and `samsyn audit checkpoint` call this outside any writer's
        transaction: a head inserted inside one would make other writers wait for it.
        """
        heads = [cls(pk=n) for n in range(1, chains + 1)]
        cls.objects.bulk_create(heads, ignore_conflicts=True)
