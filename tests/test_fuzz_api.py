"""No input is a server error: schemathesis fuzzes both OpenAPI documents in-process.

The app runs on a seeded SQLite store (the fuzz needs one backend; the per-kind
guards in test_input_errors.py run on both). Every operation of the OGC document
(/ogc/openapi?f=json) and of the JSON API's (/api/v1/openapi.json) gets a few
generated requests, anonymous and with an officer's bearer token; the only check is
``not_a_server_error``. Examples are derandomized so CI is not flaky; a deeper run
is ``make check-api``.
"""

from __future__ import annotations

import pytest
from apitools import bearer, make_client
from hypothesis import HealthCheck, Phase, given, settings

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402

from accounts.roles import ROLES  # noqa: E402

EXAMPLES = 4
DOCUMENTS = [("/ogc/openapi?f=json", "/ogc"), ("/api/v1/openapi.json", "/api/v1")]
# Processes run jobs (redistricting): generated inputs would start real work; their
# input guards have their own tests.
SKIP = ("/jobs", "/processes/{processId}/execution", "/processes/redistrict/execution")


def without_remote_refs(node):
    """Drop $ref values that point outside the document (schemas.opengis.net is offline here)."""
    if isinstance(node, dict):
        return {k: without_remote_refs(v) for k, v in node.items() if not (k == "$ref" and str(v).startswith("http"))}
    if isinstance(node, list):
        return [without_remote_refs(v) for v in node]
    return node


def load(app, path: str, prefix: str):
    client = app.test_client()
    document = without_remote_refs(client.get(path).get_json())
    document["servers"] = [{"url": prefix}]
    schema = schemathesis.openapi.from_dict(document)
    schema.app = app
    return schema


def fuzz(schema, headers: dict[str, str]) -> list[str]:
    """Every operation a few times; the server errors found, as 'METHOD path -> status'."""
    found: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if any(operation.path.endswith(s) or s in operation.path for s in SKIP):
            continue

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE))
        def run(case):
            try:
                response = case.call(headers=headers)
                case.validate_response(response, checks=[not_a_server_error])
            except Exception as exc:  # noqa: BLE001 - collect every operation's failures, then report them all
                found.append(f"{case.method} {case.formatted_path}: {type(exc).__name__}: {str(exc)[:300]} | {case.as_curl_command()}")

        run()
    return found


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_no_input_is_a_server_error(store, tmp_path):
    from ogc_seed import seed

    seed(store)
    app = make_client(store, tmp_path).application
    officer = bearer(store, "fuzzer", [r for r in ROLES if r != "admin"])
    found = []
    for path, prefix in DOCUMENTS:
        schema = load(app, path, prefix)
        found += fuzz(schema, {})
        found += fuzz(schema, officer)
    assert not found, "\n".join(found)
