"""Försäkringskassan's request for information (110 kap. 31 § socialförsäkringsbalken).

A question thread from Försäkringskassan is a request: the policy may allow, within that
thread only, what no consent covers (`consent.policy`, ground `legal_duty`). This module
turns a thread into the policy's facts.
"""

from __future__ import annotations

from samsyn.collaboration.models import HarmAssessment, Thread, ThreadKind
from samsyn.consent.policy import RequestFacts


def request_facts(
    thread: Thread, *, assessment: HarmAssessment | None = None
) -> RequestFacts | None:
    """The request behind an FK question thread with its latest harm assessment; None for
    every other thread. `assessment` saves the query when the caller has it."""
    if thread.kind != ThreadKind.FK_QUESTION:
        return None
    if assessment is None and thread.pk is not None and not thread._state.adding:
        assessment = thread.harm_assessments.order_by("-created_at").first()
    return RequestFacts(
        id=thread.pk,
        person_id=thread.case.person_id,
        unit_id=thread.case.unit_id,
        recipient_id=thread.party_id,
        assessment_id=assessment.pk if assessment else None,
        disclose=assessment.disclose if assessment else None,
        assessed_at=assessment.created_at if assessment else None,
    )
