"""The product's WSGI application with every view imported up front, so that ``gunicorn
--preload`` forks workers that are ready (no first-request imports inside the timing), and the two
floors of the deadline-rush benchmark beside it.

Both floors are bare WSGI views answered before Django's handler: no product middleware, URL
resolution, authentication, DRF or views; they use the same PostgreSQL through Django's connection
under the same connection policy (``CONN_MAX_AGE``, ``close_old_connections`` at the start and end
of a request, as Django's handler does).

``floor_one_row`` (``/bench/floor/``)
    Writes ONE audit row through the ORM and answers its id as JSON.  The barest write: a lower
    bound on a request's cost, but not a submission's I/O (a submission is about a dozen statements).

``floor_same_io`` (``/bench/floor-same-io/``)
    Replays, statement for statement, what one real submission sent to PostgreSQL (captured once by
    ``capture_submission`` from the product's own path, both clicks of the double click): the same
    SQL text, the same reads, the same row writes with the same payloads (the revision's content, the
    rule results, the audit entry, the receipt mail, its notification and task), the first two
    statements (the token and its last use) outside and the rest inside one transaction, as the
    product does.  Only the keys change, to the floor's own ready application, applicant and token
    (so each replay locks and writes fresh rows, like an applicant), plus a fresh task UUID and the
    receipt mail's new id.  Request 1 (``{"click": 1}``) is the submission, request 2 the double
    click (token read, then the application locked under a transaction).  Python work is only the
    substitution and Django's cursor: what is left of a submission when the product does nothing
    but its I/O.
"""

from __future__ import annotations

import json
import os
import pickle
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import close_old_connections, connection, transaction
from django.urls import get_resolver

from shenbao.config.wsgi import application as product  # sets Django up: models import after it

get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module
FLOOR_PATH = "/bench/floor/"
FLOOR_SAME_IO_PATH = "/bench/floor-same-io/"
#: Where ``capture_submission``'s plan is (a pickle), for the server's workers.
PLAN_ENV = "SHENBAO_BENCH_FLOOR_PLAN"
#: The captured submission's keys: sequences are moved so that its ids are unmistakable in the
#: parameters (the rush's rows share small ids: an application, its applicant and token are often
#: all 171).
CAPTURE_IDS = {"user": 500001, "application": 600001, "token": 700001, "message": 800001}


def _json_response(start_response: Callable[..., Any], data: dict[str, Any]) -> Iterable[bytes]:
    body = json.dumps(data).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def floor(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """``floor_one_row``: one audit row through the ORM."""
    from django.contrib.contenttypes.models import ContentType

    from shenbao.core.models import AuditEntry

    close_old_connections()  # what Django does when a request starts and ends
    try:
        entry = AuditEntry.objects.create(
            action="shenbao.bench.floor",
            content_type=ContentType.objects.get_for_model(AuditEntry),
            object_id="0",
            object_repr="bench",
        )
        data = {"id": entry.pk}
    finally:
        close_old_connections()
    return _json_response(start_response, data)


@dataclass(frozen=True)
class Statement:
    atomic: bool  # inside the submission's transaction
    sql: str
    params: Any
    returns_message: bool  # the receipt mail's INSERT: its new id goes into the later statements


def capture_submission(app: Callable[..., Any], call: Callable[..., int], pk: int, token: str) -> dict[str, Any]:
    """What one submission (``pk``, whose ids are ``CAPTURE_IDS``) and its double click send to the
    database through the product, ``call(app, path, token, body) -> status`` making the request."""
    from shenbao.accounts.models.api_token import token_digest
    from shenbao.notifications.models import Message

    clicks: list[list[Statement]] = [[], []]
    current: list[Statement] = []
    message_table = f'INSERT INTO "{Message._meta.db_table}"'

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        assert not many
        current.append(Statement(connection.in_atomic_block, sql, params, sql.startswith(message_table)))
        return execute(sql, params, many, context)

    body = json.dumps({"key": f"k{pk}"}).encode()
    for n, expected in enumerate((201, 200)):
        current.clear()
        with connection.execute_wrapper(record):
            status = call(app, f"/api/v1/applications/{pk}/submit/", token, body)
        assert status == expected, status
        clicks[n] = list(current)
    return {"ids": CAPTURE_IDS, "digest": token_digest(token), "key": f"k{pk}", "clicks": clicks}


def write_plan(plan: dict[str, Any], path: str) -> None:
    with open(path, "wb") as out:
        pickle.dump(plan, out)


@cache
def _plan() -> dict[str, Any]:
    with open(os.environ[PLAN_ENV], "rb") as source:
        plan: dict[str, Any] = pickle.load(source)  # noqa: S301 - the benchmark's own file
    return plan


def _substitute(value: Any, ints: dict[int, int], exact: dict[str, str], parts: list[tuple[str, str]]) -> Any:
    """``value`` with the captured submission's keys replaced by the target's (types kept)."""
    from psycopg.types.json import Json, Jsonb

    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return type(value)(ints[value]) if value in ints else value
    if isinstance(value, str):
        if value in exact:
            return exact[value]
        new = value
        for old, replacement in parts:
            if old in new:
                new = new.replace(old, replacement)
        return value if new == value else new
    if isinstance(value, uuid.UUID):
        return uuid.uuid4()
    if isinstance(value, Json | Jsonb):
        return type(value)(_substitute(value.obj, ints, exact, parts), value.dumps)
    if isinstance(value, list | tuple):
        return type(value)(_substitute(v, ints, exact, parts) for v in value)
    if isinstance(value, dict):
        return {k: _substitute(v, ints, exact, parts) for k, v in value.items()}
    return value


def replay(plan: dict[str, Any], click: int, *, application: int, user: int, token: int, digest: str) -> int:
    """Send the captured click's statements for the target's keys; the number of statements sent."""
    ids = plan["ids"]
    captured_app = ids["application"]
    ints = {ids["application"]: application, ids["user"]: user, ids["token"]: token}
    exact = {str(captured_app): str(application), plan["digest"]: digest, plan["key"]: f"k{application}"}
    parts = [(f"-{captured_app:06d}", f"-{application:06d}"), (f"/{captured_app}/", f"/{application}/")]
    statements: list[Statement] = plan["clicks"][click - 1]

    def send(statement: Statement) -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, _substitute(statement.params, ints, exact, parts))
            rows = cursor.fetchall() if cursor.description else []
        if statement.returns_message:
            ints[ids["message"]] = rows[0][0]

    outside = [s for s in statements if not s.atomic]
    inside = [s for s in statements if s.atomic]
    assert statements == outside + inside, "the product's transaction is one block after the token"
    for statement in outside:
        send(statement)
    with transaction.atomic():
        for statement in inside:
            send(statement)
    return len(statements)


def floor_same_io(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """``floor_same_io``: a submission's statements (or its double click's), replayed for the
    target named in the body, authenticated by the same header's token (its digest)."""
    from shenbao.accounts.models.api_token import token_digest

    length = int(environ.get("CONTENT_LENGTH") or 0)
    target = json.loads(environ["wsgi.input"].read(length))
    digest = token_digest(environ["HTTP_AUTHORIZATION"].split(None, 1)[1])
    close_old_connections()
    try:
        sent = replay(
            _plan(),
            int(target["click"]),
            application=int(target["application"]),
            user=int(target["user"]),
            token=int(target["token"]),
            digest=digest,
        )
    finally:
        close_old_connections()
    return _json_response(start_response, {"statements": sent})


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ.get("PATH_INFO")
    if path == FLOOR_PATH:
        return floor(environ, start_response)
    if path == FLOOR_SAME_IO_PATH:
        return floor_same_io(environ, start_response)
    return product(environ, start_response)


__all__ = ["application"]
