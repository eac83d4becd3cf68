"""Staff's mail templates of a call and of a program: list, edit per language, preview, reset.

The program's staff read them (observers, chairs and judges included); its officers change them.
A language whose text is left as inherited (the program's text or the shipped default) is not
stored, so it keeps following the level below."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shenbao.applications.models import Application
from shenbao.calls.models import Call, Program
from shenbao.core.models import AuditEntry
from shenbao.notifications import overrides as mail
from shenbao.notifications.registry import (
    APP_LINK,
    GLOBAL_PLACEHOLDERS,
    KIND_LABELS,
    Kind,
    MailTemplateSpec,
    overridable_for_call,
    overridable_for_program,
    sample_context,
)
from shenbao.notifications.sandbox import var
from shenbao.web.common import call_for, int_param

LANGUAGE_LABELS = (("zh-hans", "简体中文"), ("en", "English"))
VIEW = "notifications.view_mail_templates"
CHANGE = "notifications.change_mail_templates"


def program_for(request: HttpRequest, pk: int, permission: str) -> Program:
    """The program ``pk`` if the user holds ``permission`` on it; otherwise 404."""
    program = Program.objects.filter(pk=pk).first()
    if program is None or not request.user.has_perm(permission, program):
        raise Http404(_("No such program."))
    return program


def _spec(key: str, allowed: list[MailTemplateSpec]) -> MailTemplateSpec:
    for spec in allowed:
        if spec.key == key:
            return spec
    raise Http404(_("No such mail template."))


def _listing(request: HttpRequest, *, call: Call | None, program: Program) -> HttpResponse:
    specs = overridable_for_call() if call is not None else overridable_for_program()
    own = mail.overrides_of(call=call) if call is not None else mail.overrides_of(program=program)
    inherited = mail.overrides_of(program=program) if call is not None else {}
    rows = []
    for spec in specs:
        row = own.get(spec.key)
        source = "call" if row and call is not None else "program" if row or spec.key in inherited else "default"
        rows.append({"spec": spec, "override": row, "source": source})
    context = {
        "call": call,
        "program": program,
        "rows": rows,
        "can_view_program": request.user.has_perm(VIEW, program),
        "can_change": request.user.has_perm(CHANGE, call if call is not None else program),
    }
    return render(request, "web/staff/mail_templates.html", context)


@login_required
def call_mail_templates(request: HttpRequest, code: str) -> HttpResponse:
    call = call_for(request, code, VIEW)
    return _listing(request, call=call, program=call.program)


@login_required
def program_mail_templates(request: HttpRequest, pk: int) -> HttpResponse:
    program = program_for(request, pk, VIEW)
    return _listing(request, call=None, program=program)


def _inherited(spec: MailTemplateSpec, call: Call | None, program: Program) -> dict[str, tuple[str, str]]:
    """(subject, body) per language of the level below: the program's override (for a call), else the default."""
    below = mail.overrides_of(program=program).get(spec.key) if call is not None and spec.scope == "call" else None
    texts = {}
    for language, _label in LANGUAGE_LABELS:
        if below is not None and (below.body.get(language) or "").strip():
            texts[language] = (below.subject[language], below.body[language])
        else:
            texts[language] = mail.default_sources(spec.key, language)
    return texts


def _preview_context(spec: MailTemplateSpec, application: Application | None) -> dict[str, Any]:
    """The placeholders of ``spec`` filled from a real application where it has them, samples elsewhere."""
    data: dict[str, Any] = sample_context(spec.key)
    if application is None:
        return data
    call = application.call
    real: dict[str, Any] = {
        "call_title": call.title,
        "title": application.title,
        "number": application.receipt_number or f"#{application.pk}",
        "applicant": str(application.applicant),
        "direction": application.direction.title if application.direction is not None else "",
        "revision": application.revision,
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else data.get("submitted_at"),
        "link": reverse("web:application", args=[application.pk]),
        "project": application.title,
        "program": call.program.name,
    }
    if spec.placeholders.get("deadline") is not None and spec.placeholders["deadline"].kind == Kind.MOMENT:
        real["deadline"] = call.deadline.isoformat()
    if spec.placeholders.get("link") is not APP_LINK:
        del real["link"]  # the link of this mail leads elsewhere (an agreement, an invitation): the sample stays
    data.update({name: value for name, value in real.items() if name in spec.placeholders})
    return data


def _texts_from(request: HttpRequest) -> tuple[dict[str, str], dict[str, str]]:
    subject = {lang: request.POST.get(f"subject_{lang}", "") for lang, _label in LANGUAGE_LABELS}
    body = {lang: request.POST.get(f"body_{lang}", "").replace("\r\n", "\n") for lang, _label in LANGUAGE_LABELS}
    return subject, body


def _history(owner: Any, key: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.for_object(owner)
        .filter(action__in=(mail.CHANGED, mail.RESET), data__template=key)
        .select_related("actor")
        .order_by("-created_at", "-pk")[:20]
    )


def _edit(request: HttpRequest, *, call: Call | None, program: Program, key: str) -> HttpResponse:
    owner: Any = call if call is not None else program
    spec = _spec(key, overridable_for_call() if call is not None else overridable_for_program())
    can_change = request.user.has_perm(CHANGE, owner)
    if request.method == "POST" and not can_change and request.POST.get("action") != "preview":
        raise PermissionDenied  # readers may preview, which writes nothing
    here = (
        reverse("web:call_mail_template", args=[call.code, key])
        if call is not None
        else reverse("web:program_mail_template", args=[program.pk, key])
    )
    row = (mail.overrides_of(call=call) if call is not None else mail.overrides_of(program=program)).get(key)
    inherited = _inherited(spec, call, program)
    subject = {lang: row.subject.get(lang, "") if row else "" for lang, _label in LANGUAGE_LABELS}
    body = {lang: row.body.get(lang, "") if row else "" for lang, _label in LANGUAGE_LABELS}
    for lang, _label in LANGUAGE_LABELS:
        if not (body[lang] or "").strip():
            subject[lang], body[lang] = inherited[lang]
    applications = list(
        Application.objects.filter(call__in=[call] if call is not None else program.calls.all(), receipt_number__isnull=False)
        .select_related("call__program", "applicant", "direction")
        .order_by("-submitted_at", "-pk")[:50]
    )
    chosen_pk = int_param(request.POST.get("application") or request.GET.get("application"))
    chosen = next((a for a in applications if a.pk == chosen_pk), applications[0] if applications else None)
    errors: dict[str, list[str]] = {}
    previews: list[dict[str, Any]] = []
    version = row.version if row else 0
    if request.method == "POST":
        action = request.POST.get("action", "")
        posted_subject, posted_body = _texts_from(request)
        if action == "reset":
            if mail.reset_override(key=key, actor=request.user, **_scope(call, program)):
                messages.success(request, _("The mail template is back to its default."))
            return redirect(here)
        subject, body = posted_subject, posted_body
        # A language left as inherited is not stored: it keeps following the program's text or the default.
        keep_subject = {
            lang: "" if _same(posted_subject, posted_body, lang, inherited) else posted_subject[lang] for lang in subject
        }
        keep_body = {lang: "" if _same(posted_subject, posted_body, lang, inherited) else posted_body[lang] for lang in body}
        errors = mail.validate_texts(key, keep_subject, keep_body) if any(v.strip() for v in keep_body.values()) else {}
        if action == "save" and not errors:
            if not any(v.strip() for v in keep_body.values()):
                if mail.reset_override(key=key, actor=request.user, **_scope(call, program)):
                    messages.success(request, _("The mail template is back to its default."))
                else:
                    messages.info(request, _("Nothing changed: the texts are the inherited ones."))
                return redirect(here)
            try:
                mail.save_override(
                    key=key,
                    subject=keep_subject,
                    body=keep_body,
                    actor=request.user,
                    expected_version=int_param(request.POST.get("version")),
                    **_scope(call, program),
                )
            except mail.MailTemplateInvalid as exc:
                errors = exc.errors
            except mail.StaleVersion as exc:
                errors = {"__all__": [str(exc)]}
            else:
                messages.success(request, _("The mail template is saved; the next mails use it."))
                return redirect(here)
        if errors:
            messages.error(request, _("The template has errors; nothing was saved."))
        elif action == "preview":
            context = _preview_context(spec, chosen)
            for lang, label in LANGUAGE_LABELS:
                rendered = mail.preview(key, lang, context, subject=subject[lang], body=body[lang])
                previews.append({"language": lang, "label": label, "subject": rendered.subject, "body": rendered.body})
        version = int_param(request.POST.get("version")) or 0
    placeholders = [
        {
            "name": name,
            "token": var(name),
            "kind": KIND_LABELS[p.kind],
            "description": p.description,
            "choices": p.choices,
        }
        for name, p in {**spec.placeholders, **GLOBAL_PLACEHOLDERS}.items()
    ]
    languages = [
        {
            "code": lang,
            "label": label,
            "subject": subject[lang],
            "body": body[lang],
            "subject_errors": errors.get(f"subject_{lang}", []),
            "body_errors": errors.get(f"body_{lang}", []),
        }
        for lang, label in LANGUAGE_LABELS
    ]
    context = {
        "call": call,
        "program": program,
        "spec": spec,
        "override": row,
        "version": version,
        "languages": languages,
        "general_errors": errors.get("__all__", []),
        "placeholders": placeholders,
        "applications": applications,
        "chosen": chosen,
        "previews": previews,
        "history": _history(owner, key),
        "can_change": can_change,
        "syntax_help": _(
            "Write each language's subject and body. Placeholders in double braces, such as {{ number }}, are "
            "replaced by the mail's values; conditions and lists are written with the tags if and for, as in the "
            "default text. A language left as it is keeps following the program's text or the default."
        ),
        "back": reverse("web:call_mail_templates", args=[call.code])
        if call is not None
        else reverse("web:program_mail_templates", args=[program.pk]),
    }
    return render(request, "web/staff/mail_template_edit.html", context)


def _same(subject: dict[str, str], body: dict[str, str], lang: str, inherited: dict[str, tuple[str, str]]) -> bool:
    below_subject, below_body = inherited[lang]
    return " ".join(subject[lang].split()) == " ".join(below_subject.split()) and body[lang].strip() == below_body.strip()


def _scope(call: Call | None, program: Program) -> dict[str, Any]:
    return {"call": call} if call is not None else {"program": program}


@login_required
def call_mail_template(request: HttpRequest, code: str, key: str) -> HttpResponse:
    call = call_for(request, code, VIEW)
    return _edit(request, call=call, program=call.program, key=key)


@login_required
def program_mail_template(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    program = program_for(request, pk, VIEW)
    return _edit(request, call=None, program=program, key=key)
