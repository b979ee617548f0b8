"""A bounded load run against a real deployment, with a PostgreSQL restart in the middle.

    .venv/bin/python bench/load.py                 # ~60 s of load, ~2 min in all
    .venv/bin/python bench/load.py --seconds 90 --users 8 --gunicorn-workers 3

What it does, all on loopback:
1. starts a PostgreSQL cluster of its own (`initdb` into a temporary folder, its own
   port; never the machine's service), migrates it and loads the demo (`samsyn demo`),
   then adds `--users` coordinators at the demo's unit (each with a TOTP device, so each
   logs in once with both factors) and collects the static files;
2. starts gunicorn with `deploy/gunicorn.conf.py` (debug off) and one `samsyn worker`;
3. logs the users in (password, then a TOTP code) and drives them from plain threads:
   reads (start page, worklist, a case's contact log) and writes (a contact logged on a
   case; a message posted in a thread, which enqueues notification e-mails for the
   worker), each write carrying a unique marker;
4. restarts PostgreSQL at half time (`pg_ctl stop -m immediate`, i.e. as after a crash,
   then start);
5. prints every failed request, p50/p95 per phase (before the restart / after the
   database is back), and checks in the database that every write that answered success
   is stored exactly once, that a write that failed is either absent or stored whole
   (its audit event in the same transaction), and what the worker made of the jobs.

Exit status 0 when every check holds, 1 otherwise. Nothing is left behind.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import http.client
import json
import os
import random
import re
import secrets
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import psycopg  # noqa: E402

from samsyn.core.tests.pgcluster import free_port, own_cluster  # noqa: E402

PASSWORD = "samsyn-demo-2026"  # noqa: S105 - the demo's published password
SAMSYN = [sys.executable, "-m", "samsyn"]

# Run inside the app's environment after `samsyn demo`: bench users and the ids to use.
SETUP = r"""
import json, sys
import django
django.setup()
from django_otp.plugins.otp_totp.models import TOTPDevice
from samsyn.accounts.models import Membership, User
from samsyn.cases.models import Case
from samsyn.collaboration.models import Message
users, password = int(sys.argv[1]), sys.argv[2]
unit = Membership.objects.get(user__username="koordinator", role="coordinator").organisation
out = {"users": [], "cases": [], "threads": []}
for i in range(users):
    user = User.objects.create_user(username=f"bench{i}", password=password)
    Membership.objects.create(user=user, organisation=unit, role="coordinator")
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    out["users"].append({"username": user.username, "key": device.key})
open_cases = Case.objects.filter(unit=unit, closed_at__isnull=True)
out["cases"] = [str(pk) for pk in open_cases.values_list("pk", flat=True)]
threads = Message.objects.filter(author__username="koordinator", thread__case__in=open_cases)
out["threads"] = sorted({str(t) for t in threads.values_list("thread_id", flat=True)})
print(json.dumps(out))
"""


def totp(key_hex: str, at: float, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 (SHA-1), as django-otp's TOTPDevice checks it."""
    counter = struct.pack(">Q", int(at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return str(code).zfill(digits)


class Browser:
    """Cookies and CSRF over http.client; redirects are not followed (302 = done)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, text
        finally:
            conn.close()

    def login(self, username: str, key_hex: str) -> None:
        self.request("GET", "/konto/logga-in/")
        status, _ = self.request(
            "POST", "/konto/logga-in/", {"username": username, "password": PASSWORD}
        )
        assert status == 302, f"password step for {username}: {status}"
        status, _ = self.request(
            "POST", "/konto/logga-in/kod/", {"token": totp(key_hex, time.time())}
        )
        assert status == 302, f"second factor for {username}: {status}"


@dataclass
class Result:
    started: float
    seconds: float
    kind: str
    path: str
    status: int  # 0: no answer (connection error)
    error: str = ""
    marker: str = ""
    title: str = ""  # the page's <title> when it failed

    @property
    def ok(self) -> bool:
        if self.kind.startswith("write"):
            return self.status == 302
        return self.status == 200


@dataclass
class Run:
    port: int
    cases: list[str]
    threads: list[str]
    stop_at: float
    results: list[Result] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)


def one_request(browser: Browser, run: Run, rng: random.Random) -> Result:
    roll = rng.random()
    marker = ""
    if roll < 0.25:
        kind, case = "write contact", rng.choice(run.cases)
        marker = f"BENCH-{uuid.uuid4().hex}"
        path = f"/arenden/{case}/kontakter/"
        form = {
            "occurred_at": time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() - 3600)),
            "channel": "phone",
            "part": "internal",
            "purpose": "check_in",
            "organisation": "",
            "contact_person": "",
            "with_whom": "",
            "summary": f"Avstämning under last {marker}",
        }
    elif roll < 0.40 and run.threads:
        kind, thread = "write message", rng.choice(run.threads)
        marker = f"BENCH-{uuid.uuid4().hex}"
        path, form = f"/meddelanden/{thread}/", {"body": f"Lastmeddelande {marker}"}
    else:
        kind, form = "read", None
        path = rng.choice(["/", "/arbetslista/", f"/arenden/{rng.choice(run.cases)}/kontakter/"])
    started = time.monotonic()
    title = ""
    try:
        status, page = browser.request("POST" if form else "GET", path, form)
        error = ""
        if status >= 400:
            found = re.search(r"<title>([^<]*)</title>", page)
            title = found.group(1).strip() if found else page[:60]
    except (OSError, http.client.HTTPException) as exc:
        status, error = 0, type(exc).__name__
    return Result(started, time.monotonic() - started, kind, path, status, error, marker, title)


def drive(browser: Browser, run: Run, seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() < run.stop_at:
        run.record(one_request(browser, run, rng))
        time.sleep(rng.uniform(0.0, 0.05))


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            if predicate():
                return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not happen within {seconds} s")


def healthz(port: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status
    finally:
        conn.close()


def check_writes(database_url: str, results: list[Result]) -> tuple[list[str], dict]:
    """Every write that answered success stored once; a failed one absent or whole."""
    problems: list[str] = []
    summary = {"success stored": 0, "failed absent": 0, "failed stored whole": 0}
    with psycopg.connect(database_url) as conn:
        stored: dict[str, list[tuple[str, bool]]] = {}
        rows = conn.execute(
            "SELECT substring(c.summary from 'BENCH-[0-9a-f]{32}'), c.id::text, "
            "EXISTS (SELECT 1 FROM audit_accessevent a WHERE a.object_id = c.id::text "
            "AND a.action = 'create') FROM collaboration_contactevent c "
            "WHERE c.summary LIKE '%%BENCH-%%'"
        ).fetchall()
        rows += conn.execute(
            "SELECT substring(m.body from 'BENCH-[0-9a-f]{32}'), m.id::text, "
            "EXISTS (SELECT 1 FROM audit_accessevent a WHERE a.object_id = m.id::text "
            "AND a.action = 'create') "
            "FROM collaboration_message m WHERE m.body LIKE '%%BENCH-%%'"
        ).fetchall()
        for marker, pk, audited in rows:
            stored.setdefault(marker, []).append((pk, audited))
        for marker, entries in stored.items():
            for pk, audited in entries:
                if not audited:
                    problems.append(f"half-stored: {marker} (row {pk}) has no audit event")
        for result in (r for r in results if r.marker):
            entries = stored.get(result.marker, [])
            if result.ok:
                if len(entries) != 1:
                    problems.append(
                        f"{result.kind} {result.marker} answered 302, stored {len(entries)}×"
                    )
                else:
                    summary["success stored"] += 1
            elif not entries:
                summary["failed absent"] += 1
            elif len(entries) == 1:
                summary["failed stored whole"] += 1  # committed, then the answer was lost
            else:
                problems.append(f"{result.kind} {result.marker} failed yet stored {len(entries)}×")
        jobs = dict(
            conn.execute(
                "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
            ).fetchall()
        )
    return problems, {**summary, "jobs by status": jobs}


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    handle = log.open("ab")
    return subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT)  # noqa: S603


def stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> int:  # noqa: C901, PLR0915 - a script read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="load duration (max 120)")
    parser.add_argument("--users", type=int, default=8, help="logged-in users (threads)")
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--show-failed", type=int, default=25, help="failed requests listed")
    args = parser.parse_args()
    seconds = min(args.seconds, 120)
    t0 = time.monotonic()
    print(f"load: {args.users} users, {seconds:.0f} s, {args.gunicorn_workers} gunicorn workers")

    with (
        own_cluster(prefix="samsyn-load-", durable=True) as cluster,
        tempfile.TemporaryDirectory(prefix="samsyn-load-var-") as var,
    ):
        database_url = cluster.create_database("samsyn_load")
        logs = Path(var)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "samsyn.settings",
            "DATABASE_URL": database_url,
            "SAMSYN_DEBUG": "0",
            "SAMSYN_HTTPS": "0",
            "SAMSYN_SECRET_KEY": secrets.token_urlsafe(50),
            "SAMSYN_VAR_DIR": var,
            "SAMSYN_REQUEST_LOG": "WARNING",
            "SAMSYN_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT / "src"),
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        for command in (
            ["migrate", "--noinput", "-v", "0"],
            ["demo"],
            ["collectstatic", "--noinput", "-v", "0"],
        ):
            subprocess.run([*SAMSYN, *command], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        setup = subprocess.run(  # noqa: S603
            [sys.executable, "-c", SETUP, str(args.users), PASSWORD],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        ids = json.loads(setup.stdout.strip().splitlines()[-1])
        print(
            f"set-up: PostgreSQL on port {cluster.port}, demo loaded, {len(ids['cases'])} cases, "
            f"{len(ids['threads'])} threads ({time.monotonic() - t0:.0f} s)"
        )

        port = free_port()
        server = worker = None
        worker_exits: list[tuple[float, int]] = []
        supervising = threading.Event()
        try:
            server = start(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--config",
                    str(ROOT / "deploy" / "gunicorn.conf.py"),
                    f"--workers={args.gunicorn_workers}",
                    f"--bind=127.0.0.1:{port}",
                    "samsyn.wsgi:application",
                ],
                env,
                logs / "gunicorn.log",
            )
            worker = start([*SAMSYN, "worker"], env, logs / "worker.log")

            def supervise() -> None:
                # As deploy/samsyn-worker.service does (Restart=always): a worker that
                # exits is started again, and each exit is reported.
                nonlocal worker
                while not supervising.wait(0.5):
                    if worker.poll() is not None:
                        worker_exits.append((time.monotonic(), worker.returncode))
                        worker = start([*SAMSYN, "worker"], env, logs / "worker.log")

            threading.Thread(target=supervise, daemon=True).start()
            wait_for(lambda: healthz(port) == 200, 30, "gunicorn answering /healthz")

            browsers = []
            for user in ids["users"]:
                browser = Browser(port)
                browser.login(user["username"], user["key"])
                browsers.append(browser)
            run = Run(port, ids["cases"], ids["threads"], time.monotonic() + seconds)
            print(f"{len(browsers)} users logged in with both factors; load starts")

            threads = [
                threading.Thread(target=drive, args=(b, run, args.seed + i), daemon=True)
                for i, b in enumerate(browsers)
            ]
            load_started = time.monotonic()
            for thread in threads:
                thread.start()
            time.sleep(seconds / 2)
            restart_at = time.monotonic()
            cluster.stop("immediate")
            cluster.start()
            back_at = time.monotonic()
            print(
                f"PostgreSQL killed (immediate) and started again at "
                f"{restart_at - load_started:.1f} s: down {back_at - restart_at:.2f} s"
            )
            for thread in threads:
                thread.join()

            # Let the worker finish the queued e-mail jobs.
            def drained() -> bool:
                with psycopg.connect(database_url) as conn:
                    return not conn.execute(
                        "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                        "WHERE status IN ('READY', 'RUNNING')"
                    ).fetchone()[0]

            with contextlib.suppress(RuntimeError):
                wait_for(drained, 45, "the worker draining the queue")
        finally:
            supervising.set()
            stop(server)
            stop(worker)
        print(f"worker exits during the run: {len(worker_exits)}")
        for at, code in worker_exits:
            print(f"  at {at - load_started:.1f} s with status {code} (started again)")
        if worker_exits:
            log = (logs / "worker.log").read_text(errors="replace").splitlines()
            errors = [line for line in log if "Error" in line or "error" in line]
            print("  worker log:", *(f"    {line[:160]}" for line in errors[-4:]), sep="\n")

        results = run.results
        load_ended = max((r.started + r.seconds for r in results), default=back_at)
        failed = sorted((r for r in results if not r.ok), key=lambda r: r.started)
        print(f"\n{len(results)} requests, {len(failed)} failed:")
        groups: dict[tuple[str, str], int] = {}
        for r in failed:
            key = (r.kind, str(r.status or r.error))
            groups[key] = groups.get(key, 0) + 1
        for (kind, status), count in sorted(groups.items()):
            print(f"  {count:5} × {kind} answered {status}")
        if failed:
            print(
                f"  the first failed at {failed[0].started - load_started:.2f} s, the last ended "
                f"at {failed[-1].started + failed[-1].seconds - load_started:.2f} s "
                f"(database down from {restart_at - load_started:.2f} to "
                f"{back_at - load_started:.2f} s)"
            )
        for r in failed[: args.show_failed]:
            at = r.started - load_started
            print(
                f"  {at:6.2f} s  {r.kind:13}  {r.status or r.error:>18}  "
                f"{r.seconds * 1000:7.0f} ms  {r.path}  «{r.title}»"
            )
        after = [r for r in failed if r.started >= back_at]
        if after:
            print("  failed after the database was back:")
            for r in after:
                print(
                    f"  {r.started - load_started:6.2f} s  {r.kind}  {r.status or r.error}  "
                    f"{r.path}  «{r.title}»"
                )
        if len(failed) > args.show_failed:
            print(f"  ... and {len(failed) - args.show_failed} more (--show-failed N)")

        def phase(name: str, chosen: list[Result], duration: float) -> None:
            ms = [r.seconds * 1000 for r in chosen]
            reads = [r.seconds * 1000 for r in chosen if r.kind == "read"]
            writes = [r.seconds * 1000 for r in chosen if r.kind != "read"]
            bad = sum(1 for r in chosen if not r.ok)
            print(
                f"  {name:28} {len(chosen):5} requests ({bad} failed, "
                f"{len(chosen) / max(duration, 0.001):.0f}/s)  p50 {percentile(ms, 0.5):6.1f} ms  "
                f"p95 {percentile(ms, 0.95):6.1f} ms  (reads {percentile(reads, 0.5):.0f}/"
                f"{percentile(reads, 0.95):.0f} ms, writes {percentile(writes, 0.5):.0f}/"
                f"{percentile(writes, 0.95):.0f} ms)"
            )

        print("\nLatency, p50/p95 (failed requests included):")
        phase(
            "before the restart",
            [r for r in results if r.started + r.seconds < restart_at],
            restart_at - load_started,
        )
        phase(
            "overlapping the outage",
            [r for r in results if r.started + r.seconds >= restart_at and r.started < back_at],
            back_at - restart_at,
        )
        phase(
            "after the database is back",
            [r for r in results if r.started >= back_at],
            load_ended - back_at,
        )

        problems, summary = check_writes(database_url, results)
        writes = [r for r in results if r.marker]
        print(f"\nWrites: {len(writes)} sent; {summary}")
        for problem in problems:
            print(f"  PROBLEM: {problem}")
        print(
            "CHECK: "
            + (
                "every write that answered success is stored once; no failed write is half-stored"
                if not problems
                else f"{len(problems)} problems"
            )
        )
        print(f"total {time.monotonic() - t0:.0f} s")
        return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
