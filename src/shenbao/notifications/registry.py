"""The one registry of the platform's mails: every template key, the event that sends it, to whom,
and the named placeholders it may use, each described in both languages.

The defaults are the files ``notifications/<key>_subject.txt`` and ``_body.txt`` (translated with
gettext); staff may override a template for a program or a call (``notifications.overrides``).
tests/notifications/test_mail_registry.py renders every template with every placeholder, checks
that each default uses exactly the placeholders declared here, and that every key is sent by the
service named in ``sender``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    """How a placeholder's value is shown in the recipient's language."""

    TEXT = "text"  # plain text as given (a name, a receipt number, a reason)
    TRANSLATED = "translated"  # a bilingual text ({"zh-hans": …, "en": …}): the recipient's language
    TRANSLATED_LIST = "translated_list"  # a list of bilingual texts
    LIST = "list"  # a list of plain texts
    MOMENT = "moment"  # a date and time, shown in Beijing time
    DATE = "date"  # a calendar day (YYYY-MM-DD)
    MONEY = "money"  # an amount in yuan, shown as 万元 / CNY
    NUMBER = "number"
    FLAG = "flag"  # yes/no, for {% if %}
    CHOICE = "choice"  # a code, for {% if x == "…" %}
    LINK = "link"  # an absolute address


#: What a placeholder of each kind looks like in the sample data of a preview.
KIND_LABELS: dict[Kind, Promise] = {
    Kind.TEXT: _("text"),
    Kind.TRANSLATED: _("text in the recipient's language"),
    Kind.TRANSLATED_LIST: _("list of texts in the recipient's language"),
    Kind.LIST: _("list of texts"),
    Kind.MOMENT: _("date and time, Beijing time"),
    Kind.DATE: _("date"),
    Kind.MONEY: _("amount of money"),
    Kind.NUMBER: _("number"),
    Kind.FLAG: _("yes or no"),
    Kind.CHOICE: _("code"),
    Kind.LINK: _("absolute link"),
}


@dataclass(frozen=True)
class Placeholder:
    kind: Kind
    description: Promise
    choices: tuple[str, ...] = ()  # the codes a CHOICE placeholder takes


@dataclass(frozen=True)
class MailTemplateSpec:
    key: str
    name: Promise
    event: Promise
    recipients: Promise
    sender: str  # the module whose notify call sends it (checked by the tests)
    placeholders: dict[str, Placeholder] = field(default_factory=dict)
    #: "call": overridable per call and per program; "program": per program only; "platform": not overridable.
    scope: str = "call"


def _p(kind: Kind, description: Promise, *choices: str) -> Placeholder:
    return Placeholder(kind, description, tuple(choices))


CALL_TITLE = _p(Kind.TRANSLATED, _("The call's title"))
TITLE = _p(Kind.TEXT, _("The application's project name"))
NUMBER = _p(Kind.TEXT, _("The application's receipt number"))
APPLICANT = _p(Kind.TEXT, _("The applicant's name"))
DIRECTION = _p(Kind.TRANSLATED, _("The direction (topic) the application was submitted to"))
APP_LINK = _p(Kind.LINK, _("Link to the application's page"))
AGREEMENT_DEADLINE = _p(Kind.DATE, _("The last day to sign the agreement (Beijing calendar day)"))
PROVISIONAL = _p(Kind.FLAG, _("Whether that last day is provisional (the year's holidays are not published yet)"))
LOGIN = _p(Kind.LINK, _("Link to the login page"))
RESET = _p(Kind.LINK, _("Link to set a password"))


SPECS: tuple[MailTemplateSpec, ...] = (
    MailTemplateSpec(
        key="receipt",
        name=_("Receipt of a submitted application"),
        event=_("An application is submitted (or submitted again after a correction)."),
        recipients=_("The applicant"),
        sender="shenbao.applications.services.submission",
        placeholders={
            "call_title": CALL_TITLE,
            "title": TITLE,
            "number": NUMBER,
            "applicant": APPLICANT,
            "direction": DIRECTION,
            "revision": _p(Kind.NUMBER, _("The number of the submitted revision")),
            "submitted_at": _p(Kind.MOMENT, _("When it was submitted, in Beijing time")),
            "deadline": _p(Kind.MOMENT, _("The call's submission deadline, in Beijing time")),
            "obligations": _p(Kind.TRANSLATED_LIST, _("The undertakings of the call")),
            "link": APP_LINK,
        },
    ),
    MailTemplateSpec(
        key="endorsement_request",
        name=_("Request for the institution's endorsement"),
        event=_("An application of a call that asks for the institution's endorsement is submitted."),
        recipients=_("The institution officers of the lead organisation"),
        sender="shenbao.applications.services.endorsement",
        placeholders={
            "call_title": CALL_TITLE,
            "title": TITLE,
            "number": NUMBER,
            "applicant": APPLICANT,
            "link": _p(Kind.LINK, _("Link to the applications waiting for endorsement")),
        },
    ),
    MailTemplateSpec(
        key="endorsement_decided",
        name=_("Outcome of the institution's endorsement"),
        event=_("The institution endorses or returns an application."),
        recipients=_("The applicant"),
        sender="shenbao.applications.services.endorsement",
        placeholders={
            "call_title": CALL_TITLE,
            "title": TITLE,
            "number": NUMBER,
            "applicant": APPLICANT,
            "endorsed": _p(Kind.FLAG, _("Whether the institution endorsed it")),
            "reason": _p(Kind.TEXT, _("The institution's reason")),
            "link": APP_LINK,
        },
    ),
    MailTemplateSpec(
        key="formal_check",
        name=_("Outcome of the formal check"),
        event=_("Staff decide the formal check of an application."),
        recipients=_("The applicant"),
        sender="shenbao.applications.services.formal_check",
        placeholders={
            "call_title": CALL_TITLE,
            "title": TITLE,
            "number": NUMBER,
            "applicant": APPLICANT,
            "outcome": _p(Kind.CHOICE, _("The outcome: pass, return (for correction) or fail"), "pass", "return", "fail"),
            "reason": _p(Kind.TEXT, _("The reason staff gave")),
            "link": APP_LINK,
        },
    ),
    MailTemplateSpec(
        key="invitation",
        name=_("Invitation to an application team"),
        event=_("An applicant invites someone to the team of a draft."),
        recipients=_("The invited person"),
        sender="shenbao.applications.services.team",
        placeholders={
            "call_title": CALL_TITLE,
            "title": TITLE,
            "inviter": _p(Kind.TEXT, _("The name of who invites")),
            "link": _p(Kind.LINK, _("Link to accept or decline the invitation")),
        },
    ),
    MailTemplateSpec(
        key="reviewer_invitation",
        name=_("Invitation to review"),
        event=_("Staff invite an expert to the call's reviewer pool."),
        recipients=_("The invited expert"),
        sender="shenbao.reviews.services.pool",
        placeholders={"call_title": CALL_TITLE, "link": _p(Kind.LINK, _("Link to accept or decline the invitation"))},
    ),
    MailTemplateSpec(
        key="review_reminder",
        name=_("Reminder of reviews due"),
        event=_("A reviewer's reviews of a stage are due soon and not submitted."),
        recipients=_("The reviewer"),
        sender="shenbao.reviews.services.reminders",
        placeholders={
            "call_title": CALL_TITLE,
            "stage_name": _p(Kind.TRANSLATED, _("The review stage's name")),
            "count": _p(Kind.NUMBER, _("How many reviews are not submitted")),
            "due": _p(Kind.DATE, _("The day the reviews are due")),
            "link": _p(Kind.LINK, _("Link to the reviewer's reviews")),
        },
    ),
    MailTemplateSpec(
        key="discussion_mention",
        name=_("Mention in a review discussion"),
        event=_("Someone mentions a reviewer or a staff member (@name) in the discussion of an application."),
        recipients=_("The person mentioned, if they may read the discussion"),
        sender="shenbao.reviews.services.discussion",
        placeholders={
            "call_title": CALL_TITLE,
            "stage_name": _p(Kind.TRANSLATED, _("The review stage's name")),
            "number": NUMBER,
            "author": _p(Kind.TEXT, _("The name of who wrote the comment")),
            "excerpt": _p(Kind.TEXT, _("The beginning of the comment")),
            "link": _p(Kind.LINK, _("Link to the discussion")),
        },
    ),
    MailTemplateSpec(
        key="response_window_opened",
        name=_("Invitation to answer the reviews (答辩)"),
        event=_("Staff open a stage's window for the applicants' responses to the reviews."),
        recipients=_("The applicant of every application with submitted reviews in the stage"),
        sender="shenbao.reviews.services.response",
        placeholders={
            "call_title": CALL_TITLE,
            "title": TITLE,
            "number": NUMBER,
            "applicant": APPLICANT,
            "stage_name": _p(Kind.TRANSLATED, _("The review stage's name")),
            "closes_at": _p(Kind.MOMENT, _("The last moment to answer, in Beijing time")),
            "max_characters": _p(Kind.NUMBER, _("The longest answer, in characters")),
            "link": _p(Kind.LINK, _("Link to the page where the applicant answers")),
        },
    ),
    MailTemplateSpec(
        key="response_received",
        name=_("An applicant answered the reviews"),
        event=_("An applicant submits a response to the reviews of a stage (the first time)."),
        recipients=_("The reviewers of the application in that stage"),
        sender="shenbao.reviews.services.response",
        placeholders={
            "call_title": CALL_TITLE,
            "number": NUMBER,
            "stage_name": _p(Kind.TRANSLATED, _("The review stage's name")),
            "link": _p(Kind.LINK, _("Link to the review, where the response is shown")),
        },
    ),
    MailTemplateSpec(
        key="decision",
        name=_("Result of an application"),
        event=_("Staff publish the results of the call."),
        recipients=_("The applicant of every reviewed application"),
        sender="shenbao.awards.services.decisions",
        placeholders={
            "call_title": CALL_TITLE,
            "title": TITLE,
            "number": NUMBER,
            "applicant": APPLICANT,
            "awarded": _p(Kind.FLAG, _("Whether the application was selected")),
            "amount_yuan": _p(Kind.MONEY, _("The amount awarded")),
            "tier": _p(Kind.TRANSLATED, _("The prize tier, if the call has tiers")),
            "comments": _p(Kind.LIST, _("The reviewers' comments released to the applicant")),
            "panel_opinions": _p(Kind.LIST, _("The panel's opinions released to the applicant, one per stage")),
            "sign_off_statements": _p(Kind.LIST, _("The committee chair's statements released to the applicant")),
            "notice_ends": _p(Kind.MOMENT, _("The end of the public notice period, in Beijing time")),
            "link": APP_LINK,
        },
    ),
    MailTemplateSpec(
        key="reconsideration_decided",
        name=_("Decision on a request for reconsideration"),
        event=_("Staff decide an applicant's request for reconsideration."),
        recipients=_("The applicant"),
        sender="shenbao.awards.services.reconsideration",
        placeholders={
            "call_title": CALL_TITLE,
            "title": TITLE,
            "number": NUMBER,
            "applicant": APPLICANT,
            "upheld": _p(Kind.FLAG, _("Whether the request is upheld")),
            "outcome": _p(Kind.TEXT, _("The outcome staff wrote")),
            "link": APP_LINK,
        },
    ),
    MailTemplateSpec(
        key="agreement_opened",
        name=_("Agreement ready to sign"),
        event=_("Staff open the agreements of the call's awards."),
        recipients=_("The principal investigator of each award"),
        sender="shenbao.agreements.services.agreements",
        placeholders={
            "call_title": CALL_TITLE,
            "title": TITLE,
            "deadline": AGREEMENT_DEADLINE,
            "provisional": PROVISIONAL,
            "link": _p(Kind.LINK, _("Link to the agreement")),
        },
    ),
    MailTemplateSpec(
        key="agreement_deadline_changed",
        name=_("Agreement's last day changed"),
        event=_("An agreement's last day is extended or computed again."),
        recipients=_("The principal investigator"),
        sender="shenbao.agreements.services.agreements",
        placeholders={
            "call_title": CALL_TITLE,
            "title": TITLE,
            "deadline": AGREEMENT_DEADLINE,
            "provisional": PROVISIONAL,
            "reason": _p(Kind.TEXT, _("Why the last day changed")),
        },
    ),
    MailTemplateSpec(
        key="agreement_reminder",
        name=_("Reminder to sign the agreement"),
        event=_("An agreement's last day approaches, and on the last day."),
        recipients=_("The parties that have not confirmed the agreement"),
        sender="shenbao.agreements.services.reminders",
        placeholders={
            "call_title": CALL_TITLE,
            "title": TITLE,
            "deadline": AGREEMENT_DEADLINE,
            "last_day": _p(Kind.FLAG, _("Whether today is the last day")),
            "provisional": PROVISIONAL,
            "link": _p(Kind.LINK, _("Link to the agreement")),
        },
    ),
    MailTemplateSpec(
        key="agreement_overdue",
        name=_("Agreement overdue"),
        event=_("An agreement is still unsigned after its last day."),
        recipients=_("The program officers"),
        sender="shenbao.agreements.services.overdue",
        placeholders={
            "call_title": CALL_TITLE,
            "title": TITLE,
            "number": NUMBER,
            "deadline": AGREEMENT_DEADLINE,
            "link": _p(Kind.LINK, _("Link to the agreement")),
        },
    ),
    MailTemplateSpec(
        key="agreement_overdue_applicant",
        name=_("Agreement overdue (to the principal investigator)"),
        event=_("An agreement is still unsigned after its last day."),
        recipients=_("The principal investigator"),
        sender="shenbao.agreements.services.overdue",
        placeholders={
            "call_title": CALL_TITLE,
            "title": TITLE,
            "number": NUMBER,
            "deadline": AGREEMENT_DEADLINE,
            "link": _p(Kind.LINK, _("Link to the agreement")),
        },
    ),
    MailTemplateSpec(
        key="agreement_declined",
        name=_("Award declined"),
        event=_("The principal investigator declines the award."),
        recipients=_("The program officers"),
        sender="shenbao.agreements.services.reserves",
        placeholders={
            "call_title": CALL_TITLE,
            "title": TITLE,
            "number": NUMBER,
            "reason": _p(Kind.TEXT, _("The reason the principal investigator gave")),
            "offered_to": _p(Kind.TEXT, _("The project name of the reserve offered the award, if any")),
            "link": _p(Kind.LINK, _("Link to the agreement")),
        },
    ),
    MailTemplateSpec(
        key="reserve_offered",
        name=_("Award offered from the reserve list"),
        event=_("A declined or revoked award is offered to the next reserve."),
        recipients=_("The applicant of the reserve"),
        sender="shenbao.agreements.services.reserves",
        placeholders={
            "call_title": CALL_TITLE,
            "title": TITLE,
            "deadline": AGREEMENT_DEADLINE,
            "provisional": PROVISIONAL,
            "link": _p(Kind.LINK, _("Link to the agreement")),
        },
    ),
    MailTemplateSpec(
        key="report_reminder",
        name=_("Reminder of a project report"),
        event=_("A project report is due in a few working days, due today, or overdue."),
        recipients=_("The principal investigator of the project"),
        sender="shenbao.projects.services.reminders",
        placeholders={
            "call_title": CALL_TITLE,
            "project": _p(Kind.TEXT, _("The project's name")),
            "report": _p(Kind.TRANSLATED, _("The report: mid-term report, final report or the milestone's title")),
            "due": _p(Kind.DATE, _("The day the report is due")),
            "moment": _p(
                Kind.CHOICE,
                _("When: window (due in a few working days), due_day (today) or overdue"),
                "window",
                "due_day",
                "overdue",
            ),
            "link": _p(Kind.LINK, _("Link to the project")),
        },
    ),
    MailTemplateSpec(
        key="report_decided",
        name=_("Decision on a project report"),
        event=_("Staff decide a reviewed mid-term or final report: passed, passed with conditions or not passed."),
        recipients=_("The principal investigator of the project"),
        sender="shenbao.projects.services.report_reviews",
        placeholders={
            "call_title": CALL_TITLE,
            "project": _p(Kind.TEXT, _("The project's name")),
            "report": _p(Kind.TRANSLATED, _("The report: mid-term report or final report")),
            "decision": _p(Kind.CHOICE, _("The decision: passed, conditional or failed"), "passed", "conditional", "failed"),
            "reasons": _p(Kind.TEXT, _("The reasons or conditions of the decision")),
            "link": _p(Kind.LINK, _("Link to the project")),
        },
    ),
    MailTemplateSpec(
        key="report_review_assigned",
        name=_("Expert named to review a project report"),
        event=_(
            "Staff or the assignment solver name an expert to review a mid-term or final report (once per expert and report)."
        ),
        recipients=_("The named expert"),
        sender="shenbao.projects.services.report_reviews",
        placeholders={
            "call_title": CALL_TITLE,
            "project": _p(Kind.TEXT, _("The project's name")),
            "report": _p(Kind.TRANSLATED, _("The report: mid-term report or final report")),
            "due": _p(Kind.DATE, _("The day the review is due (empty where the call gives no due date)")),
            "link": _p(Kind.LINK, _("Link to the report and the expert's review form")),
        },
    ),
    MailTemplateSpec(
        key="report_review_reminder",
        name=_("Reminder of project report reviews due"),
        event=_(
            "An expert's report reviews of a call are due within a few days or overdue and not submitted "
            "(the daily reminders; at most one a day)."
        ),
        recipients=_("The named expert"),
        sender="shenbao.projects.services.reminders",
        placeholders={
            "call_title": CALL_TITLE,
            "count": _p(Kind.NUMBER, _("How many report reviews are not submitted")),
            "due": _p(Kind.DATE, _("The earliest day one of them is due")),
            "overdue": _p(Kind.FLAG, _("Whether one of them is overdue")),
            "link": _p(Kind.LINK, _("Link to the expert's reviews")),
        },
    ),
    MailTemplateSpec(
        key="project_pi_changed",
        name=_("Project's PI changed"),
        event=_("Staff approved a change of the project's PI: the new PI takes over the project."),
        recipients=_("The former and the new principal investigator"),
        sender="shenbao.projects.services.changes",
        placeholders={
            "call_title": CALL_TITLE,
            "project": _p(Kind.TEXT, _("The project's name")),
            "old_pi": _p(Kind.TEXT, _("The former PI's name")),
            "new_pi": _p(Kind.TEXT, _("The new PI's name")),
            "recipient": _p(Kind.CHOICE, _("Whom the mail is to: the former PI or the new one"), "old", "new"),
            "link": _p(Kind.LINK, _("Link to the project (for the new PI)")),
        },
    ),
    MailTemplateSpec(
        key="project_institution_changed",
        name=_("Project's institution changed"),
        event=_("Staff approved a change of the project's institution (the agreement's institution party)."),
        recipients=_("The principal investigator of the project"),
        sender="shenbao.projects.services.changes",
        placeholders={
            "call_title": CALL_TITLE,
            "project": _p(Kind.TEXT, _("The project's name")),
            "old_institution": _p(Kind.TRANSLATED, _("The former institution")),
            "new_institution": _p(Kind.TRANSLATED, _("The new institution")),
            "link": _p(Kind.LINK, _("Link to the project")),
        },
    ),
    MailTemplateSpec(
        key="tranche_withheld",
        name=_("Tranche withheld"),
        event=_("A tranche of the grant is withheld: its report failed or is overdue, or staff withheld it."),
        recipients=_("The principal investigator of the project"),
        sender="shenbao.projects.services.disbursement",
        placeholders={
            "call_title": CALL_TITLE,
            "project": _p(Kind.TEXT, _("The project's name")),
            "tranche": _p(Kind.NUMBER, _("The tranche's number in the schedule")),
            "amount_yuan": _p(Kind.MONEY, _("The tranche's amount")),
            "reason": _p(Kind.TEXT, _("Why it is withheld")),
            "link": _p(Kind.LINK, _("Link to the project")),
        },
    ),
    MailTemplateSpec(
        key="program_role_granted",
        name=_("Role in a program granted"),
        event=_("Someone is given a role (officer, chair, judge, observer) in a program."),
        recipients=_("The person given the role"),
        sender="shenbao.calls.services.people",
        scope="program",
        placeholders={
            "program": _p(Kind.TRANSLATED, _("The program's name")),
            "role": _p(Kind.TRANSLATED, _("The role")),
            "login": LOGIN,
            "reset": RESET,
        },
    ),
    MailTemplateSpec(
        key="institution_officer_appointed",
        name=_("Institution officer appointed"),
        event=_("An administrator appoints an institution officer."),
        recipients=_("The appointed officer"),
        sender="shenbao.accounts.services.officers",
        scope="platform",
        placeholders={
            "organisation": _p(Kind.TRANSLATED, _("The organisation's name")),
            "login": LOGIN,
            "reset": RESET,
        },
    ),
)

REGISTRY: dict[str, MailTemplateSpec] = {spec.key: spec for spec in SPECS}

#: Placeholders every template may use without declaring them.
GLOBAL_PLACEHOLDERS: dict[str, Placeholder] = {"site_url": _p(Kind.LINK, _("The address of the site"))}


def spec_for(key: str) -> MailTemplateSpec:
    """The declaration of ``key``; a mail whose template is not declared is a programming error."""
    try:
        return REGISTRY[key]
    except KeyError:
        raise KeyError(f"mail template {key!r} is not declared in shenbao.notifications.registry") from None


def placeholders_of(key: str) -> dict[str, Placeholder]:
    return {**spec_for(key).placeholders, **GLOBAL_PLACEHOLDERS}


def overridable_for_call() -> list[MailTemplateSpec]:
    return [s for s in SPECS if s.scope == "call"]


def overridable_for_program() -> list[MailTemplateSpec]:
    return [s for s in SPECS if s.scope in ("call", "program")]


#: Sample values of every placeholder, for a preview when the call has no application to show it on.
SAMPLES: dict[str, object] = {
    "call_title": {"zh-hans": "2027年度示例计划", "en": "Sample call 2027"},
    "title": "示例项目",
    "number": "SB-2027-000123",
    "applicant": "张三",
    "direction": {"zh-hans": "示例方向", "en": "Sample direction"},
    "revision": 1,
    "submitted_at": "2027-03-01T10:00:00+08:00",
    "deadline": "2027-03-31T17:00:00+08:00",
    "obligations": [{"zh-hans": "申报书内容真实。", "en": "The application is truthful."}],
    "link": "/applications/1/",
    "endorsed": True,
    "reason": "—",
    "outcome": "pass",
    "inviter": "李四",
    "stage_name": {"zh-hans": "函评", "en": "Written review"},
    "count": 3,
    "due": "2027-05-20",
    "awarded": True,
    "amount_yuan": 500000,
    "tier": {"zh-hans": "一等奖", "en": "First prize"},
    "comments": ["—"],
    "panel_opinions": ["—"],
    "sign_off_statements": ["—"],
    "author": "王五",
    "excerpt": "@张三 请看创新性一项。",
    "notice_ends": "2027-07-10T17:00:00+08:00",
    "upheld": True,
    "provisional": False,
    "last_day": False,
    "offered_to": "示例项目二",
    "project": "示例项目",
    "moment": "window",
    "overdue": False,
    "decision": "conditional",
    "reasons": "—",
    "tranche": 2,
    "report": {"zh-hans": "中期报告", "en": "Mid-term report"},
    "program": {"zh-hans": "示例项目计划", "en": "Sample program"},
    "role": {"zh-hans": "项目主管", "en": "Program officer"},
    "organisation": {"zh-hans": "示例大学", "en": "Sample University"},
    "login": "/accounts/login/",
    "reset": "/accounts/password/reset/",
    "closes_at": "2027-06-10T17:00:00+08:00",
    "max_characters": 3000,
    "old_pi": "张三",
    "new_pi": "李四",
    "recipient": "new",
    "old_institution": {"zh-hans": "示例大学", "en": "Sample University"},
    "new_institution": {"zh-hans": "示例研究所", "en": "Sample Institute"},
}


def sample_context(key: str) -> dict[str, object]:
    """Sample values of every placeholder of ``key`` (a deadline for ``deadline`` of an agreement is a day)."""
    data = {name: SAMPLES[name] for name in spec_for(key).placeholders}
    if "deadline" in data and spec_for(key).placeholders["deadline"].kind == Kind.DATE:
        data["deadline"] = "2027-08-15"
    if "outcome" in data and spec_for(key).placeholders["outcome"].kind == Kind.TEXT:
        data["outcome"] = "—"
    return data
