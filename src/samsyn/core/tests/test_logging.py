"""Structured logs: one JSON line per request with the request id, no personal data."""

import json
import logging

import pytest
from django.urls import reverse

from samsyn.core.logging import RequestIdFilter, SamsynJsonFormatter
from samsyn.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _lines(caplog) -> list[dict]:
    formatter = SamsynJsonFormatter()
    id_filter = RequestIdFilter()
    lines = []
    for record in caplog.records:
        id_filter.filter(record)
        lines.append(json.loads(formatter.format(record)))
    return lines


def test_a_request_logs_one_json_line_with_its_id(coordinator_client, coordinator, caplog):
    caplog.set_level(logging.INFO, logger="samsyn.request")
    response = coordinator_client.get(reverse("cases:worklist"), HTTP_X_REQUEST_ID="abcd1234efgh")
    assert response["X-Request-ID"] == "abcd1234efgh"
    (line,) = [x for x in _lines(caplog) if x["logger"] == "samsyn.request"]
    assert line["request_id"] == "abcd1234efgh"
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert line["view"] == "cases:worklist"
    assert line["user_id"] == coordinator.pk
    assert line["role"] == "coordinator"
    assert line["level"] == "INFO"
    assert line["time"].endswith("+00:00")


def test_no_personnummer_query_string_or_name_reaches_the_log(coordinator_client, unit, caplog):
    person = PersonFactory(care_unit=unit)
    caplog.set_level(logging.INFO, logger="samsyn.request")
    url = reverse("sickleave:certificate_new")
    coordinator_client.post(f"{url}?q={person.personnummer}", {"personnummer": person.personnummer})
    text = "\n".join(json.dumps(x, ensure_ascii=False) for x in _lines(caplog))
    assert "samsyn.request" in text
    for value in (person.personnummer, person.personnummer[2:8], person.family_name):
        assert value not in text


def test_outside_a_request_the_id_is_empty(caplog):
    caplog.set_level(logging.INFO, logger="samsyn.job")
    logging.getLogger("samsyn.job").info("sweep", extra={"count": 3})
    (line,) = _lines(caplog)
    assert line == {**line, "message": "sweep", "request_id": "", "count": 3}
