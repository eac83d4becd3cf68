"""A reviewed stage of any size, made directly in bulk (synthetic data, clearly not real): the ranking
page's test and `bench/ranking_page.py` need hundreds or thousands of scored applications, which the
services would take minutes to make one by one. How applications get here is tested elsewhere."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from shenbao.accounts.enums import OrgType
from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import create_organisation, register_user
from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application
from shenbao.calls.models import Call, ReviewStage
from shenbao.reviews.enums import AssignmentMode, AssignmentStatus, ReviewState
from shenbao.reviews.models import Assignment, Review, StageEntry
from shenbao.reviews.queries.stages import stage_definition


def seed_reviewed_stage(
    call: Call,
    stage: ReviewStage,
    *,
    applications: int,
    reviewers: int = 12,
    per_application: int = 3,
    seed: int = 7,
    level: bool = False,
) -> list[Application]:
    """``applications`` applications of ``call`` in ``stage``, spread over its directions, each with
    ``per_application`` submitted reviews (some far apart, so the disagreement flag shows).

    ``level``: every review gives 70 and every entry carries an advancement reason, so each row of
    the ranking has a tie broken by the submission time and a reason to show (the most a row shows)."""
    rng = random.Random(seed)
    organisation = create_organisation(name={"zh-hans": "合成数据单位", "en": "Synthetic institution"}, type=OrgType.UNIVERSITY)
    applicant = register_user(email=f"bulk-applicant-{stage.pk}@example.com", password=None, name="合成申请人")
    experts: list[User] = [
        register_user(email=f"bulk-reviewer-{stage.pk}-{i}@example.com", password=None, name=f"合成专家{i}")
        for i in range(reviewers)
    ]
    directions = list(call.directions.all())
    start = timezone.now() - dt.timedelta(days=30)
    made = Application.objects.bulk_create(
        Application(
            call=call,
            direction=directions[i % len(directions)] if directions else None,
            applicant=applicant,
            lead_organisation=organisation,
            title=f"合成申报 {i:05d}",
            state=ApplicationState.CHECK_PASSED,
            revision=1,
            receipt_number=f"B-{stage.pk}-{i:05d}",
            submitted_at=start + dt.timedelta(minutes=i),
        )
        for i in range(applications)
    )
    made = list(Application.objects.filter(call=call, receipt_number__startswith=f"B-{stage.pk}-").order_by("pk"))
    reason = {"code": "within_top_n", "n": 10} if level else {}
    StageEntry.objects.bulk_create(StageEntry(stage=stage, application=a, reason=reason) for a in made)
    assignments = Assignment.objects.bulk_create(
        Assignment(stage=stage, application=a, reviewer=expert, status=AssignmentStatus.ACTIVE, mode=AssignmentMode.MANUAL)
        for i, a in enumerate(made)
        for expert in (experts[(i + k) % reviewers] for k in range(per_application))
    )
    assignments = list(Assignment.objects.filter(stage=stage, application__in=made).order_by("pk"))
    criteria = [c.code for c in stage_definition(stage).criteria]
    reviews = []
    for assignment in assignments:
        base = rng.choice((40.0, 60.0, 80.0)) if assignment.application_id % 7 == 0 else 70.0
        value = 70.0 if level else round(min(100.0, max(0.0, base + rng.uniform(-10, 10))), 1)
        reviews.append(
            Review(
                assignment=assignment,
                state=ReviewState.SUBMITTED,
                scores=dict.fromkeys(criteria, value),
                total=value,
                confidence=rng.randint(1, 5),
                submitted_at=start,
            )
        )
    Review.objects.bulk_create(reviews)
    return made
