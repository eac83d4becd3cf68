"""Small helpers shared by the pages of every audience."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from shenbao.accounts.models import Person, User
from shenbao.calls.models import Call
from shenbao.core.storage import read_bytes, signed_download_url


def acting_user(request: HttpRequest) -> User:
    """The logged-in user (the views that call this are behind login_required)."""
    user = request.user
    assert isinstance(user, User)
    return user


def own_time_zone(user: Any) -> str:
    """The time zone the signed-in person chose in their profile ("" for Beijing time only)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    return Person.objects.filter(user_id=user.pk).values_list("time_zone", flat=True).first() or ""


def form_errors(form: Any) -> str:
    """A form's errors as one sentence, for a message after a redirect."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def file_response(data: bytes, content_type: str, filename: str) -> HttpResponse:
    """A download with a UTF-8 file name (receipt numbers and call codes are ASCII, titles may not be)."""
    from urllib.parse import quote

    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def call_for(request: HttpRequest, code: str, permission: str) -> Call:
    """The call ``code`` if the user holds ``permission`` on it; otherwise 404 (staff pages)."""
    call = Call.objects.select_related("program").filter(code=code).first()
    if call is None or not request.user.has_perm(permission, call):
        raise Http404(_("No such call."))
    return call


#: The largest value a database integer column holds: anything above is no id and no version.
_MAX_INT = 2**63 - 1


def int_param(value: str | None) -> int | None:
    """A whole number from a form or query value, or None when it is not one (``abc``, ``10**30``,
    ``-1``): such values are refused by the caller instead of raising a 500."""
    text = (value or "").strip()
    if not (text.isascii() and text.isdecimal()) or len(text) > 19:
        return None
    number = int(text)
    return number if number <= _MAX_INT else None


def stored_file_response(
    stored: FieldFile | str, filename: str, content_type: str | None = None, *, whole: bool = False
) -> HttpResponseBase:
    """A stored file (an upload, or a stored PDF by its storage name) as a download, for a view that has
    checked the permission: a redirect to a short-lived signed URL of the object store, or the bytes
    streamed through the storage (``SHENBAO_DOWNLOADS``; ``whole`` sends it in one piece instead).  A
    file missing from storage is a 404."""
    name = stored if isinstance(stored, str) else stored.name
    if not name:  # the field has no file at all
        raise Http404(_("The file is no longer available."))
    if not default_storage.exists(name):  # an object store's file would otherwise fail mid-download
        raise Http404(_("The file is no longer available."))
    url = signed_download_url(name, filename=filename, content_type=content_type)
    if url is not None:
        response: HttpResponseBase = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"  # the signed URL is for this request only
        response["Referrer-Policy"] = "no-referrer"
        return response
    if whole:  # a document we print (a few MB at most): one response with its length
        return file_response(read_bytes(name), content_type or "application/octet-stream", filename)
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is no longer available.")) from exc
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
