"""The OpenAPI schema as the API really answers: every refusal in the one error shape of
``api.errors`` (``code``, ``detail``, and ``fields`` for invalid input), documented on every
operation that can give it."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every refusal: a stable code and a sentence in the reader's language.",
    "properties": {
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": True, "description": "invalid input, field by field"},
    },
    "required": ["code", "detail"],
}

_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_DESCRIPTIONS = {
    "400": "invalid input or refused by a rule of the domain",
    "401": "no credentials where they are needed, or an unknown, expired or revoked token",
    "403": "not allowed",
    "404": "no such object, or not one the user may see",
    "405": "method not allowed",
    "406": "not acceptable",
    "409": "changed by someone else meanwhile",
    "413": "request body too large",
    "415": "unsupported media type",
    "429": "too many requests",
}
_ALWAYS = ("401", "403", "404", "406", "429")
_WITH_BODY = ("400", "413", "415")


def _error(code: str, existing: dict[str, Any] | None) -> dict[str, Any]:
    description = (existing or {}).get("description") or _DESCRIPTIONS.get(code, "refused")
    return {"description": description, "content": {"application/json": {"schema": _ERROR_REF}}}


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: one ``Error`` component for every 4xx of every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            has_input = "requestBody" in operation or any(p.get("in") == "query" for p in operation.get("parameters", []))
            wanted = (
                set(_ALWAYS)
                | (set(_WITH_BODY) if method in {"post", "put", "patch"} else set())
                | ({"400"} if has_input else set())
            )
            for code in sorted(wanted | {c for c in responses if c.startswith("4")}):
                responses[code] = _error(code, responses.get(code))
    return result
