from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from shenbao.config.settings import _downloads, _storages
from tests.ops.s3 import S3Endpoint, run_s3_server


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[S3Endpoint]:
    """One moto S3 server for the session; every test takes a bucket of its own."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    yield from run_s3_server()


@pytest.fixture
def s3_bucket(s3_endpoint: S3Endpoint, settings: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """The site's files in a new bucket of the local S3 endpoint, downloads by signed redirect."""
    bucket = s3_endpoint.new_bucket()
    for key, value in s3_endpoint.env(bucket).items():
        monkeypatch.setenv(key, value)
    settings.SHENBAO_STORAGE = "s3"
    settings.STORAGES = _storages("s3")
    settings.SHENBAO_DOWNLOADS = _downloads("redirect", "s3")
    return bucket
