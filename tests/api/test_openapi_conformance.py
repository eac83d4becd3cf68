"""The OpenAPI schema matches the API: real requests to the main endpoints, each answer validated
against the schema (status code, content type, body), including refusals and file downloads."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import api_token_key
from tests.openapi_support import CHECKS, NO_RATE_LIMITS, load_schema
from tests.web.test_review_permissions import world  # noqa: F401

pytestmark = pytest.mark.django_db


def _check(schema: Any, method: str, path: str, user: Any, expected: int, token: str | None = None, **parts: Any) -> Any:
    operation = schema[path][method.upper()]
    headers = {"Accept-Language": "en"}
    if token or user is not None:
        headers["Authorization"] = f"Token {token or api_token_key(user)}"
    case = schema.make_case(operation=operation, headers=headers, **parts)
    response = case.call()
    assert response.status_code == expected, (path, response.status_code, response.text[:300])
    case.validate_response(response, checks=CHECKS)
    return response


def test_openapi_schema_describes_the_real_answers_of_the_main_endpoints(world: dict[str, Any], settings: Any) -> None:  # noqa: F811
    settings.SHENBAO_API_RATES = NO_RATE_LIMITS
    schema = load_schema()
    users = world["users"]
    applicant, reviewer, staff = users["applicant"], users["reviewer_assigned"], users["staff"]
    application, stage, assignment = world["mine"], world["stage"], world["assignment"]
    app_id = {"id": application.pk}
    _check(schema, "get", "/api/v1/calls/", None, 200)
    _check(schema, "get", "/api/v1/calls/{code}/", None, 200, path_parameters={"code": world["call"].code})
    _check(schema, "get", "/api/v1/applications/", applicant, 200)
    _check(schema, "get", "/api/v1/applications/{id}/", applicant, 200, path_parameters=app_id)
    _check(schema, "get", "/api/v1/applications/{id}/checks/", applicant, 200, path_parameters=app_id)
    _check(schema, "get", "/api/v1/applications/{id}/team/", applicant, 200, path_parameters=app_id)
    _check(schema, "get", "/api/v1/applications/{id}/partners/", applicant, 200, path_parameters=app_id)
    _check(schema, "get", "/api/v1/applications/{id}/attachments/", applicant, 200, path_parameters=app_id)
    _check(schema, "get", "/api/v1/applications/{id}/form.docx", applicant, 200, path_parameters=app_id)
    attachment = application.attachments.exclude(file="").first()
    if attachment is not None:
        download = _check(
            schema,
            "get",
            "/api/v1/applications/{id}/attachments/{attachment_pk}/",
            applicant,
            200,
            path_parameters={"id": application.pk, "attachment_pk": attachment.pk},
        )
        assert download.headers["Content-Type"] == ["application/pdf"]
    revision = application.revisions.first()
    if revision is not None:
        _check(
            schema,
            "get",
            "/api/v1/applications/{id}/revisions/{number}.pdf",
            applicant,
            200,
            path_parameters={"id": application.pk, "number": revision.number},
        )
    for file_format in ("xlsx", "csv"):
        _check(
            schema,
            "get",
            "/api/v1/calls/{code}/exports/{kind}.{file_format}",
            staff,
            200,
            path_parameters={"code": world["call"].code, "kind": "applications", "file_format": file_format},
        )
    _check(schema, "get", "/api/v1/stages/", staff, 200)
    _check(schema, "get", "/api/v1/stages/{id}/assignments/", staff, 200, path_parameters={"id": stage.pk})
    _check(schema, "get", "/api/v1/stages/{id}/ranking/", staff, 200, path_parameters={"id": stage.pk})
    _check(schema, "get", "/api/v1/reviews/", reviewer, 200)
    _check(schema, "get", "/api/v1/reviews/{id}/", reviewer, 200, path_parameters={"id": assignment.pk})
    _check(schema, "get", "/api/v1/invitations/", applicant, 200)


def test_openapi_schema_describes_the_refusals(world: dict[str, Any], settings: Any) -> None:  # noqa: F811
    settings.SHENBAO_API_RATES = NO_RATE_LIMITS
    schema = load_schema()
    users = world["users"]
    application, stage = world["mine"], world["stage"]
    unauthenticated = _check(schema, "get", "/api/v1/applications/", None, 401)
    assert unauthenticated.json()["code"] == "not_authenticated"
    bad_token = _check(schema, "get", "/api/v1/calls/", None, 401, token="sb_unknown")
    assert bad_token.json() == {"code": "token_invalid", "detail": "Invalid token."}
    _check(schema, "get", "/api/v1/applications/{id}/", users["other_applicant"], 404, path_parameters={"id": application.pk})
    _check(schema, "get", "/api/v1/calls/", None, 404, query={"page": 99})
    _check(
        schema,
        "post",
        "/api/v1/stages/{id}/assign/",
        users["chair"],
        403,
        path_parameters={"id": stage.pk},
        body={},
        media_type="application/json",
    )
    invalid = _check(schema, "post", "/api/v1/applications/", users["applicant"], 400, body={}, media_type="application/json")
    assert set(invalid.json()) == {"code", "detail", "fields"}


def test_openapi_schema_documents_edit_conflicts_and_the_error_shape(db: None) -> None:
    raw = load_schema().raw_schema
    for path in ("/api/v1/applications/{id}/", "/api/v1/reviews/{id}/"):
        conflict = raw["paths"][path]["patch"]["responses"]["409"]
        assert conflict["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert raw["components"]["schemas"]["Error"]["required"] == ["code", "detail"]
    for item in raw["paths"].values():
        for method, operation in item.items():
            if method in {"get", "post", "patch", "delete"}:
                assert {"401", "403", "404"} <= set(operation["responses"]), (method, operation["operationId"])
