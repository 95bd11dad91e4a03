"""A real HTTP receiver on 127.0.0.1 (``http.server`` in a thread) that answers as a test scripts it, and
endpoints to send to it (docs/webhooks.md)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webhooks.models import Event, WebhookEndpoint


@dataclass
class Received:
    """One request the receiver took: its path, headers (lower-case names) and raw body."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    delay: float = 0.0  # seconds to wait before answering (a slow receiver)


class Receiver:
    """A webhook receiver at ``url``: answers the scripted ``answers`` in turn (the last one repeats)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: list[Answer] = [Answer()]
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver.received.append(
                        Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    index = min(len(receiver.received), len(receiver.answers)) - 1
                    answer = receiver.answers[index]
                time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):  # the sender timed out and left
                    pass

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/attain"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, *answers: Answer) -> None:
        self.answers = list(answers)

    def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received


@pytest.fixture
def receiver():
    server = Receiver()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def webhook_settings(settings):
    """Short waits: a 1-second timeout, tries 1 s apart, at most 4 tries."""
    settings.WEBHOOK_TIMEOUT = 1
    settings.WEBHOOK_RETRY_BASE = 1
    settings.WEBHOOK_RETRY_MAX = 60
    settings.WEBHOOK_MAX_ATTEMPTS = 4
    return settings


def make_endpoint(url: str, *events: str, active: bool = True) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(url=url, events=list(events or Event.values), is_active=active)
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@pytest.fixture
def queued(monkeypatch):
    """The delivery ids ``emit`` queues once a transaction commits, recorded instead of sent."""
    from webhooks import services

    ids: list[int] = []
    monkeypatch.setattr(services, "enqueue", lambda delivery_ids: ids.extend(delivery_ids))
    return ids
