"""Conflicts of interest (回避) between a call's reviewers and its applications, with the reason for each.

All conflicts are hard: the assignment solver never pairs a conflicted reviewer and application.
Pairs are found through indexes (organisation → reviewers, e-mail → reviewer, name → reviewers),
so the work grows with the number of conflicts, not with applications × reviewers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from shenbao.accounts.models import Membership, Publication
from shenbao.accounts.publications import name_keys
from shenbao.applications.enums import InvitationStatus
from shenbao.applications.models import Application, Partner, TeamMember
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.reviews.enums import ConflictKind, PoolStatus
from shenbao.reviews.models import ConflictSource, DeclaredConflict, ExclusionRequest, PoolMember


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    detail: str  # what matched: an organisation's name, an e-mail, the reviewer's or applicant's stated reason
    source: str = ""  # where it comes from when not the kind itself: "bid", "publication"


Pair = tuple[int, int]  # (application id, reviewer user id)


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def conflicts_for_call(
    call: Call, *, application_ids: Iterable[int] | None = None, reviewer_ids: Iterable[int] | None = None
) -> dict[Pair, list[Conflict]]:
    """Every conflicted (application, reviewer) pair of the call's pool, with all its reasons."""
    policy = current_definition(call).review_policy
    today = timezone.localdate()
    since = _years_ago(today, policy.institution_conflict_years)

    pool = PoolMember.objects.filter(call=call).exclude(status=PoolStatus.DECLINED).select_related("user__person")
    if reviewer_ids is not None:
        pool = pool.filter(user_id__in=list(reviewer_ids))
    members = list(pool)
    reviewer_ids_all = [m.user_id for m in members]
    applications = Application.objects.filter(call=call).select_related("applicant__person")
    if application_ids is not None:
        applications = applications.filter(pk__in=list(application_ids))
    apps = list(applications.only("pk", "applicant_id", "lead_organisation_id", "applicant__email", "applicant__person__name"))
    app_ids = [a.pk for a in apps]

    # Reviewers' institutions: current ones, and those left within the look-back period.
    by_org: dict[int, set[int]] = defaultdict(set)
    by_org_name: dict[str, set[int]] = defaultdict(set)
    org_names: dict[int, str] = {}
    for membership in (
        Membership.objects.filter(user_id__in=reviewer_ids_all)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=since))
        .select_related("organisation")
    ):
        by_org[membership.organisation_id].add(membership.user_id)
        name = membership.organisation.display_name(None)
        org_names[membership.organisation_id] = name
        by_org_name[_norm(name)].add(membership.user_id)
        for alias in (membership.organisation.name or {}).values():
            by_org_name[_norm(alias)].add(membership.user_id)
    by_email = {m.user.email.casefold(): m.user_id for m in members}
    by_name: dict[str, set[int]] = defaultdict(set)
    for m in members:
        person = getattr(m.user, "person", None)
        if person is not None and person.name:
            by_name[_norm(person.name)].add(m.user_id)
    collaborators: dict[str, set[int]] = defaultdict(set)
    for m in members:
        for entry in m.collaborators:
            collaborators[_norm(entry)].add(m.user_id)
    reviewer_set = set(reviewer_ids_all)
    # Co-authors of the reviewers' publications of the last N years (issue 20), by name.
    coauthors: dict[str, dict[int, str]] = defaultdict(dict)  # name key → reviewer → publication title
    if policy.coauthor_conflict_years:
        first_year = today.year - policy.coauthor_conflict_years
        for user_id, title, names in Publication.objects.filter(user_id__in=reviewer_ids_all, year__gte=first_year).values_list(
            "user_id", "title", "coauthors"
        ):
            for coauthor in names:
                for key in name_keys(coauthor):
                    coauthors[key].setdefault(user_id, title)

    # The applications' people and institutions.
    people_orgs: dict[int, set[int]] = defaultdict(set)  # user id → current organisation ids
    team = list(TeamMember.objects.filter(application_id__in=app_ids).exclude(status=InvitationStatus.DECLINED))
    user_ids = {a.applicant_id for a in apps} | {t.user_id for t in team if t.user_id}
    for membership in Membership.objects.filter(user_id__in=user_ids, end_date__isnull=True).select_related("organisation"):
        people_orgs[membership.user_id].add(membership.organisation_id)
        org_names.setdefault(membership.organisation_id, membership.organisation.display_name(None))
    team_by_app: dict[int, list[TeamMember]] = defaultdict(list)
    for t in team:
        team_by_app[t.application_id].append(t)
    partners_by_app: dict[int, list[str]] = defaultdict(list)
    for application_id, name in Partner.objects.filter(application_id__in=app_ids).values_list("application_id", "name"):
        partners_by_app[application_id].append(name)

    found: dict[Pair, list[Conflict]] = defaultdict(list)

    def add(app_id: int, reviewers: Iterable[int], conflict: Conflict) -> None:
        for reviewer in reviewers:
            if reviewer in reviewer_set and conflict not in found[(app_id, reviewer)]:
                found[(app_id, reviewer)].append(conflict)

    for a in apps:
        orgs = set(people_orgs[a.applicant_id])
        if a.lead_organisation_id:
            orgs.add(a.lead_organisation_id)
        for t in team_by_app[a.pk]:
            if t.user_id and t.status == InvitationStatus.ACCEPTED:
                orgs |= people_orgs[t.user_id]
        for org in orgs:
            add(a.pk, by_org.get(org, ()), Conflict(ConflictKind.SAME_INSTITUTION, org_names.get(org, "")))
        for name in partners_by_app[a.pk]:
            add(a.pk, by_org_name.get(_norm(name), ()), Conflict(ConflictKind.SAME_INSTITUTION, name))
        people = [(a.applicant.email, getattr(getattr(a.applicant, "person", None), "name", ""))]
        people += [(t.email, t.name) for t in team_by_app[a.pk]]
        for email, name in people:
            reviewer = by_email.get(email.casefold())
            if reviewer is not None:
                add(a.pk, [reviewer], Conflict(ConflictKind.OWN_APPLICATION, email))
            for key in (email, name):
                if key:
                    add(a.pk, collaborators.get(_norm(key), ()), Conflict(ConflictKind.COLLABORATOR, key))
            if coauthors and name:
                matched_titles: dict[int, str] = {}
                for key in name_keys(name):
                    for reviewer, title in coauthors.get(key, {}).items():
                        matched_titles.setdefault(reviewer, title)
                for reviewer, title in matched_titles.items():
                    add(a.pk, [reviewer], Conflict(ConflictKind.COLLABORATOR, f"{name} · {title}", source="publication"))

    declared = DeclaredConflict.objects.filter(call=call, reviewer_id__in=reviewer_ids_all)
    apps_by_org: dict[int, set[int]] = defaultdict(set)
    for a in apps:
        if a.lead_organisation_id:
            apps_by_org[a.lead_organisation_id].add(a.pk)
        for org in people_orgs[a.applicant_id]:
            apps_by_org[org].add(a.pk)
    app_set = set(app_ids)
    for d in declared:
        targets = {d.application_id} if d.application_id else apps_by_org.get(d.organisation_id or 0, set())
        for app_id in targets & app_set:
            add(
                app_id,
                [d.reviewer_id],
                Conflict(ConflictKind.REVIEWER_DECLARED, d.reason, source="bid" if d.source == ConflictSource.BID else ""),
            )

    for request in ExclusionRequest.objects.filter(application_id__in=app_ids):
        matched: set[int] = set()
        if request.email and request.email.casefold() in by_email:
            matched.add(by_email[request.email.casefold()])
        else:
            matched |= by_name.get(_norm(request.name), set())
            # The organisation narrows a common name down; spelt differently, it does not undo the match.
            narrowed = matched & by_org_name.get(_norm(request.organisation), set()) if request.organisation else set()
            matched = narrowed or matched
        add(request.application_id, matched, Conflict(ConflictKind.APPLICANT_EXCLUDED, request.reason))
    return dict(found)
