"""Fixtures borrowed from the suites whose worlds the hostile inputs attack."""

from tests.e2e.test_selection_flow import ranked  # noqa: F401
from tests.web.test_review_permissions import world  # noqa: F401
