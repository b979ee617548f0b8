"""The plans' pages: parse → read (selectors, through the access module) → call a
service → render or redirect."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import CARE_ROLES, EXTERNAL_ROLES, Role
from samsyn.core.decorators import role_required
from samsyn.plans import presenters, selectors, services
from samsyn.plans.content import PlanKind
from samsyn.plans.forms import (
    CommentForm,
    CompareForm,
    MeasureUpdateForm,
    NoPlanForm,
    PlanForm,
    RejectForm,
)

# Who reads plans (each read is still decided by the access module) and who writes them.
PLAN_READER_ROLES = (*CARE_ROLES, *EXTERNAL_ROLES, Role.PATIENT)
PLAN_WRITER_ROLES = (*CARE_ROLES, *EXTERNAL_ROLES)


def _failed(request, exc: services.PlanError) -> None:
    flash.error(request, _(str(exc)))


def _case_page(request, actor, case_id, no_plan_form=None, status=200):
    page = selectors.case_plans(actor=actor, case_id=case_id)
    context = {
        "c": page,
        "items": presenters.measure_items(page.measures),
        "no_plan_form": no_plan_form or NoPlanForm(),
    }
    return TemplateResponse(request, "plans/case_plans.html", context, status=status)


@require_GET
@role_required(*PLAN_READER_ROLES)
def case_plans_view(request, case_id):
    return _case_page(request, Actor.from_request(request), case_id)


@role_required(*PLAN_WRITER_ROLES)
def plan_new_view(request, case_id, kind):
    actor = Actor.from_request(request)
    page = selectors.case_plans(actor=actor, case_id=case_id)
    if kind not in page.creatable:
        return redirect("plans:case_plans", case_id=case_id)
    form = PlanForm(request.POST or None, kind=kind, icf=page.reader.icf)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(
                actor=actor, case=page.case, kind=kind, values=form.values()
            )
        except services.PlanError as exc:
            form.add_error(None, _(str(exc)))
        else:
            flash.success(request, _("Planen är sparad."))
            return redirect("plans:plan", plan_id=plan.pk)
    context = {"c": page, "form": form, "kind_label": PlanKind(kind).label}
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "plans/plan_new.html", context, status=status)


def _plan_page(request, actor, plan_id, *, measure_form=None, status=200):
    page = selectors.plan_page(actor=actor, plan_id=plan_id)
    context = {
        "p": page,
        "v": page.view,
        "items": presenters.measure_items(page.measures),
        "measure_form": measure_form or presenters.measure_form(page, actor),
        "approval": presenters.approval_text(page.view.current),
        "compare_form": CompareForm(initial={"a": 1, "b": page.plan.head}),
    }
    return TemplateResponse(request, "plans/plan.html", context, status=status)


@require_GET
@role_required(*PLAN_READER_ROLES)
def plan_view(request, plan_id):
    return _plan_page(request, Actor.from_request(request), plan_id)


@role_required(*PLAN_WRITER_ROLES)
def plan_edit_view(request, plan_id):
    actor = Actor.from_request(request)
    page = selectors.plan_page(actor=actor, plan_id=plan_id)
    form = presenters.plan_form(page.view, request.POST or None)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.save_plan(
                actor=actor,
                plan=page.plan,
                base=form.cleaned_data["version"] or 0,
                values=form.values(),
            )
        except services.PlanConflict as exc:
            conflict = exc
        except services.PlanError as exc:
            form.add_error(None, _(str(exc)))
        else:
            flash.success(request, _("Ändringen är sparad."))
            return redirect("plans:plan", plan_id=plan_id)
    status = 409 if conflict else (400 if request.method == "POST" else 200)
    context = {"p": page, "v": page.view, "form": form, "conflict": conflict}
    return TemplateResponse(request, "plans/plan_edit.html", context, status=status)


@require_POST
@role_required(*PLAN_WRITER_ROLES)
def measure_add_view(request, plan_id):
    actor = Actor.from_request(request)
    page = selectors.plan_page(actor=actor, plan_id=plan_id)
    form = presenters.measure_form(page, actor, request.POST)
    if form is None or not form.is_valid():
        return _plan_page(request, actor, plan_id, measure_form=form, status=400)
    try:
        services.add_measure(
            actor=actor,
            plan=page.plan,
            base=form.cleaned_data.pop("version"),
            data=services.MeasureInput(
                owner_organisation_id=form.cleaned_data.pop("owner_organisation"),
                **form.cleaned_data,
            ),
        )
    except services.PlanError as exc:
        _failed(request, exc)
    else:
        flash.success(request, _("Åtgärden är tillagd."))
    return redirect("plans:plan", plan_id=plan_id)


@require_POST
@role_required(*PLAN_WRITER_ROLES)
def measure_update_view(request, measure_id):
    actor = Actor.from_request(request)
    form = MeasureUpdateForm(request.POST, prefix=f"m{measure_id.hex[:8]}")
    if not form.is_valid():
        flash.error(request, _("Kontrollera datumen och statusen."))
        return redirect(presenters.back_to(request, "/"))
    try:
        services.update_measure(
            actor=actor,
            measure_id=measure_id,
            base=form.cleaned_data.pop("version"),
            **form.cleaned_data,
        )
    except services.PlanError as exc:
        _failed(request, exc)
    else:
        flash.success(request, _("Åtgärden är uppdaterad."))
    return redirect(presenters.back_to(request, "/"))


@require_POST
@role_required(*PLAN_WRITER_ROLES)
def measure_comment_view(request, measure_id):
    actor = Actor.from_request(request)
    form = CommentForm(request.POST, prefix=f"c{measure_id.hex[:8]}")
    try:
        text = form.cleaned_data["text"] if form.is_valid() else ""
        services.comment_measure(actor=actor, measure_id=measure_id, text=text)
    except services.PlanError as exc:
        _failed(request, exc)
    else:
        flash.success(request, _("Kommentaren är sparad."))
    return redirect(presenters.back_to(request, "/"))


@require_GET
@role_required(*PLAN_READER_ROLES)
def version_view(request, plan_id, number):
    view, version = selectors.version_page(
        actor=Actor.from_request(request), plan_id=plan_id, number=number
    )
    context = {
        "v": view,
        "version": version,
        "version_rows": presenters.version_rows(view, version),
        "approval": presenters.approval_text(version),
    }
    return TemplateResponse(request, "plans/version.html", context)


@require_GET
@role_required(*PLAN_READER_ROLES)
def compare_view(request, plan_id):
    form = CompareForm(request.GET)
    if not form.is_valid():
        return redirect("plans:plan", plan_id=plan_id)
    comparison = selectors.compare_versions(
        actor=Actor.from_request(request),
        plan_id=plan_id,
        left=form.cleaned_data["a"],
        right=form.cleaned_data["b"],
    )
    return TemplateResponse(
        request, "plans/compare.html", {"cmp": comparison, "v": comparison.view}
    )


@require_GET
@role_required(*PLAN_READER_ROLES)
def plan_pdf_view(request, plan_id):
    try:
        name, data = services.plan_pdf(actor=Actor.from_request(request), plan_id=plan_id)
    except services.PlanError as exc:
        _failed(request, exc)
        return redirect("plans:plan", plan_id=plan_id)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@role_required(*PLAN_READER_ROLES)
def version_approve_view(request, version_id):
    try:
        version = services.approve_version(actor=Actor.from_request(request), version_id=version_id)
    except services.PlanError as exc:
        _failed(request, exc)
        return redirect(presenters.back_to(request, "/"))
    flash.success(request, _("Tack! Planen är godkänd."))
    return redirect(presenters.back_to(request, presenters.plan_url(version.plan_id)))


@require_POST
@role_required(Role.PATIENT)
def version_reject_view(request, version_id):
    form = RejectForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.reject_version(actor=Actor.from_request(request), version_id=version_id, note=note)
    except services.PlanError as exc:
        _failed(request, exc)
    else:
        flash.success(request, _("Du har sagt nej till ändringen. Den som skrev den får veta det."))
    return redirect(presenters.back_to(request, "/"))


@require_POST
@role_required(*PLAN_WRITER_ROLES)
def no_plan_view(request, case_id):
    actor = Actor.from_request(request)
    form = NoPlanForm(request.POST)
    if not form.is_valid():
        return _case_page(request, actor, case_id, no_plan_form=form, status=400)
    page = selectors.case_plans(actor=actor, case_id=case_id)
    try:
        services.record_no_plan(actor=actor, case=page.case, **form.cleaned_data)
    except services.PlanError as exc:
        _failed(request, exc)
    else:
        flash.success(request, _("Beslutet att en plan inte behövs är sparat."))
    return redirect("plans:case_plans", case_id=case_id)


@require_POST
@role_required(*PLAN_WRITER_ROLES)
def no_plan_revoke_view(request, decision_id):
    try:
        decision = services.revoke_no_plan(
            actor=Actor.from_request(request), decision_id=decision_id
        )
    except services.PlanError as exc:
        _failed(request, exc)
        return redirect(presenters.back_to(request, "/"))
    flash.success(request, _("Beslutet gäller inte längre."))
    return redirect("plans:case_plans", case_id=decision.case_id)
