"""From the meetings' forms to the services' inputs, and the forms a page shows."""

from __future__ import annotations

from samsyn.meetings import forms
from samsyn.meetings.selectors import MeetingPage, point_organisations
from samsyn.meetings.services import MeetingInput, PointInput


def meeting_input(form: forms.BookForm) -> MeetingInput:
    d = form.cleaned_data
    return MeetingInput(
        kind=d["kind"],
        purpose=d["purpose"],
        agenda=d["agenda"],
        starts_at=d["starts_at"],
        ends_at=d["ends_at"],
        mode=d["mode"],
        place=d["place"],
        video_link=d["video_link"],
        participants=tuple(d["participants"]),
        sip_consent=d["sip_consent"],
    )


def point_inputs(formset) -> list[PointInput]:
    return [
        PointInput(
            text=f.cleaned_data["text"],
            kind=f.cleaned_data["kind"],
            owner_organisation_id=f.cleaned_data["owner_organisation"],
            owner_person=f.cleaned_data.get("owner_person", ""),
            due=f.cleaned_data["due"],
        )
        for f in formset.forms
        if f.cleaned_data.get("text")
    ]


def point_formset(page: MeetingPage, data=None, prefix="points"):
    organisations = point_organisations(page)
    return forms.PointFormSet(data, prefix=prefix, form_kwargs={"organisations": organisations})


def minutes_form(page: MeetingPage, data=None) -> forms.MinutesForm:
    draft = page.draft
    initial = (
        {"conclusion": draft.minutes.conclusion, "plain": draft.minutes.plain} if draft else None
    )
    return forms.MinutesForm(data, initial=initial)


def amend_form(page: MeetingPage, data=None) -> forms.AmendForm:
    final = page.final
    initial = (
        {"conclusion": final.minutes.conclusion, "plain": final.minutes.plain} if final else None
    )
    return forms.AmendForm(data, initial=initial)


def page_context(page: MeetingPage, **forms_given) -> dict:
    """Everything the meeting's page shows, with any bound forms given."""
    context = {
        "p": page,
        "m": page.meeting,
        "answer_form": forms.AnswerForm(),
        "move_form": forms.MoveForm(
            initial={"starts_at": page.meeting.starts_at, "ends_at": page.meeting.ends_at}
        ),
        "cancel_form": forms.CancelForm(),
        "fk_form": forms.FkDecisionForm(),
        "held_form": forms.HeldForm(
            participants=page.participants,
            initial={"attended": [str(x.pk) for x in page.participants]},
        ),
        "minutes_form": minutes_form(page),
        "points": point_formset(page),
        "amend_form": amend_form(page),
        "amend_points": point_formset(page, prefix="amend"),
    }
    context.update(forms_given)
    return context
