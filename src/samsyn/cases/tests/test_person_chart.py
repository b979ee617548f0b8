"""The person page's degree chart is valid SVG in every language (no decimal commas)."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from samsyn.cases.tests.helpers import certify
from samsyn.people.tests.factories import PersonFactory

TODAY = date(2026, 11, 22)
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_chart_coordinates_are_plain_numbers(coordinator_client, unit, physician, language):
    person = PersonFactory(care_unit=unit)
    start = TODAY - timedelta(days=33)
    certify(physician, person, start, start + timedelta(days=16), 100, "F43.8A")
    certify(physician, person, start + timedelta(days=17), start + timedelta(days=70), 50, "F43.8A")
    with time_machine.travel("2026-11-22 10:00 +01:00", tick=False):
        response = coordinator_client.get(
            reverse("cases:person", args=[person.pk]), HTTP_ACCEPT_LANGUAGE=language
        )
    svg = re.search(r"<svg class=\"timeline-chart\".*?</svg>", response.content.decode(), re.S)
    assert svg is not None
    values = re.findall(r'\b(?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', svg.group(0))
    assert len(values) > 10
    assert [v for v in values if not NUMBER.match(v)] == []
    assert any("." in v for v in values), "expected fractional coordinates in the chart"
