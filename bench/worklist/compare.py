"""Issue 19 item 3's ratios as the worklist stands: the first page at the target unit
(--unit-active current cases) against the small unit (--small-active), and a unit
manager's region-wide view (every unit below the region) against the target unit; the
three users' requests interleaved in one run so that the machine's load hits all alike.
Also, on PostgreSQL, each table's size per row (pg_total_relation_size / row count)."""

from __future__ import annotations

import time

from .config import COORDINATOR, REGION_CODE, SMALL_COORDINATOR, log
from .measure import counted_request, summarise, verified_client

REGION_MANAGER = "bench-verksamhetschef-region"
TABLES = (
    "people_person",
    "sickleave_certificate",
    "sickleave_certificateperiod",
    "sickleave_sickleavecase",
    "cases_case",
    "cases_task",
    "audit_accessevent",
    "django_tasks_database_dbtaskresult",
)


def region_manager():
    """A unit manager placed at the region (sees every unit below it); made on first use,
    so a reused data set needs no regeneration."""
    from samsyn.accounts.models import Membership, Organisation, Role, User

    user = User.objects.filter(username=REGION_MANAGER).first()
    if user is None:
        user = User.objects.create(
            username=REGION_MANAGER, first_name="Regina", last_name="Region", email=""
        )
        Membership.objects.create(
            user=user,
            organisation=Organisation.objects.get(code=REGION_CODE),
            role=Role.UNIT_MANAGER,
        )
    return user


def compare(args) -> dict:
    from django.db import close_old_connections
    from django.urls import reverse

    from samsyn.accounts.models import User

    url = reverse("cases:worklist")
    views = {
        "small": verified_client(User.objects.get(username=SMALL_COORDINATOR)),
        "unit": verified_client(User.objects.get(username=COORDINATOR)),
        "region": verified_client(region_manager()),
    }
    for client in views.values():
        client.get(url)  # warm-up
    close_old_connections()
    walls: dict = {key: [] for key in views}
    cpus: dict = {key: [] for key in views}
    for _ in range(args.requests):
        for key, client in views.items():
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(url)
            walls[key].append((time.perf_counter() - t0) * 1000)
            cpus[key].append((time.process_time() - c0) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"GET {url} as {key} answered {response.status_code}")
            close_old_connections()
    result: dict = {}
    for key, client in views.items():
        counted = counted_request(client, url)
        result[key] = {
            **summarise(walls[key], cpus[key]),
            "rows_total": counted["total"],
            "queries": counted["queries"],
        }
    result["ratio_unit_small"] = round(
        result["unit"]["median_ms"] / result["small"]["median_ms"], 2
    )
    result["ratio_region_unit"] = round(
        result["region"]["median_ms"] / result["unit"]["median_ms"], 2
    )
    result["cpu_ratio_unit_small"] = round(
        result["unit"]["cpu_median_ms"] / result["small"]["cpu_median_ms"], 2
    )
    result["cpu_ratio_region_unit"] = round(
        result["region"]["cpu_median_ms"] / result["unit"]["cpu_median_ms"], 2
    )
    log(f"Ratios (issue 19 item 3), first page, default sort, {args.requests} interleaved GETs:")
    for key, who in (
        ("small", "coordinator, small unit"),
        ("unit", "coordinator, target unit"),
        ("region", "unit manager at the region"),
    ):
        r = result[key]
        log(
            f"  {who:<28} {r['rows_total']:>7,} rows  median {r['median_ms']:7.1f} ms"
            f"  p90 {r['p90_ms']:7.1f} ms  CPU {r['cpu_median_ms']:6.1f} ms  "
            f"queries {r['queries']}"
        )
    log(
        f"  ratio target/small {result['ratio_unit_small']:.2f} (CPU "
        f"{result['cpu_ratio_unit_small']:.2f}; goal <= 1.5), region/target "
        f"{result['ratio_region_unit']:.2f} (CPU {result['cpu_ratio_region_unit']:.2f}; goal <= 2)"
    )
    result["tables"] = table_sizes()
    return result


def table_sizes() -> dict:
    """PostgreSQL only: rows, total bytes (with indexes and TOAST) and bytes per row."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    sizes = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                f"SELECT count(*), pg_total_relation_size('{table}') FROM {table}"  # noqa: S608
            )
            rows, size = cursor.fetchone()
            sizes[table] = {
                "rows": rows,
                "bytes": size,
                "per_row": round(size / rows) if rows else 0,
            }
            log(
                f"  {table:<30} {rows:>10,} rows {size / 2**20:9.1f} MiB "
                f"{sizes[table]['per_row']:>6} B/row"
            )
    return sizes
