"""The URL × role permission matrix (issue 15): every named URL pattern that names an object (an
application and its parts, a revision, an assignment, a stage, a call's staff pages and exports, an
agreement, a project, a guide import, an API token, the API's detail routes) is requested by every
identity, and nobody sees or changes what the table below does not give them.

The review pages' own matrix (tests/web/test_review_permissions.py) provides the world; this one
adds the identities it lacks (a team member, an institution officer of another organisation) and the
objects of later stages (an award's agreement and project with an amendment, a guide import), then walks the URL
configuration itself, so a new route fails here until the table says who may open it.

A *leak* is a refused identity that gets a 2xx answer (for GET: it saw the object; for POST: it may
have seen or changed it) or that changes anything.  Allowed identities must get 200 on GET, so the
table cannot drift into allowing nobody.  Writes by allowed identities are the feature tests' job.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from shenbao.accounts.enums import MembershipRole, OrgType
from shenbao.accounts.models import ApiToken, Membership, User
from shenbao.accounts.services.accounts import add_membership, create_organisation, register_user
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.models import Agreement
from shenbao.agreements.services.text import generate_text
from shenbao.applications.enums import InvitationStatus
from shenbao.applications.models import Application, Attachment, Partner, SavedSearch, TeamMember
from shenbao.awards.models import Award, SelectionRun
from shenbao.calls.models import ProgramRole
from shenbao.core.models import AuditEntry
from shenbao.documents.models import FileJob
from shenbao.guides.models import GuideImport
from shenbao.notifications.mail import notify
from shenbao.notifications.models import MailTemplateOverride, Message, Notification
from shenbao.projects.models import Amendment, Project, Report, Tranche
from shenbao.projects.services.changes import decide_change, request_change
from shenbao.projects.services.projects import start_projects
from shenbao.reviews.models import Assignment, PoolMember, Review, StageEntry
from tests.applications.fixtures import PDF
from tests.factories import api_token_key

pytestmark = pytest.mark.django_db

IDENTITIES = [
    "anonymous",
    "applicant",  # A: the application's applicant
    "other_applicant",  # B: the applicant of another application of the same call
    "team_member",  # an accepted member of A's team
    "institution_officer",  # an officer of A's lead organisation
    "other_institution_officer",  # an officer of another organisation
    "reviewer_assigned",
    "reviewer_unassigned",
    "other_program_staff",  # a program officer of another program
    "chair",  # the committee chair of the call's program
    "staff",  # a program officer of the call's program
]

#: Routes that take no object id, or a capability token instead of an id (the link is the secret;
#: tests/security/test_invitation_takeover.py and test_invitation_two_factor.py test them).
NOT_WALKED = {
    "web:invitation": "a mailed token, not an object id",
    "web:pool_invitation": "a mailed token, not an object id",
    "api-v1:api-root": "the API index",
}

APPLICANT_SIDE = {"applicant", "team_member", "institution_officer"}
PROGRAM_STAFF = {"staff"}
REVIEW_STAFF = {"staff", "chair"}
SIGNED_IN = set(IDENTITIES) - {"anonymous"}
EVERYONE = set(IDENTITIES)

#: Who may open each route (GET answers 200); everyone else must be refused.  POST-only routes
#: (GET answers 405) are posted to by everyone not listed, who must be refused and change nothing.
MATRIX: dict[str, set[str]] = {
    # public call pages
    "web:call_detail": EVERYONE,
    "web:call_form": EVERYONE,
    "web:apply": SIGNED_IN,
    "web:call_results": EVERYONE,
    "api-v1:call-detail": EVERYONE,  # the API's call list and details are public, as the pages are
    # an application and its parts
    "web:application": APPLICANT_SIDE | PROGRAM_STAFF,
    "web:application_save": {"applicant"},
    "web:application_eligibility": APPLICANT_SIDE | PROGRAM_STAFF,
    "web:application_invite": {"applicant"},
    "web:application_team_remove": {"applicant"},
    "web:application_partner": {"applicant"},
    "web:application_attach": {"applicant"},
    "web:application_attachment": APPLICANT_SIDE | PROGRAM_STAFF,
    "web:application_attachment_remove": {"applicant"},
    "web:application_exclusion": {"applicant"},
    "web:application_reconsideration": {"applicant"},
    "web:application_submit": {"applicant"},
    "web:application_withdraw": {"applicant"},
    "web:application_endorse": {"institution_officer"},
    "web:application_amend": {"applicant"},
    "web:application_obligation_breach": PROGRAM_STAFF,
    "web:application_form_docx": APPLICANT_SIDE | PROGRAM_STAFF,
    "web:application_form_upload": {"applicant"},
    "web:application_form_confirm": {"applicant"},
    "web:revision_pdf": APPLICANT_SIDE | PROGRAM_STAFF,
    "api-v1:application-detail": APPLICANT_SIDE | PROGRAM_STAFF,
    "api-v1:application-checks": APPLICANT_SIDE | PROGRAM_STAFF,
    "api-v1:application-formal-check": PROGRAM_STAFF,
    "api-v1:application-submit": {"applicant"},
    "api-v1:application-form": APPLICANT_SIDE | PROGRAM_STAFF,
    "api-v1:revision-pdf": APPLICANT_SIDE | PROGRAM_STAFF,
    "api-v1:application-team": APPLICANT_SIDE | PROGRAM_STAFF,
    "api-v1:application-team-member": APPLICANT_SIDE | PROGRAM_STAFF,
    "api-v1:application-partners": APPLICANT_SIDE | PROGRAM_STAFF,
    "api-v1:application-partner": APPLICANT_SIDE | PROGRAM_STAFF,
    "api-v1:application-attachments": APPLICANT_SIDE | PROGRAM_STAFF,
    "api-v1:application-attachment": APPLICANT_SIDE | PROGRAM_STAFF,
    "api-v1:application-amend": {"applicant"},
    "api-v1:application-withdraw": {"applicant"},
    "api-v1:invitation-accept": set(),  # a pending invitation to an address none of them has
    "api-v1:invitation-decline": set(),
    # reviews
    "web:assignment": {"reviewer_assigned", "staff"},
    "web:assignment_save": {"reviewer_assigned"},
    "web:assignment_submit": {"reviewer_assigned"},
    "web:assignment_conflict": {"reviewer_assigned"},
    "web:assignment_pdf": {"reviewer_assigned", "staff"},
    "web:assignment_attachment": {"reviewer_assigned", "staff"},
    "api-v1:review-detail": {"reviewer_assigned", "staff"},
    "api-v1:review-submit": {"reviewer_assigned"},
    "api-v1:stage-assign": PROGRAM_STAFF,
    "api-v1:stage-assignments": PROGRAM_STAFF,
    "api-v1:stage-ranking": REVIEW_STAFF,
    # staff pages of the call and its stages
    "web:formal_check": PROGRAM_STAFF,
    "web:formal_check_decide": PROGRAM_STAFF,
    "web:review_overview": PROGRAM_STAFF,
    "web:review_settings": PROGRAM_STAFF,
    "web:results_staff": PROGRAM_STAFF,
    "web:results_action": PROGRAM_STAFF,
    "web:selection_job": PROGRAM_STAFF,
    "web:call_statistics": PROGRAM_STAFF,
    "web:call_agreements": PROGRAM_STAFF,
    "web:call_agreements_extend": PROGRAM_STAFF,
    "web:call_projects": PROGRAM_STAFF,
    "web:pool_invite": PROGRAM_STAFF,
    "web:pool_update": PROGRAM_STAFF,
    "web:stage_open": PROGRAM_STAFF,
    "web:stage_board": PROGRAM_STAFF,
    "web:stage_bulk_lock": PROGRAM_STAFF,
    "web:stage_assign": PROGRAM_STAFF,
    "web:stage_assignment_job": PROGRAM_STAFF,
    # bidding (the call's accepted pool), discussion, panel opinion, notes, responses, reading (issue 20)
    "web:stage_bids": {"reviewer_assigned", "reviewer_unassigned"},
    "web:discussion": set(),  # the world's stage has no discussion (reviewer_discussion: never)
    "web:panel_opinion": set(),  # the panel head's form (POST); nobody here is a panel head
    "web:panel_heads": PROGRAM_STAFF,
    "web:application_notes": REVIEW_STAFF,
    "web:application_response": set(),  # the world's stage opens no response window
    "web:assignment_pdf_read": {"reviewer_assigned", "staff"},
    "web:assignment_attachment_read": {"reviewer_assigned", "staff"},
    "web:assignment_revise": set(),  # revising needs the applicant's response first
    "web:stage_responses": REVIEW_STAFF,
    "web:stage_responses_open": PROGRAM_STAFF,
    "web:stage_assign_manual": PROGRAM_STAFF,
    "web:assignment_change": PROGRAM_STAFF,
    "web:stage_ranking": REVIEW_STAFF,
    "web:stage_sign_off": {"chair"},
    "web:stage_advance": PROGRAM_STAFF,
    "web:live_reveal": REVIEW_STAFF,
    "web:live_panel": REVIEW_STAFF,
    "web:live_reveal_next": PROGRAM_STAFF,
    "web:topic_import": PROGRAM_STAFF,
    "web:partner_list": PROGRAM_STAFF,
    "web:application_import": PROGRAM_STAFF,
    "web:call_dashboard": PROGRAM_STAFF,
    "web:saved_search_create": PROGRAM_STAFF,
    "web:saved_search_delete": {"staff"},  # the staff member's own saved search
    # the call editor (its own tests: tests/web/test_call_editor.py)
    "web:call_editor": PROGRAM_STAFF,
    "web:call_editor_versions": PROGRAM_STAFF,
    "web:call_editor_diff": PROGRAM_STAFF,
    "web:call_editor_restore": PROGRAM_STAFF,
    "web:call_editor_import": PROGRAM_STAFF,
    "web:call_editor_export": PROGRAM_STAFF,
    "web:call_editor_explain": PROGRAM_STAFF,
    "web:call_editor_section": PROGRAM_STAFF,
    "web:call_editor_item_new": PROGRAM_STAFF,
    "web:call_editor_move": PROGRAM_STAFF,
    "web:call_editor_item": PROGRAM_STAFF,
    # exports
    "web:call_export": PROGRAM_STAFF,
    "web:call_pdfs": PROGRAM_STAFF,
    # files prepared in the background: only the staff member who asked for one opens it
    "web:file_job": {"staff"},
    "web:file_job_progress": {"staff"},
    "web:file_job_download": {"staff"},
    "api-v1:call-export": PROGRAM_STAFF,
    "api-v1:file-job": {"staff"},
    "api-v1:file-job-download": {"staff"},
    # agreements and projects
    "web:agreement": {"applicant", "institution_officer", "staff"},
    "web:agreement_confirm": {"applicant", "institution_officer", "staff"},
    "web:agreement_decline": {"applicant"},
    "web:agreement_budget": PROGRAM_STAFF,  # the approved budget (核定预算): the call's program officers
    "web:agreement_text": {"applicant", "institution_officer", "staff"},
    # a change approval record (变更批复): whoever may see the agreement (the old PI no longer: tests/projects/test_amendments.py)
    "web:agreement_amendment": {"applicant", "institution_officer", "staff"},
    "web:call_agreement_template": PROGRAM_STAFF,
    "web:agreement_overdue": PROGRAM_STAFF,
    "web:project": {"applicant", "staff"},
    "web:project_action": {"applicant", "staff"},
    # the disbursement schedule and the reports' review: the PI reads, the program's staff act
    "web:project_disbursement": {"applicant", "staff"},
    "web:project_reports": {"applicant", "staff"},
    "web:call_disbursement": PROGRAM_STAFF,
    # the call's reports awaiting review: its officers name experts through the assignment solver
    "web:call_report_reviews": PROGRAM_STAFF,
    # the post-award API: the same predicates as the pages (the agreement's as the agreement page's)
    "api-v1:project-tranches": {"applicant", "staff"},
    "api-v1:project-reports": {"applicant", "staff"},
    "api-v1:project-report-decision": PROGRAM_STAFF,  # POST only: the program's staff decide a report
    "api-v1:project-changes": {"applicant", "staff"},
    "api-v1:project-agreement": {"applicant", "institution_officer", "staff"},
    "api-v1:project-agreement-document": {"applicant", "institution_officer", "staff"},
    "api-v1:project-amendments": {"applicant", "institution_officer", "staff"},
    "api-v1:project-amendment-document": {"applicant", "institution_officer", "staff"},
    # guide imports (staff's own uploads)
    "web:guide_detail": PROGRAM_STAFF,
    "web:guide_edit": PROGRAM_STAFF,
    "web:guide_save_call": PROGRAM_STAFF,
    "web:guide_directions": PROGRAM_STAFF,
    "web:guide_directions_preview": PROGRAM_STAFF,
    "web:guide_progress": PROGRAM_STAFF,
    # the program office's workspace: status, clone, revision checklist, audit log, people, outbox
    "web:call_manage": PROGRAM_STAFF,
    "web:call_transition": PROGRAM_STAFF,
    "web:call_clone": PROGRAM_STAFF,
    "web:call_revision": PROGRAM_STAFF,
    "web:call_audit": PROGRAM_STAFF,
    "web:application_audit": PROGRAM_STAFF,
    "web:call_people": PROGRAM_STAFF,
    "web:role_invite": PROGRAM_STAFF,
    "web:role_revoke": PROGRAM_STAFF,
    "web:people_pool_invite": PROGRAM_STAFF,
    "web:pool_remove": PROGRAM_STAFF,
    "web:call_outbox": PROGRAM_STAFF,
    "web:call_outbox_action": PROGRAM_STAFF,
    "web:call_outbox_message": PROGRAM_STAFF,
    # mail templates: the program's staff read them (the chair too), its officers change them (POST)
    "web:call_mail_templates": REVIEW_STAFF,
    "web:call_mail_template": REVIEW_STAFF,
    "web:program_mail_templates": REVIEW_STAFF,
    "web:program_mail_template": REVIEW_STAFF,
    "web:bulk_mail": PROGRAM_STAFF,  # program officers of the call only: not the chair, not other programs
    # the user's own in-app notifications (the applicant's here)
    "web:notification_open": {"applicant"},
    "web:notification_read": {"applicant"},
    "api-v1:notification-read": {"applicant"},
    # institution officers are appointed by administrators only (none of the identities here)
    "web:organisation_officers": set(),
    "web:officer_revoke": set(),
    # the user's own API tokens
    "web:api_token_revoke": {"applicant"},
}


#: Allowed identities get 200 on GET, except where the world holds nothing to show them.
ALLOWED_ANSWER = {
    "web:application_form_confirm": 404,  # confirms an uploaded Word form; none is waiting
    "web:partner_list": 404,  # only a bilateral call has a partner agency's list; seed 000 is none
    "web:notification_open": 302,  # marks the notification read and goes to its link
    "web:stage_assignment_job": 404,  # the panel of a background run; none has been queued here
    "web:selection_job": 404,  # the panel of a background selection; none has been queued here
}


def _patterns() -> list[tuple[str, str, list[str]]]:
    """(namespaced name, route, argument names) of every named route with arguments."""
    found: list[tuple[str, str, list[str]]] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
                walk(p.url_patterns, prefix + str(p.pattern), inner or "")
            elif isinstance(p, URLPattern) and p.name:
                arguments = [a for a in p.pattern.regex.groupindex if a != "format"]
                if arguments and not prefix.startswith(("admin/", "accounts/")):
                    found.append((f"{namespace}:{p.name}" if namespace else p.name, prefix + str(p.pattern), arguments))

    walk(get_resolver().url_patterns, "", "")
    return found


@pytest.fixture
def matrix(world: dict[str, Any], settings: Any, tmp_path: Any) -> dict[str, Any]:
    """The review world, with a team member, another organisation's officer, an agreement, a project
    with an approved extension (its amendment), a partner, a guide import and the applicant's API token."""
    settings.MEDIA_ROOT = tmp_path
    users: dict[str, User | None] = dict(world["users"])
    mine: Application = world["mine"]
    call = world["call"]
    member_user = register_user(email="member@example.com", password=None, name="团队成员")
    member = TeamMember.objects.create(
        application=mine, email=member_user.email, name="团队成员", role="member", token="matrix-team-token"
    )
    TeamMember.objects.filter(pk=member.pk).update(status=InvitationStatus.ACCEPTED, user=member_user)
    pending = TeamMember.objects.create(application=mine, email="pending@example.com", name="待定", role="member", token="t2")
    elsewhere = create_organisation(name={"zh-hans": "别的大学"}, type=OrgType.UNIVERSITY)
    other_io = register_user(email="other-io@example.com", password=None, name="别的单位管理员")
    add_membership(user=other_io, organisation=elsewhere, role=MembershipRole.OFFICER)
    users |= {"team_member": member_user, "other_institution_officer": other_io}
    partner = Partner.objects.create(application=mine, side="foreign", name="ETH", type="university", country="CH")
    award = Award.objects.create(
        call=call, application=mine, run=SelectionRun.objects.create(call=call), direction=mine.direction, amount_yuan=100
    )
    agreement = Agreement.objects.create(award=award, status=AgreementStatus.SIGNED)
    assert start_projects(call=call, actor=users["staff"], start=dt.date(2026, 1, 5)) == 1  # type: ignore[arg-type]
    Tranche.objects.create(
        project=Project.objects.get(agreement=agreement),
        position=1,
        amount_yuan=50,
        condition="on_date",
        planned_on=dt.date(2026, 6, 1),
    )
    # A mid-term report in review, so a refused decision is refused for who sends it.
    report = Report.objects.create(project=Project.objects.get(agreement=agreement), kind="midterm", text="进展")
    # The agreement waits for confirmations again, so refused confirmations are refused for who sends
    # them, not because it is already signed.
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.PENDING)
    generate_text(agreement=agreement, actor=users["staff"])  # type: ignore[arg-type]
    # An approved extension: the project's first change approval record (amendment number 1).
    project = Project.objects.get(agreement=agreement)
    extension = request_change(
        project=project,
        kind="extension",
        reason="延期",
        new_end_date=project.end_date + dt.timedelta(days=90),
        actor=users["applicant"],  # type: ignore[arg-type]
    )
    decide_change(change=extension, approve=True, note="同意", actor=users["staff"])
    guide = GuideImport.objects.create(uploaded_by=users["staff"], file_kind="txt", source_text="指南")
    job = FileJob.objects.create(
        call=call, kind="applications", file_format="csv", language="en", requested_by=users["staff"], status="done"
    )
    job.result.save("applications.csv", ContentFile(b"receipt\n"), save=False)
    FileJob.objects.filter(pk=job.pk).update(result=job.result.name, filename="applications.csv")
    api_token_key(users["applicant"], name="matrix")  # type: ignore[arg-type]
    message = notify(to="someone@example.com", language="zh-hans", template="receipt", context={"number": "1"}, call=call)
    notify(to=users["applicant"].email, language="zh-hans", template="receipt", context={"number": "2"}, call=call)  # type: ignore[union-attr]
    notification = Notification.objects.get(user=users["applicant"])
    staff_role = ProgramRole.objects.filter(user=users["staff"], program=call.program).first()
    officer_membership = Membership.objects.filter(user=users["institution_officer"]).first()
    search = SavedSearch.objects.create(user=users["staff"], name="matrix", query="state:submitted")
    attachment = Attachment(application=mine, document_code="application-form", original_name="申报表.pdf", size=len(PDF))
    attachment.file.save("form.pdf", ContentFile(PDF), save=True)
    ids = {
        "code": call.code,
        "pk": None,  # per route
        "number": 1,
        "member_pk": member.pk,
        "partner_pk": partner.pk,
        "attachment_pk": attachment.pk,
        "assignment_pk": world["assignment"].pk,
        "token_pk": ApiToken.objects.get(name="matrix").pk,
        "kind": "applications",
        "section": "eligibility",  # the call editor's sections; seed 000 has criteria
        "index": 0,
        "file_format": "csv",
        "role_pk": staff_role.pk if staff_role else 0,
        "membership_pk": officer_membership.pk if officer_membership else 0,
        "key": "receipt",
        "stage_pk": world["stage"].pk,
        "application_pk": mine.pk,
        "report_pk": report.pk,
    }
    objects = {
        "application": mine.pk,
        "assignment": world["assignment"].pk,
        "stage": world["stage"].pk,
        "agreement": agreement.pk,
        "project": Project.objects.get(agreement=agreement).pk,
        "guide": guide.pk,
        "job": job.pk,
        "invitation": pending.pk,  # nobody here is its invitee
        "review": world["assignment"].pk,
        "message": message.pk,
        "notification": notification.pk,
        "organisation": officer_membership.organisation_id if officer_membership else 0,
        "saved_search": search.pk,
        "program": call.program_id,
    }
    return {**world, "users": users, "ids": ids, "objects": objects}


def _pk_of(name: str, route: str, objects: dict[str, int]) -> int:
    for prefix, kind in (
        ("outbox/", "message"),
        ("notifications/", "notification"),
        ("staff/organisations/", "organisation"),
        ("staff/programs/", "program"),
        ("applications/", "application"),
        ("review/assignments/", "assignment"),
        ("staff/stages/", "stage"),
        ("agreements/", "agreement"),
        ("projects/", "project"),
        ("staff/guides/", "guide"),
        ("staff/jobs/", "job"),
        ("jobs/", "job"),
        ("staff/searches/", "saved_search"),
        ("invitations/", "invitation"),
        ("reviews", "review"),
        ("stages", "stage"),
    ):
        if prefix in route.replace("^", ""):
            return objects[kind]
    raise AssertionError(f"no object for {name} ({route})")


def _url(name: str, route: str, arguments: list[str], matrix: dict[str, Any]) -> str:
    from django.urls import reverse

    kwargs = {a: matrix["ids"][a] if a != "pk" else _pk_of(name, route, matrix["objects"]) for a in arguments}
    return reverse(name, kwargs=kwargs)


def _state() -> tuple[Any, ...]:
    return (
        sorted(Application.objects.values_list("pk", "state", "version", "title")),
        sorted(TeamMember.objects.values_list("pk", "status", "user_id")),
        sorted(Partner.objects.values_list("pk", "name")),
        sorted(Attachment.objects.values_list("pk", "application_id")),
        sorted(Review.objects.values_list("assignment_id", "state", "version")),
        sorted(Assignment.objects.values_list("pk", "status", "locked")),
        sorted(StageEntry.objects.values_list("pk", "status")),
        sorted(PoolMember.objects.values_list("pk", "status", "load_limit")),
        sorted(Agreement.objects.values_list("pk", "status", "text_sha256")),
        sorted(Project.objects.values_list("pk", "status")),
        sorted(Tranche.objects.values_list("pk", "status", "amount_yuan")),
        sorted(Report.objects.values_list("pk", "status", "decision_reasons")),
        sorted(Amendment.objects.values_list("pk", "number", "sha256")),
        sorted(ApiToken.objects.values_list("pk", "revoked_at")),
        sorted(GuideImport.objects.values_list("pk", "status", "call_id")),
        sorted(FileJob.objects.values_list("pk", "status", "requested_by_id")),
        sorted(Message.objects.values_list("pk", "state", "subject")),
        sorted(Notification.objects.values_list("pk", "user_id", "read_at")),
        sorted(ProgramRole.objects.values_list("pk", "role", "user_id")),
        sorted(Membership.objects.values_list("pk", "role", "end_date")),
        sorted(SavedSearch.objects.values_list("pk", "user_id", "name", "query")),
        sorted(MailTemplateOverride.objects.values_list("pk", "key", "version")),
        AuditEntry.objects.count(),
    )


def _client(user: User | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def test_every_route_that_names_an_object_is_in_the_table() -> None:
    names = {name for name, _route, _arguments in _patterns()}
    assert sorted(names - set(MATRIX) - set(NOT_WALKED)) == []
    assert sorted(set(MATRIX) - names) == []


def test_url_by_role_matrix_has_no_leak(matrix: dict[str, Any], settings: Any, capsys: Any) -> None:
    settings.SHENBAO_API_RATES = {"user_burst": None, "user_day": None, "anonymous": None}
    dump = os.environ.get("SHENBAO_MATRIX_DUMP") == "1"
    routes = {}
    for name, route, arguments in _patterns():
        if name not in NOT_WALKED:
            routes.setdefault(name, (route, arguments))
    pairs, requests, leaks, wrong = 0, 0, [], []
    observed: dict[str, dict[str, int]] = {}
    clients = {role: _client(matrix["users"][role]) for role in IDENTITIES}
    for name, (route, arguments) in sorted(routes.items()):
        url = _url(name, route, arguments, matrix)
        allowed = MATRIX[name]
        # Refused identities first, so each refusal is checked against the untouched state.
        for role in [r for r in IDENTITIES if r not in allowed] + [r for r in IDENTITIES if r in allowed]:
            pairs += 1
            client = clients[role]
            before = _state()
            status = client.get(url).status_code
            requests += 1
            observed.setdefault(name, {})[role] = status
            if role in allowed:
                if status not in (405, ALLOWED_ANSWER.get(name, 200)):
                    wrong.append((name, role, status))
                continue  # what allowed identities may write is the feature tests' job
            if 200 <= status < 300 or _state() != before:
                leaks.append((name, role, "GET", status))
            # A refused identity tries to write too: a POST-only page, and every API route's writes.
            writes = ("post", "patch", "delete") if name.startswith("api-v1:") else ("post",) if status == 405 else ()
            for method in writes:
                answer = getattr(client, method)(url, {}, content_type="application/json").status_code
                requests += 1
                if answer != 405 and (200 <= answer < 300 or _state() != before):
                    leaks.append((name, role, method.upper(), answer))
    with capsys.disabled():
        print(f"\nURL x role pairs: {pairs}, leaks: {len(leaks)} ({requests} requests over {len(routes)} routes)")
        if dump:
            for name, row in observed.items():
                if name.startswith("api") or any(n == name for n, *_ in leaks + wrong):
                    print(name, row)
    assert leaks == []
    assert wrong == []


#: Staff pages that name no object, so the walk above does not reach them: who may open each (200);
#: everyone else is refused (403, or the login page for the anonymous) and the link is not shown to them.
OBJECTLESS: dict[str, tuple[str, set[str]]] = {
    # A new call is one of the user's own programs: a program officer of any program (or an administrator).
    "/staff/editor/new-call/": ('class="new-call"', {"staff", "other_program_staff"}),
}


def test_staff_pages_without_an_object_follow_their_table(matrix: dict[str, Any]) -> None:
    wrong = []
    for url, (link, allowed) in OBJECTLESS.items():
        for role in IDENTITIES:
            client = _client(matrix["users"][role])
            status = client.get(url).status_code
            expected = 200 if role in allowed else 302 if role == "anonymous" else 403
            shown = role != "anonymous" and link in client.get("/staff/").content.decode()
            if status != expected or shown != (role in allowed):
                wrong.append((url, role, status, shown))
    assert wrong == []
