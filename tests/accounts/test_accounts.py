"""Users log in with their e-mail; organisations carry the facts eligibility rules read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from shenbao.accounts.enums import OrgType, Position
from shenbao.accounts.models import Membership, Organisation, User
from shenbao.accounts.services.accounts import add_membership, create_organisation, register_user
from shenbao.accounts.validators import credit_code_check_char, validate_credit_code
from shenbao.core.models import AuditEntry

pytestmark = pytest.mark.django_db

# A syntactically valid code built from the standard's alphabet (not a real organisation's).
VALID_CODE = "91110108MA01" + "ABCDE"
VALID_CODE += credit_code_check_char(VALID_CODE)


def test_register_user_creates_profile_and_audit_entry() -> None:
    user = register_user(
        email="Li.Wei@Example.COM",
        password="pass-Word-123",
        name="李伟",
        birth_date=dt.date(1986, 5, 4),
        position=Position.FACULTY,
    )
    assert user.email == "li.wei@example.com"
    assert (user.person.name, user.person.birth_date, user.person.position) == ("李伟", dt.date(1986, 5, 4), "faculty")
    assert user.person.in_station_postdoc is False
    assert AuditEntry.objects.get().action == "shenbao.user.created"


def test_login_is_by_email_case_insensitively() -> None:
    register_user(email="wang@example.com", password="pass-Word-123", name="王")
    assert authenticate(username="WANG@example.com".lower(), password="pass-Word-123") is not None
    assert authenticate(username="wang@example.com", password="wrong") is None


def test_email_is_unique_regardless_of_case() -> None:
    User.objects.create_user(email="zhao@example.com", password="x")
    with pytest.raises(IntegrityError):
        User.objects.create(email="ZHAO@example.com")


def test_credit_code_check_character_is_verified() -> None:
    validate_credit_code(VALID_CODE)
    wrong = VALID_CODE[:-1] + ("0" if VALID_CODE[-1] != "0" else "1")
    with pytest.raises(ValidationError) as info:
        validate_credit_code(wrong)
    assert info.value.code == "credit_code_check"
    with pytest.raises(ValidationError) as info:
        validate_credit_code("12345")
    assert info.value.code == "credit_code_format"


def test_create_organisation_validates_and_records() -> None:
    org = create_organisation(
        name={"zh-hans": "开罗大学", "en": "Cairo University"},
        type=OrgType.UNIVERSITY,
        country="EG",
        registered_on=dt.date(1908, 12, 21),
    )
    assert org.is_foreign is True
    assert org.display_name("en") == "Cairo University"
    with pytest.raises(ValidationError):
        create_organisation(name={"zh-hans": "坏代码公司"}, type=OrgType.ENTERPRISE, credit_code="91110108MA01ABCDE0X")
    assert Organisation.objects.count() == 1
    assert AuditEntry.objects.filter(action="shenbao.organisation.created").count() == 1


def test_membership_dates_must_be_ordered() -> None:
    user = register_user(email="m@example.com", password=None, name="M")
    org = create_organisation(name={"zh-hans": "某大学"}, type=OrgType.UNIVERSITY)
    membership = add_membership(user=user, organisation=org, start_date=dt.date(2020, 1, 1))
    assert membership.is_current is True
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=user, organisation=org, start_date=dt.date(2020, 1, 1), end_date=dt.date(2019, 1, 1))
