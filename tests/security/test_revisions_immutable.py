"""Submitted documents cannot be destroyed (issue 15, item 6): a revision is immutable, so taking a
document off a returned application drops the draft's link only; the file revision 1 holds stays."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from shenbao.accounts.services.accounts import register_user
from shenbao.applications.models import Application, Attachment
from shenbao.applications.services.formal_check import decide_formal_check
from shenbao.applications.services.parts import remove_attachment
from shenbao.applications.services.submission import submit_application

pytestmark = pytest.mark.django_db


def test_removing_a_document_of_a_returned_application_keeps_the_file_revision_1_holds(
    ready_application: Callable[..., Application],
) -> None:
    application = ready_application()
    attachment = application.attachments.exclude(file="").get()
    stored = attachment.file.name
    submit_application(application=application, actor=application.applicant)
    revision = application.revisions.get(number=1)
    assert [a["file"] for a in revision.content["attachments"]] == [stored]
    officer = register_user(email="officer@example.com", password=None, name="主管")
    decide_formal_check(applications=[application], outcome="return", reason="补充盖章", actor=officer)
    application.refresh_from_db()
    remove_attachment(attachment=Attachment.objects.get(pk=attachment.pk), actor=application.applicant)
    assert not application.attachments.filter(pk=attachment.pk).exists()  # the draft's link is gone
    assert default_storage.exists(stored)  # the revision's file is not


def test_removing_a_document_never_submitted_deletes_its_file(ready_application: Callable[..., Application]) -> None:
    application = ready_application()
    extra = Attachment(application=application, document_code="other", original_name="x.pdf", size=9)
    extra.file.save("x.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    stored = extra.file.name
    remove_attachment(attachment=extra, actor=application.applicant)
    assert not default_storage.exists(stored)


def test_a_revision_written_before_file_names_were_kept_is_matched_by_content(
    ready_application: Callable[..., Application],
) -> None:
    application = ready_application()
    attachment = application.attachments.exclude(file="").get()
    stored = attachment.file.name
    submit_application(application=application, actor=application.applicant)
    revision = application.revisions.get(number=1)
    for listed in revision.content["attachments"]:
        del listed["file"]  # as revisions stored before this change look
    type(revision).objects.filter(pk=revision.pk).update(content=revision.content)
    officer = register_user(email="officer@example.com", password=None, name="主管")
    decide_formal_check(applications=[application], outcome="return", reason="补充盖章", actor=officer)
    application.refresh_from_db()
    remove_attachment(attachment=Attachment.objects.get(pk=attachment.pk), actor=application.applicant)
    assert default_storage.exists(stored)
