"""The access log of the documents reviewers read in the page or download."""

from __future__ import annotations

from shenbao.accounts.models import User
from shenbao.applications.models import Attachment
from shenbao.reviews.models import Assignment, DocumentAccess


def record_document_access(
    *, user: User, assignment: Assignment, mode: str, attachment: Attachment | None = None, document: str = ""
) -> DocumentAccess:
    """Log one view or download (``DocumentAccess.Mode``) of the application PDF (no attachment) or an attachment."""
    return DocumentAccess.objects.create(
        user=user,
        assignment=assignment,
        application_id=assignment.application_id,
        attachment=attachment,
        document=(document or (attachment.original_name if attachment else "application.pdf"))[:300],
        mode=mode,
    )
