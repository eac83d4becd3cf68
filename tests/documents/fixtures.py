"""A submitted seed-003 application (MOST intergovernmental cooperation), for PDFs and exports."""

from __future__ import annotations

from typing import Any

import pytest

from shenbao.applications.models import Application
from tests.applications.fixtures import submitted_seed_003_application


@pytest.fixture
def most_application(db: Any) -> Application:
    return submitted_seed_003_application(title="智慧水务关键技术联合研究", password="pass-Word-123")
