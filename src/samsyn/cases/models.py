"""The coordinator's case (ärende): responsible coordinator, status history, tasks."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samsyn.core.models import BaseModel


class CaseStatus(models.TextChoices):
    """Rehabstöd's eight coordinator statuses."""

    NONE = "none", _("–")
    CONTACTED = "contacted", _("Kontaktad")
    ACTIVE = "active", _("Aktiv")
    FOLLOW_UP = "follow_up", _("Uppföljning")
    CLOSED = "closed", _("Avslutad")
    DECLINED = "declined", _("Avböjt")
    NO_ACTION = "no_action", _("Lämnas utan åtgärd")
    MEDICAL_REHAB = "medical_rehab", _("Medicinsk rehab")


class Outcome(models.TextChoices):
    RETURN_FULL_TIME = "return_full_time", _("Åter i arbete, heltid")
    RETURN_PART_TIME = "return_part_time", _("Åter i arbete, deltid")
    OTHER_OCCUPATION = "other_occupation", _("Annan sysselsättning")
    STUDIES = "studies", _("Studier")
    JOB_SEEKER = "job_seeker", _("Arbetssökande")
    DISABILITY_BENEFIT = "disability_benefit", _("Sjukersättning/aktivitetsersättning")
    DECEASED = "deceased", _("Avliden")
    MOVED = "moved", _("Flyttat")
    OTHER = "other", _("Annat")


OPEN_STATUSES = [s for s in CaseStatus.values if s != CaseStatus.CLOSED]
# The allowed transitions, in one table: any open status to any status except that
# closing goes through `close_case` (it needs an outcome); a closed case is reopened
# only through `reopen_case`.
TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(s for s in OPEN_STATUSES if s != status) for status in OPEN_STATUSES
}
TRANSITIONS[CaseStatus.CLOSED] = frozenset()


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def at_units(self, unit_ids):
        return self.filter(unit_id__in=unit_ids)


class Case(BaseModel):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    unit = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    responsible = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.PROTECT, related_name="responsible_cases"
    )
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.NONE)
    preventive = models.BooleanField(
        _("förebyggande"),
        default=False,
        help_text=_("Personen är inte sjukskriven men riskerar att bli det."),
    )
    expected_days = models.PositiveIntegerField(
        _("bedömd sjukskrivningslängd (dagar)"), null=True, blank=True
    )
    opened_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=32, choices=Outcome.choices, blank=True)
    outcome_date = models.DateField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit"],
                condition=Q(closed_at__isnull=True),
                name="case_one_open_per_person_and_unit",
            )
        ]
        indexes = [models.Index(fields=["unit", "closed_at"], name="case_unit_open")]

    def __str__(self) -> str:
        return f"Case {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CaseStatusChange(models.Model):
    """Immutable history row: who set which status when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(max_length=20, choices=CaseStatus.choices)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"CaseStatusChange {self.pk}"


class ResponsibleChange(models.Model):
    """Immutable history row: hand-over of a case to another coordinator."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="responsible_history")
    responsible = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"ResponsibleChange {self.pk}"


class TaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def overdue(self, on):
        return self.open().filter(due_date__lt=on)


class Task(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("uppgift"), max_length=200)
    due_date = models.DateField(_("senast"))
    assigned_to = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["done_at", "due_date"]

    def __str__(self) -> str:
        return f"Task {self.pk}"


class WorklistPreference(models.Model):
    """A user's saved column choice and order for the worklist."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="+")
    columns = models.JSONField(default=list)
    show_personal_data = models.BooleanField(default=True)
    # The user's own "recently ended" days for the worklist (0-14, as the unit's setting);
    # None uses the unit's (Rehabstöd lets each user choose, issue 12).
    recent_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # The user's own gap (0-90): a larger one than the unit's joins a person's consecutive
    # sick-leave cases on the worklist (`cases.worklist.join_at_gap`); None uses the unit's.
    gap_days = models.PositiveSmallIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"WorklistPreference {self.pk}"


class SavedFilter(BaseModel):
    """A worklist search's free text behind an opaque id (`?f=<uuid>`), so a filtered list
    is a URL that never holds a name or a personnummer. Scoped to the care unit: a
    colleague at the unit opens the same list, anyone else finds nothing."""

    unit = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=100)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["unit", "created_by", "text"], name="savedfilter_lookup")]

    def __str__(self) -> str:
        return f"SavedFilter {self.pk}"


class InboxKind(models.TextChoices):
    """What the start page's inbox lists: what actors and persons did in the unit's cases."""

    MESSAGE = "message", _("Meddelande")
    STATEMENT = "statement", _("Uppgift från aktör")
    WITHDRAWAL = "withdrawal", _("Återkallat samtycke")


class InboxRead(models.Model):
    """A user opened an inbox item (immutable)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=InboxKind.choices)
    object_id = models.UUIDField()
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "object_id"], name="inbox_read_once")
        ]

    def __str__(self) -> str:
        return f"InboxRead {self.pk}"


class InboxCleared(models.Model):
    """Until when a user marked their whole inbox as read."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="+")
    cleared_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"InboxCleared {self.pk}"


class WorklistEntry(models.Model):
    """The worklist's materialised sort and filter keys: one row per person per unit whose
    worklist they are on (a sick-leave case at the unit in force or ended within the last
    `MAX_RECENT_DAYS` days, and/or an open case at the unit). Written only by
    `cases.index.refresh_entries` / `refresh_units` (ADR 018); the date-dependent keys
    (age, degree today, overdue tasks, consents in force, next milestone) hold for
    `computed_on`, and the worklist refreshes a unit first when any of its entries is from
    another day (the daily job `refresh_worklist_entries` normally has done it).

    Holds no personnummer: it joins the person for that. `search_text` and
    `sick_leave_search` are the free text's haystack (Swedish labels, lower case, parts
    separated by `SEARCH_SEPARATOR` so a search never matches across two of them)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    computed_on = models.DateField()
    # The person has entries at other units too: a worklist over several units takes one
    # of them (`cases.selectors.entries`); False for all others, so only these are ranked.
    shared = models.BooleanField(default=False)
    # the person
    sort_name = models.CharField(max_length=100)  # the name's last word, lower case
    name_lower = models.CharField(max_length=201)
    sex = models.CharField(max_length=8)
    age = models.PositiveSmallIntegerField()
    protected = models.BooleanField(default=False)
    # the sick-leave case at the unit (the latest that started by `computed_on`), if any
    sick_leave_id = models.BigIntegerField(null=True)
    start = models.DateField(null=True)
    end = models.DateField(null=True)
    days = models.PositiveIntegerField(default=0)  # chain days: the case's + prior_days
    prior_days = models.PositiveIntegerField(default=0)
    net_days = models.FloatField(default=0.0)
    certificates = models.PositiveIntegerField(default=0)
    degrees = models.JSONField(default=list)
    degree_today = models.PositiveSmallIntegerField(null=True)
    segments = models.JSONField(default=list)
    diagnosis_code = models.CharField(max_length=10, blank=True)
    diagnosis_chapter = models.PositiveSmallIntegerField(null=True)
    occupation = models.CharField(max_length=32, blank=True)
    physician_id = models.BigIntegerField(null=True)  # a User (no key: entries are derived)
    physician_name = models.CharField(max_length=200, blank=True)
    physician_lower = models.CharField(max_length=200, blank=True)
    milestone_date = models.DateField(null=True)
    milestone_code = models.CharField(max_length=40, blank=True)
    sick_leave_search = models.TextField(blank=True)
    # the open case at the unit, if any
    case_id = models.UUIDField(null=True)
    status = models.CharField(max_length=20, default=CaseStatus.NONE)
    expected_days = models.PositiveIntegerField(null=True)
    rtw_done = models.BooleanField(default=False)
    responsible_id = models.BigIntegerField(null=True)  # a User
    responsible_name = models.CharField(max_length=200, blank=True)
    responsible_lower = models.CharField(max_length=200, blank=True)
    overdue_tasks = models.PositiveIntegerField(default=0)
    # consents in force at the unit ([[recipient, valid_to iso, expiring], ...]) and the
    # unanswered questions from Försäkringskassan on the open case
    consents = models.PositiveSmallIntegerField(default=0)
    consent_expiring = models.BooleanField(default=False)
    consent_parts = models.JSONField(default=list)
    # What the consent column sorts on: recipients and last days in no language
    # (`worklist.consent_sort_value`), "" when none; the page shows `consent_parts`.
    consent_label = models.TextField(blank=True)
    fk_questions = models.PositiveIntegerField(default=0)
    search_text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "unit"], name="worklist_entry_person_unit")
        ]
        indexes = [
            models.Index(fields=["unit", "computed_on"], name="wle_unit_computed"),
            models.Index(fields=["unit", "-start", "-person"], name="wle_unit_start"),
            # Covers the scope, the counts and the default order (`-start`): a region's
            # 50 000 rows are counted and sorted from the index alone, without reading
            # the wide rows (bench/README.md, issue 19 item 3).
            models.Index(
                fields=["unit", "end", "start", "person", "case_id", "shared", "id"],
                name="wle_unit_cover",
            ),
            models.Index(fields=["unit", "end"], name="wle_unit_end"),
            models.Index(fields=["responsible_id", "milestone_date"], name="wle_responsible"),
            models.Index(fields=["unit"], condition=Q(shared=True), name="wle_unit_shared"),
        ]

    def __str__(self) -> str:
        return f"WorklistEntry {self.pk}"
