"""The people of the load test (benchmarks/load_test.py starts locust with this file; see its docstring).

Each locust user takes the next person of the JSON file ``LOAD_PEOPLE`` (a list of ``{"kind": "csm" |
"csvp" | "cco", "email", "password", "runs": [run ids of the CSM's statements]}``), signs in through the
real login page (the CSRF token from the form) and then opens that person's pages with a pause between
clicks (``LOAD_THINK``, "min,max" seconds; default "1,5"):

- a CSM: "My quarter" (``/my/``) twice as often as one of their statements (``/my/statements/N/``);
- a Geo VP: ``/team/``;  the CCO: ``/company/``.

Requests go to 127.0.0.1 only; any other ``--host`` is refused. They carry ``X-Forwarded-Proto: https``,
as the HTTPS proxy in front of the app would, so the production settings (DEBUG off, HTTPS redirect,
secure cookies) stay as they are. Every request (name, start time, milliseconds, error) is written to the
JSON file ``LOAD_SAMPLES`` when locust stops; load_test.py computes the figures from it. Once every person
has signed in, the time is written to the file ``LOAD_SIGNED_IN``.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, events, task
from locust.exception import StopUser
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

PERIOD = os.environ.get("LOAD_PERIOD", "FY25-Q2")
LOCAL = re.compile(r"http://127\.0\.0\.1:\d+/?")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PEOPLE = json.loads(Path(os.environ["LOAD_PEOPLE"]).read_text()) if "LOAD_PEOPLE" in os.environ else []
THINK = [float(s) for s in os.environ.get("LOAD_THINK", "1,5").split(",")]
SAMPLES: list[tuple[str, float, float, str]] = []
SIGNED_IN = {"count": 0, "of": len(PEOPLE)}


@events.init.add_listener
def _local_only(environment, **_kwargs):
    if not LOCAL.fullmatch(environment.host or ""):
        raise SystemExit(f"refusing host {environment.host!r}: the load test runs against 127.0.0.1 only")


@events.request.add_listener
def _record(name, start_time, response_time, exception=None, **_kwargs):
    SAMPLES.append((name, start_time, response_time, str(exception) if exception else ""))


@events.quitting.add_listener
def _write_samples(environment, **_kwargs):
    if "LOAD_SAMPLES" in os.environ:
        Path(os.environ["LOAD_SAMPLES"]).write_text(json.dumps(SAMPLES))


class Person(HttpUser):
    wait_time = between(*THINK)

    def on_start(self):
        if not PEOPLE:
            raise StopUser()
        self.person = PEOPLE.pop(0)
        self.client.headers["X-Forwarded-Proto"] = "https"
        # As a browser does: a GET on a kept-alive connection the server has just closed is sent once more
        # (gunicorn closes idle connections after 2 s; a click 1-5 s later can race it). Not the sign-in POST.
        self.client.mount(
            "http://", HTTPAdapter(max_retries=Retry(total=1, status=0, allowed_methods={"GET"}))
        )
        self.sign_in()

    def secure_cookies_over_http(self):
        # The app marks its cookies Secure (DEBUG off); here the proxy's TLS is only pretended, so send them.
        for cookie in self.client.cookies:
            cookie.secure = False

    def sign_in(self):
        form = self.client.get("/accounts/login/", name="GET /accounts/login/")
        self.secure_cookies_over_http()
        token = CSRF.search(form.text)
        origin = self.host.rstrip("/").replace("http://", "https://")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.person["email"],
                "password": self.person["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "next": "",
            },
            headers={"Referer": f"{origin}/accounts/login/", "Origin": origin},
            allow_redirects=False,
            name="POST /accounts/login/ (sign in)",
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "sessionid" not in response.cookies:
                response.failure(f"sign-in of {self.person['email']} failed: {response.status_code}")
                raise StopUser()
        self.secure_cookies_over_http()
        SIGNED_IN["count"] += 1
        if SIGNED_IN["count"] == SIGNED_IN["of"] and "LOAD_SIGNED_IN" in os.environ:
            Path(os.environ["LOAD_SIGNED_IN"]).write_text(str(time.time()))  # load_test.py waits for it

    def page(self, path: str, name: str):
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(
                    f"{response.status_code} {response.error or response.headers.get('Location', '')}"
                )
        self.secure_cookies_over_http()

    @task
    def browse(self):
        kind = self.person["kind"]
        if kind == "csm":
            if self.person["runs"] and random.random() < 1 / 3:
                run = random.choice(self.person["runs"])
                self.page(f"/my/statements/{run}/", "/my/statements/N/")
            else:
                self.page(f"/my/?period={PERIOD}", "/my/")
        elif kind == "csvp":
            self.page(f"/team/?period={PERIOD}", "/team/")
        else:
            self.page(f"/company/?period={PERIOD}", "/company/")
