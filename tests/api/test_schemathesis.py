"""Property-based checks of the live /v1 API against its own OpenAPI document (Schemathesis).

The document is loaded from the served `/v1/openapi.json`; every operation gets requests
generated from its parameters and bodies, sent with the admin token. Whatever the input, the
API must never answer 5xx, and what it answers must match the schema it documents.

The default run is small and deterministic: GET operations, plus generated (valid and
invalid) bodies for a few create routes. The `slow` run (part of the normal `pytest`, so of
.ci/run) tries every operation with more examples. The assistant's routes are never fuzzed:
they call the model's API. Webhook routes are only in the slow run, whose API has no
delivery dispatcher running: the URLs they are given are stored, never called.

Inputs that once produced a 500 are kept as plain regression tests (REGRESSIONS).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)
from support import LiveApi

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Operations whose effects leave this machine (a webhook test delivery, a model call).
OUTBOUND = r"^/v1/(webhooks|ai)(/|$)"
# The slow run's API delivers no webhooks (checked in its fixture): only the model is out.
MODEL = r"^/v1/ai(/|$)"
# Create routes whose generated bodies the default run sends (valid and invalid ones).
CREATE_ROUTES = r"^/v1/(vms|auth/tokens|networks|backups/schedules)$"


@pytest.fixture(scope="module")
def live(unlimited_api: LiveApi) -> LiveApi:
    return unlimited_api


def load(live: LiveApi, max_examples: int) -> Any:
    config = schemathesis.Config.from_dict(
        {
            "generation": {
                "max-examples": max_examples,
                "deterministic": True,
                "no-shrink": True,
                "mode": "all",  # valid and invalid inputs
            },
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    )
    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json", config=config)
    schema.config.update(headers={"Authorization": f"Bearer {live.admin_token}"})
    return schema


@pytest.fixture(scope="module")
def small_schema(live: LiveApi) -> Any:
    return load(live, max_examples=5)


@pytest.fixture(scope="module")
def large_schema(live: LiveApi) -> Any:
    # Webhooks are fuzzed here only because nothing sends them: no dispatcher runs.
    assert not live.infra.webhooks.running
    return load(live, max_examples=60)


def lazy(fixture: str, outbound: str) -> Any:
    return schemathesis.pytest.from_fixture(fixture).exclude(path_regex=outbound)


small, large = lazy("small_schema", OUTBOUND), lazy("large_schema", MODEL)
HYPOTHESIS = settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


def call_and_validate(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


@small.include(method="GET").parametrize()
@HYPOTHESIS
def test_get_operations_never_fail_and_match_their_schema(case: schemathesis.Case) -> None:
    call_and_validate(case)


@small.include(method="POST", path_regex=CREATE_ROUTES).parametrize()
@HYPOTHESIS
def test_create_routes_validate_generated_bodies(case: schemathesis.Case) -> None:
    call_and_validate(case)


@pytest.mark.slow
@large.parametrize()
@HYPOTHESIS
def test_every_operation_never_fails_and_matches_its_schema(case: schemathesis.Case) -> None:
    call_and_validate(case)


# Inputs schemathesis once turned into 500s; they stay as regression tests.
REGRESSIONS = [
    ("DELETE", "/auth/tokens/0", None),
    ("PUT", "/vms/vm-100", {"configuration": {"": None}}),
    ("POST", "/vms/vm-100/snapshots", {"name": ""}),
    ("GET", "/jobs?offset=9223372036854775808", None),
    ("POST", "/security/findings/9223372036854775808/fix", None),
    ("GET", "/vms/%C2%B9", None),
]


@pytest.mark.parametrize(("method", "url", "body"), REGRESSIONS, ids=lambda v: str(v))
def test_inputs_that_once_failed_are_clean_4xx(
    live: LiveApi, method: str, url: str, body: dict | None
) -> None:
    headers = {"Authorization": f"Bearer {live.admin_token}"}
    r = httpx.request(method, live.url + url, json=body, headers=headers, timeout=30)
    assert 400 <= r.status_code < 500, r.text
