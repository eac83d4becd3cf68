"""Reconsideration (复审) of a formal-check rejection: within the call's window, once, decided by staff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from shenbao.accounts.services.accounts import register_user
from shenbao.applications.models import Application
from shenbao.awards.errors import SelectionError
from shenbao.awards.models import Reconsideration
from shenbao.awards.services.reconsideration import decide_reconsideration, request_reconsideration
from shenbao.calls.definition.load import parse_definition
from shenbao.calls.services.definitions import load_call_definition


def test_the_applicant_asks_once_within_the_window_and_staff_decide(rejected: Application, client: Client) -> None:
    client.force_login(rejected.applicant)
    page = client.get(f"/applications/{rejected.pk}/").content.decode()
    assert "申请复审" in page
    client.post(f"/applications/{rejected.pk}/reconsideration/", {"reason": "材料齐全，请复核"})
    request = Reconsideration.objects.get(application=rejected)
    assert (request.kind, request.status) == ("formal_check", "requested")
    again = client.post(f"/applications/{rejected.pk}/reconsideration/", {"reason": "再次"}, follow=True)
    assert "已经申请过复审" in again.content.decode()
    officer = register_user(email="o2@example.com", password="pass-Word-123", name="主管二")
    decided = decide_reconsideration(request=request, upheld=True, outcome="复核后符合条件。", actor=officer)
    assert (decided.status, decided.outcome) == ("upheld", "复核后符合条件。")


def test_after_the_window_or_without_one_nothing_can_be_requested(rejected: Application) -> None:
    late = timezone.now() + dt.timedelta(days=11)
    with pytest.raises(SelectionError):
        request_reconsideration(application=rejected, reason="迟了", actor=rejected.applicant, now=late)
    data = rejected.call.definition
    data["selection"]["reconsideration_days"] = None
    load_call_definition(definition=parse_definition(data))
    with pytest.raises(SelectionError):
        request_reconsideration(application=rejected, reason="没有复审", actor=rejected.applicant)
    assert not Reconsideration.objects.exists()


def test_only_the_applicant_may_ask(rejected: Application, client: Client) -> None:
    client.force_login(register_user(email="x@example.com", password="pass-Word-123", name="路人"))
    assert client.post(f"/applications/{rejected.pk}/reconsideration/", {"reason": "x"}).status_code == 404
    assert not Reconsideration.objects.exists()
