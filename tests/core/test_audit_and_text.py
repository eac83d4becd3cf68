from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from shenbao.calls.enums import (
    CALL_STATUS_LABELS,
    PRECISION_LABELS,
    PROGRAM_KIND_LABELS,
    QUALIFIER_LABELS,
    STAGE_KIND_LABELS,
    TIMELINE_KIND_LABELS,
    CallStatus,
    Precision,
    ProgramKind,
    Qualifier,
    StageKind,
    TimelineKind,
)
from shenbao.core.audit import describe, log_action
from shenbao.core.countries import country_name, expand_countries
from shenbao.core.models import AuditEntry
from shenbao.core.text import I18nText, normalise_language, text_get
from shenbao.core.timeutil import end_of_day_label
from tests.factories import UserFactory


@pytest.mark.django_db
def test_audit_entries_are_append_only() -> None:
    user = UserFactory()
    entry = log_action(action="shenbao.user.created", obj=user, actor=user, data={"x": 1})
    assert (entry.actor, entry.object_id, entry.data) == (user, str(user.pk), {"x": 1})
    entry.action = "shenbao.user.deleted"
    with pytest.raises(RuntimeError, match="append-only"):
        entry.save()
    assert AuditEntry.objects.get().action == "shenbao.user.created"


@pytest.mark.django_db
def test_audit_action_codes_are_dotted() -> None:
    user = UserFactory()
    with pytest.raises(ValueError, match="dotted"):
        log_action(action="created", obj=user)
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_audit_entry_reads_in_both_languages() -> None:
    user = UserFactory()
    entry = log_action(action="shenbao.user.created", obj=user)
    with translation.override("en"):
        assert describe(entry) == "The user account was created."
    with translation.override("zh-hans"):
        assert describe(entry) == "用户账号已创建。"


def test_i18n_text_falls_back_to_the_other_language() -> None:
    text = I18nText.model_validate({"zh-hans": "指南方向"})
    assert (text.get("en"), text.get("zh-hans"), text.has("en")) == ("指南方向", "指南方向", False)
    assert I18nText.model_validate("课题").get("zh") == "课题"
    assert text_get({"en": "Topic"}, "zh-hans") == "Topic"
    assert text_get(None, "en") == ""
    assert (normalise_language("zh-CN"), normalise_language("en-GB"), normalise_language("fr")) == ("zh-hans", "en", "zh-hans")


def test_midnight_deadline_reads_as_24_00_of_the_day_before() -> None:
    assert end_of_day_label(dt.datetime(2025, 4, 1, 0, 0)) == (dt.date(2025, 3, 31), "24:00")
    assert end_of_day_label(dt.datetime(2025, 4, 1, 16, 0)) == (dt.date(2025, 4, 1), "16:00")


def test_country_names_and_groups() -> None:
    assert (country_name("EG", "zh-hans"), country_name("EG", "en")) == ("埃及", "Egypt")
    assert "EG" in expand_countries(["@arab_states"])
    assert expand_countries(["NZ", "@arab_african_states"])[:3] == ["DJ", "DZ", "EG"]


def test_every_enum_value_has_a_translated_label() -> None:
    for labels, enum in (
        (CALL_STATUS_LABELS, CallStatus),
        (PROGRAM_KIND_LABELS, ProgramKind),
        (TIMELINE_KIND_LABELS, TimelineKind),
        (PRECISION_LABELS, Precision),
        (QUALIFIER_LABELS, Qualifier),
        (STAGE_KIND_LABELS, StageKind),
    ):
        assert list(labels) == list(enum)
    with translation.override("zh-hans"):
        assert str(CALL_STATUS_LABELS[CallStatus.IN_REVIEW]) != "In review"
