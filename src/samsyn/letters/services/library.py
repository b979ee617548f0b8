"""The unit's templates and guides: started from the shipped ones, edited by the unit's
managers. Every edit is a new version; a stale edit (another manager saved in between)
is refused."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_noop

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import Role
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.letters import sandbox, shipped
from samsyn.letters.models import Guide, GuideVersion, LetterTemplate, LetterTemplateVersion
from samsyn.letters.services._common import LetterError, audit


def ensure_library(*, actor: Actor, unit_id) -> None:
    """Give the unit every shipped template and guide it does not have yet (version 1),
    each logged as created by the actor whose page needed it."""
    have = set(LetterTemplate.objects.filter(unit_id=unit_id).values_list("key", flat=True))
    have_guides = set(Guide.objects.filter(unit_id=unit_id).values_list("key", flat=True))
    missing = [t for t in shipped.templates() if t.key not in have]
    missing_guides = [g for g in shipped.guides() if g.key not in have_guides]
    if not missing and not missing_guides:
        return
    try:
        with transaction.atomic():
            for t in missing:
                template = LetterTemplate.objects.create(
                    unit_id=unit_id,
                    key=t.key,
                    kind=t.kind,
                    addressee=t.addressee,
                    category=t.category,
                    head=1,
                )
                LetterTemplateVersion.objects.create(
                    template=template, number=1, title=t.title, subject=t.subject, body=t.body
                )
                audit(actor, Action.CREATE, ObjectType.LETTER_TEMPLATE, template.pk, key=t.key)
            for g in missing_guides:
                guide = Guide.objects.create(unit_id=unit_id, key=g.key, head=1)
                GuideVersion.objects.create(
                    guide=guide, number=1, title=g.title, intro=g.intro, questions=list(g.questions)
                )
                audit(actor, Action.CREATE, ObjectType.LETTER_TEMPLATE, guide.pk, guide=g.key)
    except IntegrityError:
        return  # another request gave them at the same time


def _require_manager(actor: Actor, unit_id) -> None:
    if not access.care_staff_at(actor, unit_id, roles={Role.UNIT_MANAGER}):
        raise LetterError(gettext_noop("Bara verksamhetschefen vid enheten kan ändra mallar."))


def save_template(
    *, actor: Actor, template_id, base: int, title: str, subject: str, body: str
) -> LetterTemplateVersion:
    """A new version of the unit's template; refused when it does not render or when
    another version was saved since `base`."""
    template = LetterTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise LetterError(gettext_noop("Mallen finns inte."))
    _require_manager(actor, template.unit_id)
    if not title.strip() or not body.strip():
        raise LetterError(gettext_noop("Mallen behöver ett namn och en text."))
    error = sandbox.check(subject) or sandbox.check(body)
    if error:
        raise LetterError(error)
    with transaction.atomic():
        locked = LetterTemplate.objects.select_for_update().get(pk=template.pk)
        if locked.head != base:
            raise LetterError(
                gettext_noop("Någon annan har sparat mallen under tiden. Öppna den igen.")
            )
        locked.head += 1
        locked.save(update_fields=["head", "updated_at"])
        version = LetterTemplateVersion.objects.create(
            template=locked,
            number=locked.head,
            title=title.strip()[:200],
            subject=subject.strip()[:300],
            body=body,
            created_by=actor.user,
        )
        audit(actor, Action.UPDATE, ObjectType.LETTER_TEMPLATE, locked.pk, version=version.number)
    return version


def parse_questions(text: str) -> list[dict]:
    """One question a line: `fråga | hjälptext | ICF-fält` (the last two optional)."""
    questions = []
    for n, line in enumerate(text.splitlines(), start=1):
        parts = [p.strip() for p in line.split("|")]
        if not parts[0]:
            continue
        key = slugify(parts[0])[:40] or f"q{n}"
        if key in {q["key"] for q in questions}:
            key = f"{key}-{n}"
        questions.append(
            {
                "key": key,
                "label": parts[0][:300],
                "help": parts[1][:300] if len(parts) > 1 else "",
                "icf": parts[2] if len(parts) > 2 and parts[2] in shipped.ICF_FIELDS else "",
            }
        )
    return questions


def save_guide(
    *, actor: Actor, guide_id, base: int, title: str, intro: str, questions: str
) -> GuideVersion:
    """A new version of the unit's conversation guide (questions one a line)."""
    guide = Guide.objects.filter(pk=guide_id).first()
    if guide is None:
        raise LetterError(gettext_noop("Samtalsstödet finns inte."))
    _require_manager(actor, guide.unit_id)
    rows = parse_questions(questions)
    if not title.strip() or not rows:
        raise LetterError(gettext_noop("Samtalsstödet behöver ett namn och minst en fråga."))
    with transaction.atomic():
        locked = Guide.objects.select_for_update().get(pk=guide.pk)
        if locked.head != base:
            raise LetterError(
                gettext_noop("Någon annan har sparat samtalsstödet under tiden. Öppna det igen.")
            )
        locked.head += 1
        locked.save(update_fields=["head", "updated_at"])
        version = GuideVersion.objects.create(
            guide=locked,
            number=locked.head,
            title=title.strip()[:200],
            intro=intro.strip(),
            questions=rows,
            created_by=actor.user,
        )
        audit(actor, Action.UPDATE, ObjectType.LETTER_TEMPLATE, locked.pk, guide=version.number)
    return version
