"""What a reviewer sees: their assignments, the application as submitted (identity hidden where the
stage says so), and the other reviews when the stage allows."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import translation

from shenbao.applications.models import ApplicationRevision, Attachment
from shenbao.calls.definition.schema import FieldType
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.text import text_get
from shenbao.reviews.enums import AssignmentStatus, ReviewState
from shenbao.reviews.models import Assignment, Review
from shenbao.reviews.queries.stages import stage_definition


def assignments_of(user: Any) -> QuerySet[Assignment]:
    """The reviewer's active assignments, newest stage first."""
    if not getattr(user, "is_authenticated", False):
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(reviewer=user, status=AssignmentStatus.ACTIVE)
        .select_related("stage__call", "application__direction", "review")
        .order_by("-stage__call__deadline", "stage__position", "application__receipt_number")
    )


def get_assignment_for(user: Any, pk: int) -> Assignment | None:
    """The assignment if ``user`` may see it (its reviewer while active, or the stage's officers)."""
    assignment = (
        Assignment.objects.select_related("stage__call__program", "application__direction", "application__call")
        .filter(pk=pk)
        .first()
    )
    if assignment is None or not user.has_perm("reviews.view_assignment", assignment):
        return None
    return assignment


def submitted_view(assignment: Assignment) -> dict[str, Any]:
    """The application as last submitted (its frozen revision), labelled from the call's form."""
    application = assignment.application
    revision = ApplicationRevision.objects.filter(application=application).order_by("-number").first()
    content: dict[str, Any] = revision.content if revision else {}
    definition = current_definition(application.call)
    language = translation.get_language()
    values = content.get("values", {})
    fields = [
        # ``field`` lets the page present structured values (a budget table) the way documents print them.
        {"label": f.label.get(language), "value": values.get(f.code), "field": f}
        for f in definition.form
        if f.binds is None and f.code in values and values.get(f.code) not in (None, "", [])
    ]
    hidden = stage_definition(assignment.stage).applicant_identity_hidden
    submitted = list(
        Attachment.objects.filter(
            application=application, sha256__in=[a.get("sha256") for a in content.get("attachments", []) if a.get("sha256")]
        )
        .exclude(file="")
        .order_by("pk")
    )
    # In a stage that hides identity only the documents the call marks anonymous are shown; the
    # others (a pre-filled 申报表 carries the applicant's name) are listed as withheld, with why.
    names = {d.code: d.name.get(language) for d in definition.required_documents}
    # A form's file fields are kept as attachments under their codes: withheld ones are named by their label.
    names |= {f.code: f.label.get(language) for f in definition.form if f.type == FieldType.FILE}
    readable = {d.code for d in definition.required_documents if d.anonymous} if hidden else None
    attachments = [a for a in submitted if readable is None or a.document_code in readable]
    withheld = [
        names.get(a.document_code, a.document_code) for a in submitted if readable is not None and a.document_code not in readable
    ]
    identity = None
    if not hidden:
        identity = {
            "applicant": str(application.applicant),
            "lead": text_get(application.lead_organisation.name, language) if application.lead_organisation else "",
            "team": [m for m in content.get("team", []) if m.get("status") == "accepted"],
            "partners": content.get("partners", []),
        }
    return {
        "revision": revision,
        "title": content.get("title", application.title),
        "english_title": content.get("english_title", ""),
        "duration_months": content.get("duration_months"),
        "requested_yuan": content.get("requested_yuan"),
        "fields": fields,
        # The documents as submitted (the revision's hashes), not whatever the application holds today.
        "attachments": attachments,
        "withheld": withheld,
        "identity_hidden": hidden,
        "identity": identity,
    }


def other_reviews(assignment: Assignment) -> list[Review]:
    """The other reviewers' submitted reviews of the same application in the same stage (anonymous)."""
    return list(
        Review.objects.filter(
            assignment__stage=assignment.stage,
            assignment__application=assignment.application,
            assignment__status=AssignmentStatus.ACTIVE,
            state=ReviewState.SUBMITTED,
        )
        .exclude(assignment=assignment)
        .order_by("submitted_at")
    )


def review_of(assignment: Assignment) -> Review:
    """The assignment's review as saved, or a blank unsaved one (viewing creates nothing)."""
    return Review.objects.filter(assignment=assignment).first() or Review(assignment=assignment)


def attachment_readable(assignment: Assignment, attachment: Attachment) -> bool:
    """Whether the assignment's reviewer may open this document: every one, unless the stage hides
    the applicant's identity and the call does not mark the document anonymous."""
    if not stage_definition(assignment.stage).applicant_identity_hidden:
        return True
    definition = current_definition(assignment.application.call)
    return any(d.code == attachment.document_code and d.anonymous for d in definition.required_documents)
