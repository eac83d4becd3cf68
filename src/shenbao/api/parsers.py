"""JSON bodies bounded like every other structured input (``core.input_limits``).

DRF's parser hands the body to ``json.loads``: 100,000 nested brackets raise RecursionError (a
500), and a ``\\ud800`` escape decodes to a lone surrogate that the database stores and every
later reader chokes on.  Both are refused here with a 400 that says what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from shenbao.core.input_limits import MAX_DEPTH, LimitExceeded, check_data


def _too_deep() -> ParseError:
    return ParseError(_("The JSON body is nested more than %(max_depth)s levels deep.") % {"max_depth": MAX_DEPTH})


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        try:
            check_data(data)
        except LimitExceeded as exc:
            if exc.code == "too_deep":
                raise _too_deep() from None
            raise ParseError(
                _("The JSON body holds a character that is not valid Unicode (a lone surrogate); nothing was saved.")
            ) from None
        return data
