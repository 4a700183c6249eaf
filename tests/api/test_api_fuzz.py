"""schemathesis against the app's own /api/v1/openapi.json (WSGI, no network): every operation, a bounded
number of generated requests each, once anonymous and once with a broker's write token, checked for server
errors, for answers (status, content type, body) that the document does not describe, and (with the token)
for an operation marked as needing a token that answers without one.

Each operation's cases are drawn from `operation.as_strategy()` inside one pytest test (schemathesis'
fixture-based `from_fixture` loader does not run under pytest 9), and every failing operation is reported."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, ignored_auth,
                                               response_schema_conformance, status_code_conformance)

from challenge import clock
from challenge.accounts import tokens
from challenge.extensions import db
from tests.security.conftest import sec_world  # noqa: F401  the fixture: a world with every kind of row

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
# With a token, also: an operation the document marks as needing one refuses the request without it, and
# with a wrong one (schemathesis sends both).
TOKEN_CHECKS = [*CHECKS, ignored_auth]
EXAMPLES = 10
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


def _fuzz(app, headers: dict | None) -> list[str]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @FUZZ
        @given(case=operation.as_strategy())
        def run(case):
            case.call_and_validate(checks=TOKEN_CHECKS if headers else CHECKS, headers=headers)

        try:
            run()
        except Exception as failure:  # noqa: BLE001  every operation's failure is collected, then reported
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}")
    assert operations >= 15
    return failures


@pytest.mark.parametrize("who", ["anonymous", "broker's write token"])
def test_schemathesis_finds_nothing(app, sec_world, who):  # noqa: F811
    headers = None
    if who != "anonymous":
        _, secret = tokens.create(sec_world.broker, "fuzz", "write", clock.now())
        db.session.commit()
        headers = {"Authorization": f"Bearer {secret}"}
    failures = _fuzz(app, headers)
    assert not failures, "\n\n".join(failures)
