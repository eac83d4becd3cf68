"""Object storage (issue 18), printed as JSON and kept in bench/results/object_storage.json.

Against a local S3 endpoint (moto's server mode on a free port) and a throw-away SQLite database:
the revision PDF's first request (printed and stored) against later ones (found in the store, answered
with a signed URL), and downloading a 5 MB document through the permission-checked view by signed
redirect (the view's time, then the store's) against streaming it through the app server.

    python bench/object_storage.py [--runs 20] [--mb 5]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def timed(fn: Callable[[], Any], runs: int) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return {"median_ms": round(statistics.median(samples), 2), "min_ms": round(min(samples), 2), "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--mb", type=int, default=5)
    args = parser.parse_args()

    from tests.ops.s3 import run_s3_server

    servers = run_s3_server()
    endpoint = next(servers)
    bucket = endpoint.new_bucket()
    folder = tempfile.mkdtemp(prefix="shenbao-bench-storage-")
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "DJANGO_SETTINGS_MODULE": "shenbao.config.settings",
            "SHENBAO_TASKS_BACKEND": "immediate",
            "SHENBAO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            **endpoint.env(bucket),
        }
    )
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client, override_settings
    from django.urls import reverse
    from tests.applications.fixtures import submitted_seed_003_application

    from shenbao.applications.models import Attachment
    from shenbao.documents.services.pdf import latest_revision

    call_command("migrate", verbosity=0)
    application = submitted_seed_003_application(title="智慧水务关键技术联合研究")
    revision = latest_revision(application)
    assert revision is not None
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(application.applicant)
    pdf_url = reverse("web:revision_pdf", args=[application.pk, revision.number])
    results: dict[str, Any] = {"storage": "s3 (moto server mode, local)", "database": "sqlite", "runs": args.runs}

    first = timed(lambda: client.get(pdf_url), 1)
    results["revision_pdf_first_request"] = {**first, "note": "printed by WeasyPrint and stored"}
    results["revision_pdf_later_requests"] = {**timed(lambda: client.get(pdf_url), args.runs), "note": "HEAD + signed URL"}

    # A large document: stored once, then downloaded both ways.
    attachment = Attachment.objects.filter(application=application).first()
    assert attachment is not None
    data = os.urandom(args.mb * 1024 * 1024)
    attachment.file.save("large.pdf", io.BytesIO(data), save=True)
    url = reverse("web:application_attachment", args=[application.pk, attachment.pk])

    def redirect_view() -> str:
        response = client.get(url)
        assert response.status_code == 302
        return str(response["Location"])

    def redirect_and_fetch() -> None:
        with urllib.request.urlopen(redirect_view(), timeout=60) as answer:  # noqa: S310 (the local endpoint)
            assert len(answer.read()) == len(data)

    def stream() -> None:
        with override_settings(SHENBAO_DOWNLOADS="stream"):
            response = client.get(url)
            assert sum(len(chunk) for chunk in response.streaming_content) == len(data)  # type: ignore[attr-defined]

    results["download_mb"] = args.mb
    results["download_redirect_view_only"] = {**timed(redirect_view, args.runs), "note": "the app server's part"}
    results["download_redirect_then_store"] = timed(redirect_and_fetch, args.runs)
    results["download_streamed_through_app_server"] = timed(stream, args.runs)
    results["signed_url_seconds"] = settings.STORAGES["default"]["OPTIONS"]["querystring_expire"]
    print(json.dumps(results, indent=2, ensure_ascii=False))
    out = ROOT / "bench" / "results" / "object_storage.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    servers.close()


if __name__ == "__main__":
    main()
