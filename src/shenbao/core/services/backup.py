"""Back up an installation into one archive and restore it into an empty one (issue 18).

The archive is an uncompressed tar (the stored files are mostly PDFs and office files, compressed
already; PostgreSQL's custom dump is compressed by pg_dump) holding:

- ``database/postgresql.dump``: ``pg_dump --format=custom`` where the database is PostgreSQL, or
  ``database/sqlite3.db``: a consistent copy made with SQLite's online backup API;
- ``files/<name>``: every file in the default storage, read through Django's storage API, so the
  same code backs up the local disk or an S3 bucket;
- ``manifest.json`` (last): the format, versions, creation time, the rows per model, the applied
  migrations, and the size and SHA-256 of the database dump and of every file.

The database is dumped first, the files second: a file uploaded in between is kept without a row
pointing to it, which is harmless; submitted revisions' files are never deleted, so no row points to
a file the archive lacks.  Restoring checks every hash before it changes anything, refuses an
installation that already holds data (unless forced), restores the database with the engine's own
tool, writes the files back through the storage API and counts the rows again.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import django
from django.apps import apps
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from shenbao.core.errors import DomainError

FORMAT = "shenbao-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES = "files/"
DUMPS = {"postgresql": "database/postgresql.dump", "sqlite": "database/sqlite3.db"}
CHUNK = 1 << 20
# Rows Django makes by itself on a migrated, empty database: they do not make it "not empty".
FRAMEWORK_TABLES = {"contenttypes.ContentType", "auth.Permission", "sites.Site", "django_tasks_database.DBTaskResult"}


class BackupError(DomainError):
    code = "backup_error"


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    files: int
    counts: dict[str, int] = field(default_factory=dict)


# --- what an installation holds ------------------------------------------------------------------


def model_counts() -> dict[str, int]:
    """Rows per concrete model of every installed app, keyed ``app_label.Model``."""
    counts = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        counts[model._meta.label] = model._default_manager.using(connection.alias).count()
    return dict(sorted(counts.items()))


def stored_files(storage: Storage | None = None) -> list[str]:
    """Every file name in the storage, walked through the storage API (local disk or a bucket)."""
    storage = storage or default_storage
    names: list[str] = []
    pending = [""]
    while pending:
        folder = pending.pop()
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:  # the local media folder before the first upload
            continue
        names.extend(f"{folder}/{name}" if folder else name for name in files)
        pending.extend(f"{folder}/{name}" if folder else name for name in folders)
    return sorted(names)


def installation_contents() -> tuple[dict[str, int], int]:
    """(rows per model that people made, number of stored files): both empty in an empty installation."""
    rows = {label: n for label, n in model_counts().items() if n and label not in FRAMEWORK_TABLES}
    return rows, len(stored_files())


def _migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _vendor() -> str:
    if connection.vendor not in DUMPS:
        raise BackupError(_("Backups support PostgreSQL and SQLite, not %(vendor)s."), params={"vendor": connection.vendor})
    return connection.vendor


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        shenbao = version("shenbao")
    except PackageNotFoundError:  # run from a source tree
        shenbao = "unknown"
    versions = {"shenbao": shenbao, "django": django.get_version(), "python": platform.python_version()}
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        versions["postgresql"] = str(connection.pg_version)  # type: ignore[attr-defined]
        versions["pg_dump"] = _run([_tool("pg_dump"), "--version"]).strip()
    else:
        versions["sqlite"] = sqlite3.sqlite_version
    return versions


# --- the engines' own tools ------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(_("%(tool)s is not installed; it is needed for a PostgreSQL database."), params={"tool": name})
    return found


def _pg_arguments() -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump / pg_restore, from Django's settings."""
    settings = connection.settings_dict
    args = ["--dbname", str(settings["NAME"])]
    if settings.get("HOST"):
        args += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", str(settings["USER"])]
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603 - fixed tools
    if done.returncode != 0:
        raise BackupError(
            _("%(tool)s failed: %(error)s"), params={"tool": Path(command[0]).name, "error": done.stderr.strip()[-2000:]}
        )
    return done.stdout


def _dump_database(target: Path) -> None:
    if _vendor() == "postgresql":
        args, env = _pg_arguments()
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args], env)
        return
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # The online backup API copies a consistent snapshot while other connections keep working.
        connection.connection.backup(copy)
    finally:
        copy.close()


def _restore_database(source: Path) -> None:
    if _vendor() == "postgresql":
        args, env = _pg_arguments()
        connections.close_all()
        # --clean drops what the dump holds first, so a migrated (but empty) database takes it too.
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                *args,
                str(source),
            ],
            env,
        )
        return
    connection.ensure_connection()
    snapshot = sqlite3.connect(source)
    try:
        snapshot.backup(connection.connection)  # page by page into the live database
    finally:
        snapshot.close()


# --- writing and reading the archive -------------------------------------------------------------


class _Hashing:
    """Reads a file through while hashing it, so each stored file is read once."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_backup(out: Path, *, storage: Storage | None = None) -> BackupResult:
    """Write the database and every stored file into the archive ``out`` (replaced if it exists)."""
    storage = storage or default_storage
    vendor = _vendor()
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "versions": _versions(),
        "database": {"vendor": vendor, "member": DUMPS[vendor]},
        "migrations": _migrations(),
        "counts": model_counts(),
        "files": [],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="shenbao-backup-") as work:
        dump = Path(work) / "database"
        _dump_database(dump)
        manifest["database"].update(size=dump.stat().st_size, sha256=_sha256_file(dump))
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
            archive.add(dump, arcname=DUMPS[vendor])
            for name in stored_files(storage):
                info = tarfile.TarInfo(FILES + name)
                info.size = storage.size(name)
                info.mtime = int(timezone.now().timestamp())
                with storage.open(name, "rb") as handle:
                    reader = _Hashing(handle)
                    archive.addfile(info, reader)  # type: ignore[arg-type,unused-ignore]  # tarfile only calls read()
                if reader.size != info.size:
                    raise BackupError(_("The stored file %(name)s changed while it was read."), params={"name": name})
                manifest["files"].append({"name": name, "size": reader.size, "sha256": reader.digest.hexdigest()})
            _add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode())
    partial.replace(out)  # a half-written archive never carries the final name
    return BackupResult(out, manifest)


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member is not None else None
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("This file is not a Shenbao backup (it has no manifest)."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("This backup has format version %(found)s; this installation reads version %(expected)s."),
            params={"found": manifest.get("format_version"), "expected": FORMAT_VERSION},
        )
    return manifest


def _members(archive: tarfile.TarFile, manifest: dict[str, Any]) -> Iterator[tuple[dict[str, Any], tarfile.TarInfo]]:
    for entry in manifest["files"]:
        try:
            yield entry, archive.getmember(FILES + entry["name"])
        except KeyError:
            raise BackupError(
                _("The backup lacks the file %(name)s its manifest lists."), params={"name": entry["name"]}
            ) from None


def _hash_member(archive: tarfile.TarFile, member: tarfile.TarInfo) -> str:
    handle = archive.extractfile(member)
    if handle is None:
        raise BackupError(_("The backup's entry %(name)s is not a file."), params={"name": member.name})
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def verify_backup(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Every hash in the manifest against the archive's bytes; raises on the first mismatch."""
    database = manifest["database"]
    try:
        dump = archive.getmember(database["member"])
    except KeyError:
        raise BackupError(_("The backup lacks its database dump.")) from None
    if _hash_member(archive, dump) != database["sha256"]:
        raise BackupError(_("The backup's database dump is damaged: its SHA-256 does not match the manifest."))
    for entry, member in _members(archive, manifest):
        if _hash_member(archive, member) != entry["sha256"]:
            raise BackupError(
                _("The backup's file %(name)s is damaged: its SHA-256 does not match the manifest."),
                params={"name": entry["name"]},
            )


def _check_migrations(manifest: dict[str, Any]) -> None:
    """A backup made by a newer Shenbao holds tables this code does not know: refuse it."""
    from django.db.migrations.loader import MigrationLoader

    known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    unknown = sorted(
        f"{app}.{name}" for app, names in manifest["migrations"].items() for name in names if f"{app}.{name}" not in known
    )
    if unknown:
        raise BackupError(
            _("The backup was made by a newer version: migrations %(names)s are unknown here. Install that version first."),
            params={"names": ", ".join(unknown[:5])},
        )


def restore_backup(path: Path, *, force: bool = False, storage: Storage | None = None) -> RestoreResult:
    """Restore the archive ``path`` into this installation, which must be empty unless ``force``."""
    storage = storage or default_storage
    try:
        archive = tarfile.open(path, "r:")  # noqa: SIM115 - closed by the with block below
    except (OSError, tarfile.TarError):
        raise BackupError(_("%(path)s is not a readable backup archive."), params={"path": path}) from None
    with archive:
        manifest = read_manifest(archive)
        vendor = _vendor()
        if manifest["database"]["vendor"] != vendor:
            raise BackupError(
                _("This backup holds a %(archive)s database; this installation uses %(here)s."),
                params={"archive": manifest["database"]["vendor"], "here": vendor},
            )
        _check_migrations(manifest)
        rows, files = installation_contents()
        if (rows or files) and not force:
            raise BackupError(
                _(
                    "This installation is not empty (%(rows)s rows in %(tables)s tables, %(files)s stored files). "
                    "Restore into an empty installation, or pass --force to replace what it holds."
                ),
                params={"rows": sum(rows.values()), "tables": len(rows), "files": files},
            )
        verify_backup(archive, manifest)  # nothing has changed yet: a damaged archive stops here
        with tempfile.TemporaryDirectory(prefix="shenbao-restore-") as work:
            dump = Path(work) / "database"
            source = archive.extractfile(manifest["database"]["member"])
            assert source is not None  # verified above
            with dump.open("wb") as target:
                shutil.copyfileobj(source, target, CHUNK)
            _restore_database(dump)
        restored = 0
        for entry, member in _members(archive, manifest):
            name = entry["name"]
            if storage.exists(name):
                storage.delete(name)  # only with --force: an empty installation has no files
            handle = archive.extractfile(member)
            assert handle is not None
            saved = storage.save(name, File(handle, name=name))
            if saved != name:
                raise BackupError(_("The storage saved %(name)s as %(saved)s."), params={"name": name, "saved": saved})
            with storage.open(name, "rb") as written:
                reader = _Hashing(written)
                while reader.read(CHUNK):
                    pass
            if reader.digest.hexdigest() != entry["sha256"]:
                raise BackupError(_("The restored file %(name)s does not match its SHA-256."), params={"name": name})
            restored += 1
    counts = model_counts()
    differing = sorted(
        label for label, n in manifest["counts"].items() if label not in FRAMEWORK_TABLES and counts.get(label, 0) != n
    )
    if differing:
        raise BackupError(
            _("After the restore these tables do not hold the rows the manifest counts: %(tables)s."),
            params={"tables": ", ".join(differing[:10])},
        )
    return RestoreResult(manifest, restored, counts)
