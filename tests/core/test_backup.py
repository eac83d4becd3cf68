"""Backup and restore (issue 18): the demo goes into one archive and comes back, byte for byte.

Runs on the configured database: SQLite by default, PostgreSQL when DATABASE_URL says so (then on
pytest's own test database, named after DATABASE_URL's: give it a name of its own, e.g.
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/shenbao_backup``).  The tests commit (the dump is
read by pg_dump over its own connection), so they are transactional tests."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from shenbao.applications.models import Application, ApplicationRevision, Attachment
from shenbao.awards.models import Award, SelectionRun
from shenbao.core.models import AuditEntry
from shenbao.core.services.backup import MANIFEST, installation_contents, stored_files
from shenbao.reviews.models import Assignment, Review

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def snapshot() -> dict[str, Any]:
    """What must come back: the rows of the applications, revisions, attachments, reviews, awards and
    the audit log, and every stored file's bytes."""
    rows = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Application, ApplicationRevision, Attachment, Assignment, Review, Award, SelectionRun, AuditEntry)
    }
    files = {}
    for name in stored_files():
        with default_storage.open(name, "rb") as handle:
            files[name] = handle.read()
    return {"rows": rows, "files": files}


def wipe() -> None:
    """An empty installation: a migrated database without data, and no stored file."""
    call_command("flush", interactive=False, verbosity=0)
    for name in stored_files():
        default_storage.delete(name)
    assert installation_contents() == ({}, 0)


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_backup_and_restore_round_trip_the_demo_with_an_award(tmp_path: Path) -> None:
    run("load_demo")
    checked = Application.objects.filter(state="check_passed").select_related("call").first()
    assert checked is not None
    run_ = SelectionRun.objects.create(call=checked.call)
    Award.objects.create(call=checked.call, application=checked, run=run_, direction=checked.direction, amount_yuan=200_000)
    before = snapshot()
    assert before["files"], "the demo stores attachments"
    assert all(len(before["rows"][m]) for m in ("Application", "ApplicationRevision", "Review", "Award", "AuditEntry"))

    archive = tmp_path / "backup.tar"
    out = run("backup", str(archive))
    assert str(archive) in out and f"{len(before['files'])}" in out
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile(MANIFEST).read())  # type: ignore[union-attr]
        names = tar.getnames()
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["counts"]["applications.Application"] == len(before["rows"]["Application"])
    assert manifest["counts"]["core.AuditEntry"] == len(before["rows"]["AuditEntry"])
    assert manifest["versions"]["django"] and manifest["created_at"]
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == {
        name: hashlib.sha256(data).hexdigest() for name, data in before["files"].items()
    }
    assert manifest["database"]["member"] in names and names[-1] == MANIFEST

    # The installation still holds its data: the restore refuses and changes nothing.
    with pytest.raises(CommandError, match="--force"):
        run("restore", str(archive))
    assert snapshot() == before

    wipe()
    out = run("restore", str(archive))
    assert f"{len(before['files'])}" in out
    assert snapshot() == before


def test_restore_with_force_replaces_an_installation_that_is_not_empty(tmp_path: Path) -> None:
    from shenbao.accounts.services.accounts import register_user

    register_user(email="kept@example.com", password=None, name="备份前")
    default_storage.save("attachments/kept.txt", ContentFile(b"kept"))
    archive = tmp_path / "small.tar"
    run("backup", str(archive))
    register_user(email="later@example.com", password=None, name="备份后")
    default_storage.delete("attachments/kept.txt")
    default_storage.save("attachments/later.txt", ContentFile(b"later"))

    run("restore", str(archive), "--force")

    from shenbao.accounts.models import User

    assert list(User.objects.values_list("email", flat=True)) == ["kept@example.com"]
    with default_storage.open("attachments/kept.txt") as handle:
        assert handle.read() == b"kept"
    # Files made after the backup stay (the archive says nothing about them); rows do not.
    assert "attachments/later.txt" in stored_files()


def damaged_copy(archive: Path, target: Path, name: str) -> None:
    """The archive with one byte of the member ``name`` changed."""
    with tarfile.open(archive) as source, tarfile.open(target, "w") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == name:
                data = bytes([data[0] ^ 1]) + data[1:]
            out.addfile(member, io.BytesIO(data))


def test_restore_refuses_a_damaged_archive_before_changing_anything(tmp_path: Path) -> None:
    default_storage.save("attachments/evidence.pdf", ContentFile(b"%PDF-1.7 evidence"))
    archive = tmp_path / "good.tar"
    run("backup", str(archive))
    wipe()
    damaged = tmp_path / "damaged.tar"
    damaged_copy(archive, damaged, "files/attachments/evidence.pdf")
    with pytest.raises(CommandError, match=r"attachments/evidence\.pdf"):
        run("restore", str(damaged))
    assert installation_contents() == ({}, 0)  # nothing restored, not even the database
    run("restore", str(archive))
    assert stored_files() == ["attachments/evidence.pdf"]


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    not_tar = tmp_path / "notes.txt"
    not_tar.write_text("hello", encoding="utf-8")
    with pytest.raises(CommandError, match=r"notes\.txt"):
        run("restore", str(not_tar))
    other = tmp_path / "other.tar"
    with tarfile.open(other, "w") as tar:
        tar.addfile(tarfile.TarInfo("readme"), io.BytesIO(b""))
    with pytest.raises(CommandError, match="没有清单"):  # "it has no manifest" (the tests run in Chinese)
        run("restore", str(other))
