"""Parallel login attempts against a real multi-worker server on PostgreSQL.

30 wrong passwords and the right one are sent at once to gunicorn with three worker
processes and Django's real password hasher (tests/live_settings.py). At most the limit
of wrong passwords may reach the hasher (the workers count every hash, tests/hashers.py),
the database holds no more failures than that, the lock is logged once, and the right
password is refused once the user name is locked. Before the throttle reserved each
attempt under a row lock, 15 of the 31 were checked here and the right one was sometimes
let in (ADR 010).
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

from samsyn.accounts.tests.live_server import live_login_server

PASSWORD = "rätt-lösenord-för-live-testet"
WRONG = 30
FAILURES_OF_NAME = """
    SELECT count(*) FROM accounts_loginfailure f
    JOIN accounts_loginthrottle t ON t.id = f.throttle_id
    WHERE t.scope = 'username' AND t.key = %s
"""
THROTTLE_EVENTS = """
    SELECT extra FROM audit_accessevent
    WHERE action = 'denied' AND object_type = 'login' AND system_job = 'login'
"""


def _burst(server, username: str, passwords: list[str]) -> list[tuple[int, str]]:
    """Send every password at the same instant, each on its own connection."""
    form = server.login_form()
    start = threading.Barrier(len(passwords))

    def attempt(password: str) -> tuple[int, str]:
        start.wait()
        return server.post_login(form, username, password)

    with ThreadPoolExecutor(max_workers=len(passwords)) as pool:
        return list(pool.map(attempt, passwords))


def test_thirty_parallel_wrong_passwords_check_at_most_the_limit(tmp_path):
    limit = settings.SAMSYN_LOCKOUT_ATTEMPTS  # a coordinator logs in with two factors
    with live_login_server(tmp_path, password=PASSWORD, users=[("anna", "coordinator")]) as server:
        before = server.password_checks()
        answers = _burst(server, "anna", [f"fel-{n}" for n in range(WRONG)] + [PASSWORD])
        checked = server.password_checks() - before
        accepted = sum(status == 302 for status, _ in answers)
        print(f"31 at once: {checked} password checks, {accepted} accepted, limit {limit}")

        assert {status for status, _ in answers} <= {200, 302}
        # The right password may win a place in the queue (it is then not a failure and
        # gives its place back); every other check was a wrong password, at most `limit`.
        assert accepted <= 1
        assert checked - accepted <= limit
        refused = [body for status, body in answers if status == 200 and "låst" in body]
        assert len(refused) >= WRONG - limit
        assert server.query(FAILURES_OF_NAME, "anna") == [(limit,)]
        events = [extra for (extra,) in server.query(THROTTLE_EVENTS)]
        assert [e["rule"] for e in events] == ["login_throttle_username"]

        status, body = server.post_login(server.login_form(), "anna", PASSWORD)
        assert status == 200
        assert "låst" in body
        assert server.password_checks() - before == checked  # refused without a check
