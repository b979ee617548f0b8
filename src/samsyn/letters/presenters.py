"""What the letters' pages show, built from what the selectors read."""

from __future__ import annotations

from django.utils import timezone

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import EXTERNAL_ROLES, OrganisationType
from samsyn.letters import forms, sandbox
from samsyn.letters.models import Addressee
from samsyn.letters.selectors import TemplateRow, example_preview, merge


def letter_form(template, recipients, contact_persons, data=None, next_meeting=""):
    """The letter's form; a letter written for an external actor starts addressed to the
    case's employer, if any, and every letter with the case's next planned meeting."""
    initial = {"nasta_mote": next_meeting}
    if template.addressee == Addressee.EXTERNAL:
        employer = next((o for o in recipients if o.type == OrganisationType.EMPLOYER), None)
        initial["recipient"] = employer.pk if employer else None
    return forms.LetterForm(
        data,
        initial=initial,
        kind=template.kind,
        recipients=recipients,
        contact_persons=contact_persons,
        consent_recipients=recipients,
    )


def body_html(text: str):
    return sandbox.to_html(text)


def pdf_name(letter) -> str:
    day = timezone.localtime(letter.created_at).date().isoformat()
    return f"brev-{letter.version.template.key}-{day}.pdf"


def editor_unit_id(actor: Actor):
    """The unit whose templates a unit manager edits: their own."""
    return actor.organisation.pk


def template_initial(row: TemplateRow) -> dict:
    v = row.current
    return {"base": row.template.head, "title": v.title, "subject": v.subject, "body": v.body}


def guide_initial(row) -> dict:
    v = row.current
    return {
        "base": row.guide.head,
        "title": v.title,
        "intro": v.intro,
        "questions": forms.questions_text(v.questions),
    }


def editor_context(row: TemplateRow, form, versions) -> dict:
    """The editor's page: the form, the live preview with invented values, the fields."""
    data = form.data if form.is_bound else form.initial
    preview = example_preview(subject=data.get("subject", ""), body=data.get("body", ""))
    return {
        "row": row,
        "form": form,
        "preview": preview,
        "versions": versions,
        "fields": merge.FIELDS,
    }


def feeds_plan(note) -> bool:
    """Has the note answers that feed the plan's ICF fields?"""
    return any(row.get("icf") and row.get("answer") for row in note.answers)


def is_external(actor: Actor) -> bool:
    """An external actor's user (the letter page shows them no care navigation)."""
    return actor.role in EXTERNAL_ROLES
