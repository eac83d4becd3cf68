"""Who a bulk mail goes to: the people of a list of applications, or the reviewers of a stage.

A fixed number of queries whatever the size of the list.  Lives in ``reviews`` because two of the
lists are a stage's (its applications — the finalists of 答辩 or 决赛 — and its reviewers with
overdue reviews) and the staff list's filter is read here too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.models import Membership, User
from shenbao.applications.enums import InvitationStatus
from shenbao.applications.models import Application, TeamMember
from shenbao.calls.models import Call, ReviewStage
from shenbao.core.text import text_get
from shenbao.notifications.bulk import Recipient, deduplicate
from shenbao.notifications.enums import BulkAudience
from shenbao.reviews.enums import AssignmentStatus, EntryStatus, ReviewState
from shenbao.reviews.models import Assignment
from shenbao.reviews.queries.stages import stage_definition

#: Which reviewers of a stage: those whose reviews are overdue (not submitted after the stage's due
#: date), those with any review not submitted, or every reviewer with an assignment.
REVIEWER_CHOICES = ("overdue", "pending", "all")
#: Which applications of a stage: every one in it, or those that advanced from it.
ENTRY_CHOICES = ("all", "advanced")


def _person_name(user: User) -> str:
    person = getattr(user, "person", None)
    return (person.name if person is not None and person.name else "") or user.display_name or user.email


def _values(application: Application, language: str) -> dict[str, str]:
    return {
        "application_title": application.title,
        "receipt_number": application.receipt_number or "",
        "call_title": text_get(application.call.title, language),
    }


def application_recipients(applications: Iterable[Application], audience: str) -> list[Recipient]:
    """One row per person and application: the applicants, the applicants and their accepted team
    members, or the current officers of each lead organisation; repeats removed."""
    apps = list(applications)
    ids = [a.pk for a in apps]
    rows: list[Recipient] = []

    def add(user: User | None, email: str, name: str, language: str, application: Application) -> None:
        rows.append(
            Recipient(
                email=email,
                name=name,
                language=language,
                values=_values(application, language),
                link=reverse("web:application", args=[application.pk]),
                related=application,
                user=user,
            )
        )

    if audience in (BulkAudience.APPLICANTS, BulkAudience.TEAMS):
        team: dict[int, list[TeamMember]] = {}
        if audience == BulkAudience.TEAMS:
            for member in (
                TeamMember.objects.filter(application_id__in=ids, status=InvitationStatus.ACCEPTED)
                .select_related("user")
                .order_by("pk")
            ):
                team.setdefault(member.application_id, []).append(member)
        for application in apps:
            applicant = application.applicant
            if applicant.is_active:
                add(applicant, applicant.email, _person_name(applicant), applicant.language, application)
            for member in team.get(application.pk, []):
                user = member.user if member.user is not None and member.user.is_active else None
                language = user.language if user is not None else applicant.language
                add(user, member.email, member.name or member.email, language, application)
    elif audience == BulkAudience.OFFICERS:
        officers: dict[int, list[User]] = {}
        organisations = {a.lead_organisation_id for a in apps if a.lead_organisation_id is not None}
        for membership in (
            Membership.objects.filter(
                organisation_id__in=organisations, role=MembershipRole.OFFICER, end_date__isnull=True, user__is_active=True
            )
            .select_related("user__person")
            .order_by("user_id")
        ):
            officers.setdefault(membership.organisation_id, []).append(membership.user)
        for application in apps:
            for officer in officers.get(application.lead_organisation_id or 0, []):
                add(officer, officer.email, _person_name(officer), officer.language, application)
    return deduplicate(rows)


def with_mail_columns(rows: QuerySet[Application]) -> QuerySet[Application]:
    """What ``application_recipients`` reads of each application, in the list's query."""
    return rows.select_related("applicant__person", "call")


def stage_applications(stage: ReviewStage, which: str) -> QuerySet[Application]:
    """The applications in a stage (``all``), or those that advanced from it (``advanced``)."""
    entries = stage.entries.all()
    if which == "advanced":
        entries = entries.filter(status=EntryStatus.ADVANCED)
    return with_mail_columns(Application.objects.filter(pk__in=entries.values("application_id"))).order_by(
        "direction__position", "receipt_number", "pk"
    )


def _overdue(stage: ReviewStage, today: dt.date | None = None) -> bool:
    due = stage_definition(stage).due
    return due is not None and due < (today or timezone.localdate())


def reviewer_recipients(stage: ReviewStage, which: str, *, today: dt.date | None = None) -> list[Recipient]:
    """One row per reviewer of the stage: with overdue reviews (none before the stage's due date
    has passed), with any review not submitted, or all with an active assignment."""
    if which == "overdue" and not _overdue(stage, today):
        return []
    assignments = Assignment.objects.filter(stage=stage, status=AssignmentStatus.ACTIVE)
    if which in ("overdue", "pending"):
        assignments = assignments.exclude(review__state=ReviewState.SUBMITTED)
    reviewers = (
        User.objects.filter(pk__in=assignments.values("reviewer_id"), is_active=True).select_related("person").order_by("pk")
    )
    call = stage.call
    link = reverse("web:my_reviews")
    return deduplicate(
        [
            Recipient(
                email=user.email,
                name=_person_name(user),
                language=user.language,
                values={"call_title": text_get(call.title, user.language)},
                link=link,
                related=stage,
                user=user,
            )
            for user in reviewers
        ]
    )


def stage_of(call: Call, pk: int | None) -> ReviewStage | None:
    """A scoring stage of this call (never another call's)."""
    if pk is None:
        return None
    return ReviewStage.objects.select_related("call").filter(call=call, pk=pk).exclude(kind="formal_check").first()
