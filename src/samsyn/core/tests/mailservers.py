"""Real local mail servers for the e-mail tests: aiosmtpd on a free port, and a server that
accepts the connection and never says a word."""

from __future__ import annotations

import contextlib
import email
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def send_through(settings, port: int, *, timeout: int = 2) -> None:
    """Point Django's e-mail at the SMTP server on this local port (`smtp_server`,
    `silent_server`, or a `free_port` that nobody listens on: a server that is down)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, timeout


@dataclass
class Received:
    """What the SMTP server took: envelope recipients and the parsed message."""

    messages: list = field(default_factory=list)
    refuse: bool = False
    port: int = 0
    logins: list = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse:
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(
            (list(envelope.rcpt_tos), email.message_from_bytes(envelope.original_content))
        )
        return "250 Message accepted"


@contextlib.contextmanager
def smtp_server(login: tuple[str, str] | None = None) -> Iterator[tuple[int, Received]]:
    """`login` (user, password): the server refuses mail until the client logs in with it
    (AUTH over plain TCP, which only a test on the loopback may allow)."""
    port = free_port()
    received = Received(port=port)
    options = {}
    if login:

        def authenticator(server, session, envelope, mechanism, auth_data):
            given = (auth_data.login.decode(), auth_data.password.decode())
            received.logins.append(given[0])
            return AuthResult(success=given == login)

        options = {"authenticator": authenticator, "auth_required": True}
        options["auth_require_tls"] = False
    controller = Controller(received, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """Accepts connections and never writes: an SMTP client waits for a greeting forever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in held:
            conn.close()
        listener.close()
