"""Durations as the pages read them, including "about" (约3年)."""

from __future__ import annotations

from django.utils import translation

from shenbao.core import present


def test_about_duration_reads_as_about() -> None:
    with translation.override("en"):
        assert present.duration({"unit": "years", "qualifier": "about", "value": 3}) == "about 3 years"
        assert present.duration({"unit": "months", "qualifier": "about", "value": 18}) == "about 18 months"
        assert present.duration({"unit": "years", "qualifier": "at_most", "value": 2}) == "at most 2 years"
