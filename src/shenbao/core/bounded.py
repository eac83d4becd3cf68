"""Bounded reading of uploaded office files (pure: no Django).

A zip-bomb ratio is not enough: a 3.2 MB .docx whose document.xml unpacks to 53 MB of tiny
paragraphs (ratio 16) kept a worker busy for 156 s of CPU and 870 MB it never gave back.  So the
work itself is bounded, twice:

1. ``check_docx`` / ``check_xlsx`` look inside the package before any library opens it: the
   unpacked size of each XML part, then a streaming count of paragraphs, tables and rows that
   stops at the first number over its limit (lxml's iterparse, constant memory).
2. ``run_bounded`` runs the real reader in a forked child with a CPU-time and an address-space
   limit and a wall-clock timeout, so whatever slips past the counts costs the child, not the
   server process, and its memory goes back to the system when the child ends.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import resource
import zipfile
from collections.abc import Callable
from typing import Any, TypeVar

from lxml import etree  # type: ignore[import-untyped]

T = TypeVar("T")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

#: A real 申报表 or guide has a few hundred paragraphs and a document.xml of well under 5 MB.
MAX_DOCX_PART_BYTES = 16 * 1024 * 1024
MAX_PARAGRAPHS = 20_000
MAX_TABLES = 2_000
#: A direction list or an application import of a national call stays far below these.
MAX_SHEET_BYTES = 64 * 1024 * 1024
MAX_ROWS = 20_000

CPU_SECONDS = 30
WALL_SECONDS = 60
MEMORY_BYTES = 1536 * 1024 * 1024


class Refused(ValueError):
    """``code``: "too_large" (a part unpacks too big), "too_many" (paragraphs, tables or rows),
    "too_slow" (the bounded reader ran out of time or memory), "corrupt"."""

    def __init__(self, code: str, **context: Any) -> None:
        super().__init__(f"{code}: {context}")
        self.code = code
        self.context = context


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Refused("corrupt") from exc


def _count(archive: zipfile.ZipFile, name: str, limits: dict[str, int], max_bytes: int) -> None:
    """Stream one XML part and refuse it once an element count passes its limit."""
    info = archive.getinfo(name)
    if info.file_size > max_bytes:
        raise Refused("too_large", part=name, size_mb=round(info.file_size / 2**20, 1), max_mb=max_bytes // 2**20)
    counts = dict.fromkeys(limits, 0)
    try:
        with archive.open(info) as stream:
            for _event, element in etree.iterparse(stream, events=("end",), tag=tuple(limits), resolve_entities=False):
                counts[element.tag] += 1
                if counts[element.tag] > limits[element.tag]:
                    raise Refused("too_many", what=element.tag.rsplit("}", 1)[-1], limit=limits[element.tag])
                element.clear()  # keep memory flat: nothing is read here but the count
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise Refused("corrupt") from exc


def check_docx(data: bytes, *, max_part_bytes: int = MAX_DOCX_PART_BYTES, max_paragraphs: int = MAX_PARAGRAPHS) -> None:
    """Refuse a .docx whose body is too big or holds too many paragraphs or tables to be a form."""
    with _open(data) as archive:
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise Refused("corrupt")
        limits = {f"{W}p": max_paragraphs, f"{W}tbl": MAX_TABLES}
        for name in sorted(n for n in names if n.startswith("word/") and n.endswith(".xml")):
            _count(archive, name, limits, max_part_bytes)


def check_xlsx(data: bytes, *, max_sheet_bytes: int = MAX_SHEET_BYTES, max_rows: int = MAX_ROWS) -> None:
    """Refuse a workbook whose sheets are too big or too long to be an import table."""
    with _open(data) as archive:
        names = archive.namelist()
        if "xl/workbook.xml" not in names:
            raise Refused("corrupt")
        for name in names:
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                _count(archive, name, {f"{S}row": max_rows}, max_sheet_bytes)
            elif name == "xl/sharedStrings.xml":
                _count(archive, name, {f"{S}si": max_rows * 100}, max_sheet_bytes)


def _child(connection: Any, fn: Callable[..., Any], args: tuple[Any, ...], cpu: int, memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    with open("/proc/self/statm") as statm:  # the limit is on top of what the forked process already maps
        mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (mapped + memory, mapped + memory))
    try:
        connection.send(("ok", fn(*args)))
    except MemoryError:
        connection.send(("too_slow", None))
    except BaseException as exc:  # handed to the parent, which raises it there
        connection.send(("error", exc))
    finally:
        connection.close()


def run_bounded(
    fn: Callable[..., T],
    *args: Any,
    cpu_seconds: int = CPU_SECONDS,
    wall_seconds: int = WALL_SECONDS,
    memory_bytes: int = MEMORY_BYTES,
) -> T:
    """``fn(*args)`` in a forked child under CPU, memory and wall-clock limits.

    The result (or the exception ``fn`` raised) comes back pickled; a child that is killed or
    times out raises ``Refused("too_slow")``.  Only for pure functions: the child must not touch
    the database connections it inherits."""
    if not hasattr(os, "fork"):  # pragma: no cover - the platform runs on Linux
        return fn(*args)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, fn, args, cpu_seconds, memory_bytes), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(wall_seconds):
            raise Refused("too_slow", seconds=wall_seconds)
        try:
            status, payload = receiver.recv()
        except (EOFError, OSError) as exc:  # killed by its CPU or memory limit before it answered
            raise Refused("too_slow", seconds=cpu_seconds) from exc
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiver.close()
    if status == "error":
        raise payload
    if status == "too_slow":
        raise Refused("too_slow", seconds=cpu_seconds)
    return payload  # type: ignore[no-any-return]
