"""The staff admin renders for every registered model, and only administrators get in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from shenbao.calls.models import Call
from shenbao.core.audit import log_action
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OURS = ("accounts", "calls", "core", "guides")


def test_admin_pages_render_for_an_administrator(client: Client, load_seed: Callable[[str], Call]) -> None:
    call = load_seed("003")
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    log_action(action="shenbao.call.status_changed", obj=call, actor=admin_user)
    client.force_login(admin_user)
    for model in admin.site._registry:
        if model._meta.app_label not in OURS:
            continue
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        obj = model._default_manager.first()
        if obj is not None:
            change = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
            assert client.get(change).status_code == 200, change


def test_audit_entries_cannot_be_changed_in_the_admin(client: Client, load_seed: Callable[[str], Call]) -> None:
    call = load_seed("004")
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    entry = log_action(action="shenbao.call.status_changed", obj=call, actor=admin_user)
    url = reverse("admin:core_auditentry_change", args=[entry.pk])
    response = client.post(url, {"action": "shenbao.call.hacked"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.action == "shenbao.call.status_changed"


@pytest.mark.parametrize(("staff", "status"), [(False, 302), (True, 200)])
def test_only_administrators_reach_the_admin(client: Client, staff: bool, status: int) -> None:
    client.force_login(UserFactory(is_staff=staff, is_superuser=staff))
    assert client.get(reverse("admin:calls_call_changelist")).status_code == status


def test_staff_issue_a_late_submission_token_in_the_admin(client: Client, load_seed: Callable[[str], Call]) -> None:
    from shenbao.applications.models import LateSubmissionToken
    from shenbao.core.models import AuditEntry

    call = load_seed("004")
    applicant = UserFactory()
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:applications_latesubmissiontoken_add"),
        {"call": call.pk, "applicant": applicant.pk, "reason": "系统故障导致无法上传", "hours": 48},
    )
    assert response.status_code == 302
    token = LateSubmissionToken.objects.get()
    assert (token.applicant, token.issued_by, token.reason) == (applicant, admin_user, "系统故障导致无法上传")
    assert 47 * 3600 < (token.expires_at - token.issued_at).total_seconds() <= 48 * 3600
    assert AuditEntry.objects.filter(action="shenbao.call.late_token_issued").count() == 1
