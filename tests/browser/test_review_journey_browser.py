"""Issue 20's "done when", as one journey in a real browser: two reviewers discuss an application
(one mentions the other), the panel head writes the opinion, staff open the response window, the
applicant answers, one reviewer revises the score on a phone (the earlier score kept); then the
applicant sees exactly what the stage allows.  Who else sees what is the matrix in
tests/web/test_review_journey_matrix.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from shenbao.awards.models import PublicNotice
from shenbao.notifications.models import Notification
from shenbao.reviews.models import ApplicantResponse, PanelOpinion, ResponseWindow, Review, ReviewRevision
from tests.browser.test_reviewer_browser import log_in
from tests.reviews.journey_fixtures import (
    ANSWER,
    COMMENT,
    CONFIDENTIAL,
    NOTE,
    OPINION,
    OTHER_COMMENT,
    REPLY,
    SHOWN_COMMENT,
    journey_world,
)

NEVER_TO_APPLICANT = [
    CONFIDENTIAL,
    NOTE,
    COMMENT,
    REPLY,
    "育种专家",
    "模型专家",
    "电池专家",
    "rice@example.com",
    "ai@example.com",
    "head@example.com",
]


def _no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_discussion_opinion_response_and_revision_meet(browser: Any, live_server: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    site = str(live_server.url)
    world = journey_world()
    stage, mine = world["stage"], world["mine"]
    thread = f"/review/discussion/{stage.pk}/{mine.pk}/"

    def session(email: str, *, phone: bool = False) -> tuple[Any, Any]:
        options: dict[str, Any] = {"locale": "zh-CN"}
        if phone:
            options.update(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        context = browser.new_context(**options)
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, site, email)
        assert "/accounts/login/" not in page.url
        return context, page

    # The first reviewer: from the review to the discussion, mentioning the second.
    context, page = session("rice@example.com")
    page.goto(f"{site}/review/assignments/{world['a_rice'].pk}/")
    page.get_by_role("link", name="讨论与专家组意见").click()
    page.wait_for_url(f"**{thread}")
    page.fill("#id_body", f"@模型专家 {COMMENT}")
    page.get_by_role("button", name="发表意见").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("您的意见已发表")
    context.close()
    assert Notification.objects.filter(user=world["experts"]["ai@example.com"], link=thread).count() == 1

    # The second reviewer replies.
    context, page = session("ai@example.com")
    page.goto(site + thread)
    comment = page.locator("article.comment").first
    expect(comment).to_contain_text(COMMENT)
    comment.locator("summary", has_text="回复").click()
    comment.locator("textarea").fill(REPLY)
    comment.get_by_role("button", name="发表回复").click()
    page.wait_for_load_state()
    expect(page.locator("article.comment .replies")).to_contain_text(REPLY)
    context.close()

    # The panel head writes the panel's opinion.
    context, page = session("head@example.com")
    page.goto(site + thread)
    page.fill("#id_opinion", OPINION)
    page.select_option("#id_recommendation", "with_changes")
    page.get_by_role("button", name="保存专家组意见").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("专家组意见已保存")
    context.close()
    assert PanelOpinion.objects.get().opinion == OPINION

    # Staff open the response window.
    context, page = session("officer@example.com")
    page.goto(f"{site}/staff/stages/{stage.pk}/responses/")
    page.click("#open-responses")
    page.wait_for_load_state()
    context.close()
    assert ResponseWindow.objects.get(stage=stage).applications == sorted([mine.pk, world["theirs"].pk])

    # The applicant reads the comments the stage shows, nothing more, and answers.
    context, page = session("applicant@example.com")
    page.goto(f"{site}/applications/{mine.pk}/")
    page.locator("[data-response-windows] a").click()
    page.wait_for_url(f"**/applications/{mine.pk}/response/{stage.pk}/")
    reviews = page.locator("[data-shown-review]")
    expect(reviews).to_have_count(2)
    expect(reviews.nth(0)).to_contain_text(SHOWN_COMMENT)
    expect(reviews.nth(1)).to_contain_text(OTHER_COMMENT)
    html = page.content()
    for secret in [*NEVER_TO_APPLICANT, OPINION, "60.00", "80.00"]:  # the stage shows comments only, not totals
        assert secret not in html, secret
    page.fill("#id_text", ANSWER)
    page.click("#submit-response")
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("您的答辩已保存")
    context.close()
    assert ApplicantResponse.objects.get().text == ANSWER

    # The first reviewer, on a phone: the review page with the discussion link, the reader, the
    # answer and the revision form stacks without scrolling sideways; the score is revised.
    context, page = session("rice@example.com", phone=True)
    page.goto(f"{site}/review/assignments/{world['a_rice'].pk}/")
    expect(page.locator("[data-discussion-link]")).to_be_visible()
    expect(page.locator("iframe[data-reader-frame]")).to_be_visible()
    expect(page.locator("[data-applicant-response]")).to_contain_text("三个试验点")
    assert _no_sideways_scroll(page)
    for field in page.locator("#revise-form input[type=number]").all():
        field.fill("9")
    page.fill("#revise-reason", "答辩补充了试验规模")
    page.click("#revise-review")
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("您的评审意见已修改")
    expect(page.locator("[data-review-revision='1'] [data-previous-total]")).to_have_text("60.00")
    assert _no_sideways_scroll(page)
    page.goto(site + thread)  # the discussion page on a phone, too
    assert _no_sideways_scroll(page)
    context.close()
    review = Review.objects.get(assignment=world["a_rice"])
    assert review.total == 90.0 and ReviewRevision.objects.get(review=review).total == 60.0

    # Once results are published the applicant reads the panel's opinion (the stage releases it),
    # still without who wrote it, the discussion, the notes or the confidential comments.
    now = timezone.now()
    PublicNotice.objects.create(call=world["call"], starts_at=now, ends_at=now + dt.timedelta(days=5))
    context, page = session("applicant@example.com")
    page.goto(f"{site}/applications/{mine.pk}/")
    expect(page.locator("[data-released-texts]")).to_contain_text(OPINION)
    expect(page.locator("[data-released-texts]")).to_contain_text("修改后推荐")
    html = page.content()
    for secret in NEVER_TO_APPLICANT:
        assert secret not in html, secret
    context.close()
