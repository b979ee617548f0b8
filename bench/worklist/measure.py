"""The measurement: timed requests of /arbetslista/ through django.test.Client, the query
counts at the target and small units, and the optional breakdown and cProfile."""

from __future__ import annotations

import cProfile
import gc
import io
import pstats
import statistics
import time
from contextlib import contextmanager

from .config import BUDGET_MS, COORDINATOR, SMALL_COORDINATOR, log


def verified_client(user):
    """A client logged in with both factors (as conftest.verified_client)."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@contextmanager
def template_context_capture():
    """Let the test client see response.context for one request (off while timing)."""
    from django.template import Template
    from django.test.utils import instrumented_test_render

    original = Template._render
    Template._render = instrumented_test_render
    try:
        yield
    finally:
        Template._render = original


def filtered_url(url: str, filters: dict | None) -> str:
    """The list's URL with its filters: codes stand in the query string (issue 13)."""
    from urllib.parse import urlencode

    return f"{url}?{urlencode(filters)}" if filters else url


def timed_requests(client, url: str, n: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per GET.

    Wall time is the server time (no network: the test client calls the WSGI handler).
    CPU time is this process's (Django, and SQLite, which runs in-process; PostgreSQL's
    own work is not in it): on a shared machine it moves less with the other load. The
    connection is closed after each response as a WSGI server does (CONN_MAX_AGE=0 makes
    SQLite reconnect per request; PostgreSQL keeps its connection for 60 s).
    """
    from django.db import close_old_connections

    walls, cpus = [], []
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        walls.append(wall * 1000)
        cpus.append(cpu * 1000)
        close_old_connections()
    return walls, cpus


def counted_request(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with template_context_capture(), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code  # noqa: S101
    result = response.context["result"]
    return {
        "queries": len(queries.captured_queries),
        "sql": [q["sql"] for q in queries.captured_queries],
        "total": result.total,
        "matching": result.matching,
        "shown": len(result.rows),
        "bytes": len(response.content),
    }


def summarise(walls: list[float], cpus: list[float]) -> dict:
    ordered = sorted(walls)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p90_ms": round(statistics.quantiles(ordered, n=10, method="inclusive")[8], 1),
        "min_ms": round(ordered[0], 1),
        "max_ms": round(ordered[-1], 1),
        "cpu_median_ms": round(statistics.median(cpus), 1),
        "n": len(ordered),
    }


SCENARIOS = (
    ("default", "default sort (-start), page 1", None),
    ("length_91_180", "filter length 91-180 days, page 1", {"length": "91-180"}),
    ("milestone", "sorted by next step, page 1", {"sort": "milestone"}),
    ("name_200", "sorted by name, 200 per page", {"sort": "name", "per_page": "200"}),
)


def measure(args) -> dict:
    from django.db import close_old_connections
    from django.urls import reverse

    from samsyn.accounts.models import User

    url = reverse("cases:worklist")
    client = verified_client(User.objects.get(username=COORDINATOR))
    small_client = verified_client(User.objects.get(username=SMALL_COORDINATOR))
    close_old_connections()
    results = {}
    for key, label, filters in SCENARIOS:
        page_url = filtered_url(url, filters)
        timed_requests(client, page_url, 1)  # warm-up
        walls, cpus = timed_requests(client, page_url, args.requests)
        big = counted_request(client, page_url)
        small = counted_request(small_client, page_url)
        stats = summarise(walls, cpus)
        results[key] = {
            "label": label,
            **stats,
            "times_ms": [round(t, 1) for t in walls],
            "rows_total": big["total"],
            "rows_matching": big["matching"],
            "queries": big["queries"],
            "small_unit_rows_total": small["total"],
            "small_unit_rows_matching": small["matching"],
            "small_unit_queries": small["queries"],
            "queries_equal": big["queries"] == small["queries"],
        }
        verdict = "OK" if stats["median_ms"] <= BUDGET_MS else "OVER BUDGET"
        log(
            f"  {label:<38} median {stats['median_ms']:7.1f} ms  p90 {stats['p90_ms']:7.1f} ms"
            f"  (min {stats['min_ms']:.0f}, max {stats['max_ms']:.0f}, n={stats['n']}; "
            f"CPU median {stats['cpu_median_ms']:.0f} ms)  {verdict}"
        )
        log(
            f"    rows: {big['total']:,} in the worklist, {big['matching']:,} matching, "
            f"{big['shown']} shown; queries/request: {big['queries']} at {big['total']:,} rows "
            f"vs {small['queries']} at {small['total']:,} rows (small unit)"
            f" -> {'equal' if big['queries'] == small['queries'] else 'DIFFERENT'}"
        )
        if args.show_queries or big["queries"] != small["queries"]:
            for sql in big["sql"]:
                log(f"      {sql[:160]}")
    if args.breakdown:
        breakdown(args.requests)
    if args.profile:
        profile_requests(client, url, args.profile)
    return results


def breakdown(n: int) -> None:
    """Where a request's time goes, outside the client: the selector's parts (diagnostic)."""
    from django.template.loader import get_template
    from django.utils import timezone

    from samsyn.accounts.actor import Actor
    from samsyn.accounts.models import User
    from samsyn.cases import selectors
    from samsyn.cases import worklist as wl

    user = User.objects.get(username=COORDINATOR)
    actor = Actor(user=user, membership=user.memberships.select_related("organisation").first())
    on = timezone.localdate()

    def timed(label: str, call) -> None:
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            call()
            times.append((time.perf_counter() - t0) * 1000)
        log(f"    {label:<62} median {statistics.median(times):6.1f} ms")

    def rows_gc_paused():
        gc.disable()
        try:
            selectors.worklist_rows(actor=actor, on=on)
        finally:
            gc.enable()

    def page():
        return selectors.worklist(
            actor=actor, filters=wl.Filters(), sort=wl.DEFAULT_SORT, on=on, per_page=50
        )

    log(f"  Breakdown (median of {n}, called directly):")
    timed(
        "selectors.worklist_rows: all 5 000 rows",
        lambda: selectors.worklist_rows(actor=actor, on=on),
    )
    timed("  the same with the cyclic GC paused (diagnostic)", rows_gc_paused)
    timed("selectors.worklist: rows + filter/sort/page + 50 audit events", page)
    result = page()
    pref = selectors.worklist_preference(actor=actor)
    context = {"result": result, "sort": wl.DEFAULT_SORT, "pref": pref, **pref.context()}
    template = get_template("cases/worklist.html")
    timed(
        "cases/worklist.html, 50 rows (without the filter form)", lambda: template.render(context)
    )


def profile_requests(client, url: str, n: int) -> None:
    from django.db import close_old_connections

    profiler = cProfile.Profile()
    for _ in range(n):
        profiler.enable()
        client.get(url)
        profiler.disable()
        close_old_connections()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(30)
        log(f"\ncProfile of {n} GET {url} (default view), sorted by {order}:")
        log(out.getvalue())
