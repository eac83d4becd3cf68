"""Reviews and rankings export as xlsx/csv with bilingual headers, for the program's staff only."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.test import Client

from shenbao.reviews.models import Assignment
from shenbao.reviews.services.assignment import run_assignment
from tests.reviews.fixtures import ReviewSetup, score_all


def test_reviews_and_rankings_export_for_staff(in_review: Callable[..., ReviewSetup], client: Client) -> None:
    setup = in_review()
    run_assignment(stage=setup.stage, actor=setup.officer, k=1)
    for a in Assignment.objects.filter(stage=setup.stage):
        score_all(a, 8)
    client.force_login(setup.officer)
    response = client.get(f"/staff/calls/{setup.call.code}/exports/rankings.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["阶段 / Stage", "方向 / Direction", "名次 / Rank"]
    # Equal scores and criterion means: the earlier submission ranks first (the stage's last tie-break).
    assert [(r[2], r[6]) for r in rows[1:]] == [("1", "80.0"), ("2", "80.0"), ("3", "80.0"), ("4", "80.0")]
    reviews = client.get(f"/staff/calls/{setup.call.code}/exports/reviews.xlsx")
    assert reviews.status_code == 200 and reviews.content[:2] == b"PK"
    client.force_login(setup.experts["rice@example.com"])
    assert client.get(f"/staff/calls/{setup.call.code}/exports/reviews.csv").status_code == 404
