"""Fuzz the OpenAPI schema for each role (issue 15): schemathesis generates requests from the
project's own schema and sends them in-process to the WSGI app; every answer must be no server
error and conform to the schema (status code, content type, body).

Bounded so that the whole run stays under two minutes on a 2-core machine: a few examples per
operation and role, half of them aimed at the world's real objects (else nearly every generated id
is a 404), derandomised so CI sees the same cases every time."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode

from tests.factories import api_token_key
from tests.openapi_support import CHECKS, NO_RATE_LIMITS, load_schema

pytestmark = pytest.mark.django_db(transaction=False)

ROLES = ("anonymous", "applicant", "reviewer", "staff")
#: Per role and per kind (generated ids, real ids); SHENBAO_FUZZ_EXAMPLES raises it for a longer run by hand.
EXAMPLES_PER_OPERATION = int(os.environ.get("SHENBAO_FUZZ_EXAMPLES", "2"))
#: Positive cases follow the schema; negative ones break it on purpose (wrong types, missing fields),
#: sent to the real objects only (against a made-up id they are all 404s).
NEGATIVE_EXAMPLES = EXAMPLES_PER_OPERATION


def _real_ids(world: dict[str, Any], path: str) -> dict[str, Any]:
    """The world's objects by path: the identifiers a role could really name."""
    application = world["mine"]
    assignment = world["assignment"]
    found: dict[str, Any] = {"code": world["call"].code}
    if path.startswith("/api/v1/applications/"):
        found["id"] = application.pk
        member = application.team.first()
        partner = application.partners.first()
        attachment = application.attachments.first()
        revision = application.revisions.first()
        found |= {
            "member_pk": member.pk if member else 1,
            "partner_pk": partner.pk if partner else 1,
            "attachment_pk": attachment.pk if attachment else 1,
            "number": revision.number if revision else 1,
        }
    elif path.startswith("/api/v1/stages/"):
        found["id"] = world["stage"].pk
    elif path.startswith("/api/v1/reviews/"):
        found["id"] = assignment.pk
    elif path.startswith("/api/v1/invitations/"):
        member = application.team.first()
        found["id"] = member.pk if member else 1
    if "exports" in path:
        found |= {"kind": "applications", "file_format": "xlsx"}
    return found


def _run(
    operation: Any, headers: dict[str, str], path_parameters: dict[str, Any] | None, mode: Any, report: dict[str, Any]
) -> None:
    names = {p.name for p in operation.path_parameters}
    fixed = {k: v for k, v in (path_parameters or {}).items() if k in names} or None
    if path_parameters is not None and (fixed is None or set(fixed) != names):
        return
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)

    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION if mode == GenerationMode.POSITIVE else NEGATIVE_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def fuzz(case: Any) -> None:
        response = case.call(headers=headers)
        report["cases"] += 1
        if response.status_code >= 500:
            report["server_errors"].append(f"{case.method} {case.formatted_path} -> {response.status_code}")
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, FailureGroup) as exc:
            label = f"{case.method} {operation.path} [{headers.get('X-Role')}] -> {response.status_code}"
            report["nonconforming"].setdefault(label, str(exc)[:600])

    try:
        fuzz()
    except Unsatisfiable:
        report["unsatisfiable"].append(operation.label)


def test_api_fuzz_for_each_role_finds_no_server_error_and_conforms_to_the_schema(
    world: dict[str, Any], settings: Any, capsys: Any
) -> None:
    settings.SHENBAO_API_RATES = NO_RATE_LIMITS
    schema = load_schema()
    operations = [result.ok() for result in schema.get_all_operations()]
    report: dict[str, Any] = {
        "operations": len(operations),
        "cases": 0,
        "server_errors": [],
        "nonconforming": {},
        "unsatisfiable": [],
    }
    identities = {
        "anonymous": None,
        "applicant": world["users"]["applicant"],
        "reviewer": world["users"]["reviewer_assigned"],
        "staff": world["users"]["staff"],
    }
    for role in ROLES:
        user = identities[role]
        headers = {"Accept-Language": "en", "X-Role": role}
        if user is not None:
            headers["Authorization"] = f"Token {api_token_key(user, name='fuzz')}"
        for op in operations:
            _run(op, headers, None, GenerationMode.POSITIVE, report)
            _run(op, headers, _real_ids(world, op.path), GenerationMode.POSITIVE, report)
            _run(op, headers, _real_ids(world, op.path), GenerationMode.NEGATIVE, report)
    with capsys.disabled():
        print("\napi fuzz:", json.dumps({k: v if isinstance(v, int) else len(v) for k, v in report.items()}))
        for label, failure in {**dict.fromkeys(report["server_errors"], ""), **report["nonconforming"]}.items():
            print(label, failure, sep="\n")
    assert report["server_errors"] == []
    assert report["nonconforming"] == {}
