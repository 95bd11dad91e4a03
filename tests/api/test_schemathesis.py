"""Property tests of the whole API against its own OpenAPI schema, as served at /api/schema/.

For every operation, schemathesis generates requests from the schema and sends each one through the
WSGI application once per role (csm, csvp, cco, finance, ops, admin), authenticated by that persona's
personal token. Nothing may answer 5xx, every status must be documented and every JSON body must
conform to its documented schema.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test.utils import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.tokens import create_token

ROLES = ["csm", "csvp", "cco", "finance", "ops", "admin"]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
HOST = {"Host": "testserver"}

# The schema is read once, as a client would, from the served /api/schema/ (it needs no database). At
# collection pytest-django has not yet allowed its test host.
with override_settings(ALLOWED_HOSTS=["testserver"]):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(), headers=HOST)
# Generated cases only: the coverage phase's exhaustive boundary cases, times six roles, take minutes.
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture
def bearers(world, people) -> dict[str, str]:
    """The Authorization header of every persona, over the shared world of tests/api/conftest.py."""
    return {role: f"Bearer {create_token(people[role], 'schemathesis')[1]}" for role in ROLES}


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # The WSGI handler closes the database connection before and after each request, which would end
    # the test's transaction; Django's test client disconnects the same signals for the same reason.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, bearers):
    for role, bearer in bearers.items():
        # identity: the WSGI transport hands the body over undecoded, and pages are gzipped (GZipMiddleware).
        response = case.call(headers={**HOST, "Authorization": bearer, "Accept-Encoding": "identity"})
        try:
            case.validate_response(response, checks=CHECKS)
        except AssertionError as failure:
            raise AssertionError(f"as {role}: {failure}") from failure
