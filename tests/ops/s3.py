"""A local S3 endpoint for the tests (issue 18): moto's server mode on a free port, spoken to over
real HTTP by django-storages, boto3 and the test's own HTTP client.  Not a mock of the client: the
same requests a MinIO or a cloud store would receive.

Moto does not check signed URLs: its optional authentication (``INITIAL_NO_AUTH_ACTION_COUNT``)
reads the ``Authorization`` header only, which a signed URL has not, and without it any signature,
key or expiry is served.  So the endpoint puts :class:`SignedUrlCheck` in front of moto: a request
carrying a query-string signature is checked as S3 checks it (AWS Signature Version 4, recomputed
here from the specification with ``hmac``/``hashlib``, not with the SDK that signed it) and refused
with 403 when the signature does not match or the URL has expired; a request carrying neither a
version-4 query signature nor an ``Authorization`` header (an unsigned URL, or one signed the old
version-2 way) is refused as by a private bucket.  Header-signed SDK
requests (django-storages' uploads, the tests' boto3 client) are passed to moto unchecked."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import socket
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

import boto3
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

REGION = "us-east-1"
ACCESS_KEY = "shenbao-test"
SECRET_KEY = "shenbao-test-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


AMZ_DATE = "%Y%m%dT%H%M%SZ"
WEEK_SECONDS = 7 * 24 * 3600


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


class SignedUrlCheck:
    """WSGI middleware: what S3 does with a signed URL before serving it (SigV4 query-string auth,
    https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html).  ``offset`` moves
    the endpoint's clock forward, so a test sees a URL expire without waiting."""

    def __init__(self, app: Callable[..., Iterable[bytes]], secrets: dict[str, str]) -> None:
        self.app = app
        self.secrets = secrets
        self.offset = datetime.timedelta(0)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ["PATH_INFO"]
        path, _, query = raw.partition("?")
        pairs = parse_qsl(query, keep_blank_values=True)
        params = dict(pairs)
        refusal: tuple[str, str] | None = None
        if "X-Amz-Signature" in params or "X-Amz-Algorithm" in params:
            refusal = self.refusal(environ, path, pairs, params)
        elif "HTTP_AUTHORIZATION" not in environ and not path.startswith("/moto-api"):
            refusal = ("AccessDenied", "Access Denied")
        if refusal is None:
            return self.app(environ, start_response)
        code, message = refusal
        body = f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
        start_response("403 Forbidden", [("Content-Type", "application/xml")])
        return [body.encode()]

    def refusal(
        self, environ: dict[str, Any], path: str, pairs: list[tuple[str, str]], params: dict[str, str]
    ) -> tuple[str, str] | None:
        needed = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders")
        if params.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" or any(name not in params for name in needed):
            return ("AuthorizationQueryParametersError", "Query-string authentication version 4 requires all parameters")
        access_key, _, scope = params["X-Amz-Credential"].partition("/")
        if access_key not in self.secrets:
            return ("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
        try:
            signed_at = datetime.datetime.strptime(params["X-Amz-Date"], AMZ_DATE).replace(tzinfo=datetime.UTC)
            expires = int(params["X-Amz-Expires"])
        except ValueError:
            return ("AuthorizationQueryParametersError", "X-Amz-Date or X-Amz-Expires is malformed")
        if not 0 < expires <= WEEK_SECONDS:
            return ("AuthorizationQueryParametersError", "X-Amz-Expires must be between 1 and 604800 seconds")
        scope_parts = scope.split("/")
        if len(scope_parts) != 4 or scope_parts[0] != params["X-Amz-Date"][:8] or scope_parts[2:] != ["s3", "aws4_request"]:
            return ("AuthorizationQueryParametersError", "Credential scope does not match the request")
        signed_headers = params["X-Amz-SignedHeaders"].split(";")
        headers = []
        for name in signed_headers:
            value = environ.get("HTTP_" + name.upper().replace("-", "_"))
            if value is None:
                return ("SignatureDoesNotMatch", f"Signed header {name} is missing")
            headers.append(f"{name}:{' '.join(value.split())}\n")
        canonical_query = "&".join(
            f"{quote(name, safe='-_.~')}={quote(value, safe='-_.~')}"
            for name, value in sorted(pairs)
            if name != "X-Amz-Signature"
        )
        canonical_request = "\n".join(
            [
                environ["REQUEST_METHOD"],
                quote(unquote(path), safe="/~"),
                canonical_query,
                "".join(headers),
                params["X-Amz-SignedHeaders"],
                "UNSIGNED-PAYLOAD",
            ]
        )
        string_to_sign = "\n".join(
            [
                "AWS4-HMAC-SHA256",
                params["X-Amz-Date"],
                scope,
                hashlib.sha256(canonical_request.encode("utf-8")).hexdigest(),
            ]
        )
        key = ("AWS4" + self.secrets[access_key]).encode("utf-8")
        for part in scope_parts:
            key = _hmac(key, part)
        expected = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, params.get("X-Amz-Signature", "")):
            return ("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
        now = datetime.datetime.now(datetime.UTC) + self.offset
        if now > signed_at + datetime.timedelta(seconds=expires):
            return ("AccessDenied", "Request has expired")
        return None


@dataclass(frozen=True)
class S3Endpoint:
    url: str
    check: SignedUrlCheck | None = field(default=None, compare=False)

    @contextmanager
    def later(self, seconds: float) -> Iterator[None]:
        """The endpoint's clock ``seconds`` ahead while the block runs."""
        assert self.check is not None
        self.check.offset = datetime.timedelta(seconds=seconds)
        try:
            yield
        finally:
            self.check.offset = datetime.timedelta(0)

    def client(self) -> Any:
        return boto3.client(
            "s3", endpoint_url=self.url, region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
        )

    def new_bucket(self) -> str:
        name = f"shenbao-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, bucket: str, key: str) -> bytes:
        body: bytes = self.client().get_object(Bucket=bucket, Key=key)["Body"].read()
        return body

    def env(self, bucket: str, downloads: str = "redirect") -> dict[str, str]:
        """The settings of an app server that stores its files in ``bucket``."""
        return {
            "SHENBAO_STORAGE": "s3",
            "SHENBAO_S3_ENDPOINT_URL": self.url,
            "SHENBAO_S3_BUCKET": bucket,
            "SHENBAO_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "SHENBAO_S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "SHENBAO_S3_REGION": REGION,
            "SHENBAO_S3_ADDRESSING_STYLE": "path",
            "SHENBAO_S3_URL_SECONDS": "120",
            "SHENBAO_DOWNLOADS": downloads,
        }


def run_s3_server() -> Iterator[S3Endpoint]:
    """Moto's S3 behind :class:`SignedUrlCheck`, served in a thread on a free port."""
    port = free_port()
    check = SignedUrlCheck(DomainDispatcherApplication(create_backend_app), {ACCESS_KEY: SECRET_KEY})
    server = make_server("127.0.0.1", port, check, threaded=True, request_handler=MotoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield S3Endpoint(url=f"http://127.0.0.1:{port}", check=check)
    finally:
        server.shutdown()
        thread.join()
