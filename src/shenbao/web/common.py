"""Small helpers shared by the pages of every audience."""

from __future__ import annotations

from typing import Any

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from shenbao.accounts.models import Person, User
from shenbao.calls.models import Call


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


def stored_file_response(stored: FieldFile, filename: str, content_type: str | None = None) -> FileResponse:
    """A stored upload as a download; a file missing from storage is a 404, not a 500."""
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError) as exc:  # ValueError: the field has no file at all
        raise Http404(_("The file is no longer available.")) from exc
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
