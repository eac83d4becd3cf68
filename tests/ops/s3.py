"""A local S3 endpoint for the tests (issue 18): moto's server mode on a free port, spoken to over
real HTTP by django-storages, boto3 and the test's own HTTP client.  Not a mock of the client: the
same requests a MinIO or a cloud store would receive."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
ACCESS_KEY = "shenbao-test"
SECRET_KEY = "shenbao-test-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass(frozen=True)
class S3Endpoint:
    url: str

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
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield S3Endpoint(url=f"http://127.0.0.1:{port}")
    finally:
        server.stop()
