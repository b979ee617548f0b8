"""Plans on a case: the plan, its versions (stored as shown), its measures with comments,
and the "no plan needed" decision.

A plan's content lives only in its versions: a version's `fields` and `measures` are the
labels and display values as they were shown when it was saved, so rendering it later
gives the same page. Versions are never changed except for their state and approvals.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.core.models import BaseModel
from samsyn.plans.content import MeasureStatus, NoPlanReason, PlanKind, RehabKind, VersionState


class Plan(BaseModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(_("slags plan"), max_length=16, choices=PlanKind.choices)
    # The organisation that owns the plan (the care unit, the employer, FK, ...).
    owner = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    # The number of the newest version of any state (the optimistic-concurrency token).
    head = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="plan_one_per_kind_and_case")
        ]

    def __str__(self) -> str:
        return f"Plan {self.pk}"


class PlanVersion(BaseModel):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=16, choices=VersionState.choices)
    # As shown: [{key, label, value, raw, icf}] and [{id, title, owner, ...}].
    fields = models.JSONField(default=list)
    measures = models.JSONField(default=list)
    summary = models.CharField(max_length=200, blank=True)  # what changed, in words
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_by_name = models.CharField(max_length=200)
    created_by_organisation = models.CharField(max_length=200)
    published_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)  # approved or rejected
    person_approved_at = models.DateTimeField(null=True, blank=True)
    person_approved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_approved_at = models.DateTimeField(null=True, blank=True)
    owner_approved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejection_note = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"PlanVersion {self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.state == VersionState.PENDING


class Measure(BaseModel):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="measures")
    catalogue_code = models.CharField(max_length=40, blank=True)
    title = models.CharField(_("åtgärd"), max_length=200)
    rehab_kind = models.CharField(
        _("slags rehabilitering"), max_length=16, choices=RehabKind.choices, blank=True
    )
    owner_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ansvarig organisation"),
    )
    owner_person = models.CharField(_("ansvarig person"), max_length=200, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("slut"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PROPOSED
    )
    follow_up = models.DateField(_("uppföljning"), null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["start", "created_at"]

    def __str__(self) -> str:
        return f"Measure {self.pk}"


class MeasureComment(BaseModel):
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="comments")
    text = models.TextField(_("kommentar"))
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    author_organisation = models.CharField(max_length=200)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"MeasureComment {self.pk}"


class NoPlanDecision(BaseModel):
    """ "No plan för återgång i arbete is needed": dated, with its legal reason (SFB 30 kap.
    6 §), visible to the person; revised by a newer decision or revoked."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("skäl"), max_length=24, choices=NoPlanReason.choices)
    decided_on = models.DateField(_("beslutsdatum"))
    note = models.TextField(_("kommentar"), blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-decided_on", "-created_at"]

    def __str__(self) -> str:
        return f"NoPlanDecision {self.pk}"

    @property
    def in_force(self) -> bool:
        return self.revoked_at is None
