from __future__ import annotations

import datetime as dt

from shenbao.accounts.enums import EmploymentType, Position
from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import register_user


def young_scholar(email: str) -> User:
    return register_user(
        email=email,
        password=None,
        name="青年学者",
        birth_date=dt.date(1990, 1, 1),
        position=Position.FACULTY,
        overseas_employment=False,
        employment_type=EmploymentType.FULL_TIME,
    )
