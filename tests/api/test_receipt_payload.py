"""The submission's answer is built without a serializer, and must equal ``ReceiptSerializer``'s."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from shenbao.api.v1.serializers import ReceiptSerializer, receipt_data


@pytest.mark.parametrize("tz", ["Asia/Shanghai", "UTC"])
@pytest.mark.parametrize(
    "at",
    [
        dt.datetime(2026, 3, 31, 15, 59, 59, 999999, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 31, 16, 0, tzinfo=dt.UTC),
    ],
)
def test_the_receipt_equals_the_serializers_output(tz: str, at: dt.datetime) -> None:
    fields = {"id": 42, "state": "submitted", "receipt_number": "2026-003-000042", "revision": 2, "submitted_at": at}
    with override_settings(TIME_ZONE=tz):
        assert receipt_data(**fields) == ReceiptSerializer(fields).data
        assert list(receipt_data(**fields)) == list(ReceiptSerializer(fields).data)
