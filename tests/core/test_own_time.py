"""A moment in the reader's own time zone beside Beijing time (issue 17)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import translation

from shenbao.core.present import own_time

DUE = dt.datetime(2025, 11, 7, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # 2025-11-06 24:00 Beijing time


def test_the_same_moment_reads_in_the_chosen_zone() -> None:
    with translation.override("en"):
        assert own_time(DUE, "Europe/Berlin") == "2025-11-06 17:00 your time (Europe/Berlin)"
        assert own_time(DUE, "America/New_York") == "2025-11-06 11:00 your time (America/New_York)"
    with translation.override("zh-hans"):
        assert own_time(DUE, "Europe/Berlin") == "您当地时间 2025-11-06 17:00（Europe/Berlin）"


def test_nothing_when_no_zone_an_unknown_one_or_one_that_reads_as_beijing_time() -> None:
    assert own_time(DUE, "") == ""
    assert own_time(DUE, "Mars/Olympus") == ""
    assert own_time(DUE, "Asia/Hong_Kong") == ""  # the same clock as Beijing: said once
    # A midnight in the reader's zone reads as 24:00 of the day before, as deadlines do.
    with translation.override("en"):
        assert own_time(dt.datetime(2025, 11, 7, 7, 0, tzinfo=ZoneInfo("Asia/Shanghai")), "Europe/Berlin") == (
            "2025-11-06 24:00 your time (Europe/Berlin)"
        )
