"""Writes for accounts and organisations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from shenbao.accounts.enums import EmploymentType, MembershipRole, OrgType, Position
from shenbao.accounts.models import Membership, Organisation, Person, PreviousAward, User
from shenbao.accounts.validators import validate_birth_date, validate_time_zone
from shenbao.core.audit import log_action
from shenbao.core.errors import ValidationFailed


@transaction.atomic
def register_user(
    *,
    email: str,
    password: str | None,
    name: str,
    language: str = "zh-hans",
    actor: Any = None,
    birth_date: dt.date | None = None,
    position: Position = Position.OTHER,
    employment_type: EmploymentType = EmploymentType.FULL_TIME,
    title: str = "",
    in_station_postdoc: bool = False,
    overseas_employment: bool | None = None,
    expertise_keywords: list[str] | None = None,
    email_verified: bool = True,
) -> User:
    """A user account with its person profile, made by staff, the command line or the demo: the address
    was given by someone trusted, so it counts as confirmed unless ``email_verified`` is false.  People
    who sign up themselves go through the log-in library, which confirms the address by mail and then
    calls :func:`complete_registration`."""
    user = User.objects.create_user(email=email, password=password, display_name=name, language=language)
    Person.objects.create(
        user=user,
        name=name,
        birth_date=birth_date,
        position=position.value,
        employment_type=employment_type.value,
        title=title,
        in_station_postdoc=in_station_postdoc,
        overseas_employment=overseas_employment,
        expertise_keywords=list(expertise_keywords or []),
    )
    if email_verified:
        mark_email_verified(user=user)
    log_action(action="shenbao.user.created", obj=user, actor=actor, data={"email": user.email})
    return user


@transaction.atomic
def complete_registration(*, user: User, name: str, language: str = "zh-hans") -> Person:
    """The name, language and person profile of an account the log-in library has just made (sign-up
    or an institution's sign-in); its address is confirmed by the library, not here."""
    user.display_name = name
    user.language = language if language in {"zh-hans", "en"} else "zh-hans"
    user.save(update_fields=["display_name", "language"])
    person, _ = Person.objects.get_or_create(user=user, defaults={"name": name})
    log_action(action="shenbao.user.created", obj=user, actor=user, data={"email": user.email})
    return person


def mark_email_verified(*, user: User) -> None:
    """Record the account's address as confirmed and primary, so it can log in."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(primary=False)
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=user.email, defaults={"email": user.email, "verified": True, "primary": True}
    )


@transaction.atomic
def create_organisation(
    *,
    name: dict[str, str],
    type: OrgType,
    country: str = "CN",
    legal_person: bool = True,
    registered_on: dt.date | None = None,
    credit_code: str = "",
    actor: Any = None,
) -> Organisation:
    org = Organisation(
        name=name,
        type=type.value,
        country=country,
        legal_person=legal_person,
        registered_on=registered_on,
        credit_code=credit_code,
    )
    org.full_clean()
    org.save()
    log_action(action="shenbao.organisation.created", obj=org, actor=actor, data={"name": name, "type": type.value})
    return org


@transaction.atomic
def add_membership(
    *,
    user: User,
    organisation: Organisation,
    role: MembershipRole = MembershipRole.MEMBER,
    start_date: dt.date | None = None,
    department: str = "",
    actor: Any = None,
) -> Membership:
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=role.value, start_date=start_date, department=department
    )
    log_action(
        action="shenbao.user.membership_added",
        obj=user,
        actor=actor,
        data={"organisation": organisation.pk, "role": role.value, "start_date": start_date},
    )
    return membership


@transaction.atomic
def add_previous_award(*, person: Person, code: str, name: str, year: int | None = None, actor: Any = None) -> PreviousAward:
    award = PreviousAward.objects.create(person=person, code=code, name=name, year=year)
    log_action(action="shenbao.user.award_added", obj=person.user, actor=actor, data={"award": code, "year": year})
    return award


@transaction.atomic
def update_profile(
    *,
    user: User,
    name: str,
    name_en: str = "",
    birth_date: dt.date | None = None,
    position: Position = Position.OTHER,
    title: str = "",
    employment_type: EmploymentType = EmploymentType.FULL_TIME,
    in_station_postdoc: bool = False,
    overseas_employment: bool | None = None,
    expertise_keywords: list[str] | None = None,
    expertise_text: str | None = None,
    time_zone: str | None = None,
) -> Person:
    """Save the person profile that calls check their requirements against; records what changed.

    ``time_zone`` (an IANA name, "" for Beijing time only) is left as it is when not given."""
    try:
        validate_birth_date(birth_date)
        if time_zone is not None:
            validate_time_zone(time_zone)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0]) from exc
    person, _ = Person.objects.get_or_create(user=user, defaults={"name": name})
    values: dict[str, Any] = {
        "name": name,
        "name_en": name_en,
        "birth_date": birth_date,
        "position": position.value,
        "title": title,
        "employment_type": employment_type.value,
        "in_station_postdoc": in_station_postdoc,
        "overseas_employment": overseas_employment,
        "expertise_keywords": list(expertise_keywords or []),
    }
    if expertise_text is not None:  # what reviewer matching reads; left as it is when not given
        values["expertise_text"] = expertise_text.strip()
    if time_zone is not None:
        values["time_zone"] = time_zone
    changed = {k: v for k, v in values.items() if getattr(person, k) != v}
    if changed:
        for key, value in changed.items():
            setattr(person, key, value)
        person.save()
        log_action(action="shenbao.user.profile_updated", obj=user, actor=user, data={"fields": sorted(changed)})
    return person


def user_for_invitation(*, email: str, name: str, actor: Any = None) -> tuple[User, bool]:
    """The account of ``email``, opened (without a password) when there is none; and whether it is new.

    An invitation's mail reaches the address, which confirms it; the new account sets its password
    through the password-reset link the mail gives."""
    address = email.strip().lower()
    user = User.objects.filter(email__iexact=address).first()
    if user is not None:
        return user, False
    return register_user(email=address, password=None, name=name.strip() or address, actor=actor), True
