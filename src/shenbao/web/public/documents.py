"""The blank 申报表 of a published call, for anyone to download."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from shenbao.calls.queries.public import get_call_for_viewing
from shenbao.documents.services.word import blank_form
from shenbao.web.common import DOCX, file_response


def call_form_download(request: HttpRequest, code: str) -> HttpResponse:
    call = get_call_for_viewing(request.user, code)
    if call is None:
        raise Http404(_("No such call."))
    direction_code = request.GET.get("direction") or None
    direction = call.directions.filter(code=direction_code).first() if direction_code else None
    if direction_code and direction is None:
        raise Http404(_("No such direction."))
    data = blank_form(call=call, direction=direction, language=translation.get_language() or "zh-hans")
    suffix = f"-{direction.code}" if direction else ""
    return file_response(data, DOCX, f"{call.code}{suffix}.docx")
