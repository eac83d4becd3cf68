"""Saves from the call editor: the whole definition validated, a new version, an optimistic version check.

The editor posts one part of the definition; the view puts it into the current definition's
data and hands the whole document here.  A save based on a version that is no longer the
current one is refused (someone else saved in between), so no one's change is silently lost.
A save that changes nothing adds no version.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shenbao.calls.definition.load import parse_definition
from shenbao.calls.models import Call, Program
from shenbao.calls.services.definitions import LoadResult, load_call_definition
from shenbao.core.errors import DomainError


class StaleDefinition(DomainError):
    code = "stale_definition"

    def __init__(self, *, base: int, current: int) -> None:
        super().__init__(
            _(
                "The definition was changed by someone else while you edited it: you started from version %(base)s, "
                "the current one is version %(current)s. Nothing was saved; your input is still in the form."
            ),
            params={"base": base, "current": current},
        )
        self.base = base
        self.current = current


class CodeFixed(DomainError):
    code = "code_fixed"

    def __init__(self) -> None:
        super().__init__(_("The program's and the call's codes cannot be changed in the editor."))


@transaction.atomic
def save_edited_definition(
    *, call: Call, data: Any, base_version: int, actor: Any, section: str = "", comment: str = ""
) -> LoadResult:
    """Validate ``data`` as the whole definition and store it as the call's next version.

    Raises ``StaleDefinition`` when the call's version is no longer ``base_version``,
    ``DefinitionInvalid`` with every located error when the schema refuses it, and
    ``CodeFixed`` when the program or call code was changed (they are part of addresses)."""
    locked = Call.objects.select_for_update().select_related("program").get(pk=call.pk)
    if locked.version != base_version:
        raise StaleDefinition(base=base_version, current=locked.version)
    definition = parse_definition(data)
    if definition.call.code != locked.code or definition.program.code != locked.program.code:
        raise CodeFixed()
    source = f"editor: {section}" if section else "editor"
    return load_call_definition(definition=definition, actor=actor, source=source, comment=comment.strip()[:2000])


class CallCodeTaken(DomainError):
    code = "call_code_taken"

    def __init__(self, *, code: str) -> None:
        super().__init__(_("A call with the code %(code)s exists already."), params={"code": code})


@transaction.atomic
def create_draft_call(
    *,
    program: Program,
    code: str,
    title: dict[str, str],
    year: int | str,
    direction_label: dict[str, str],
    deadline: str,
    actor: Any,
) -> LoadResult:
    """A new call of ``program`` in draft, with the least a definition needs; the editor does the rest.

    The definition is validated like any other (``DefinitionInvalid`` names what is wrong); the
    program's own definition is taken as stored, so the new call cannot change the program."""
    if Call.objects.filter(code=code).exists():
        raise CallCodeTaken(code=code)
    data = {
        "program": program.data or {"code": program.code, "name": program.name, "kind": program.kind, "funder": program.funder},
        "call": {"code": code, "title": title, "year": year, "status": "draft", "direction_label": direction_label},
        "timeline": [{"kind": "deadline", "at": deadline}],
    }
    definition = parse_definition(data)
    if definition.program.code != program.code:
        raise CodeFixed()
    return load_call_definition(definition=definition, actor=actor, source="editor: new call")
