"""答辩 in a real browser: the applicant reads the reviews the stage shows and answers; a reviewer
reads the application in the page beside the form (side by side on a desktop, stacked on a phone),
reads the answer and revises the score, the earlier one kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from shenbao.reviews.models import ApplicantResponse, DocumentAccess, Review, ReviewRevision
from shenbao.reviews.services.response import open_response_window

World = Callable[..., dict[str, Any]]


def log_in(page: Any, site: str, email: str) -> None:
    page.goto(site + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "pass-Word-123")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_applicant_answers_and_a_reviewer_revises(page: Any, live_server: Any, rebuttal: World) -> None:
    site = str(live_server.url)
    world = rebuttal()
    open_response_window(stage=world["stage"], actor=world["officer"])
    reviewer = world["a_rice"].reviewer
    reviewer.set_password("pass-Word-123")
    reviewer.save(update_fields=["password"])

    # The applicant: from the application page to the answer.
    log_in(page, site, "applicant@example.com")
    page.goto(f"{site}/applications/{world['mine'].pk}/")
    page.locator("[data-response-windows] a").click()
    page.wait_for_url(f"**/applications/{world['mine'].pk}/response/{world['stage'].pk}/")
    reviews = page.locator("[data-shown-review]")
    expect(reviews).to_have_count(2)
    expect(reviews.first).to_contain_text("育种路线清楚，但田间试验规模偏小。")
    assert "rice@example.com" not in page.content() and "育种专家" not in page.content()
    # The box stops at the limit: the browser keeps 200 of 250 characters.
    page.fill("#id_text", "长" * 250)
    assert len(page.input_value("#id_text")) == 200
    page.fill("#id_text", "感谢专家意见。我们已将田间试验扩大到三个试验点。")
    page.click("#submit-response")
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("您的答辩已保存")
    assert ApplicantResponse.objects.get().text == "感谢专家意见。我们已将田间试验扩大到三个试验点。"
    page.context.clear_cookies()

    # The reviewer: the PDF beside the form on a desktop, the answer, the revision.
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, site, reviewer.email)
    page.goto(f"{site}/review/assignments/{world['a_rice'].pk}/")
    frame = page.locator("iframe[data-reader-frame]")
    expect(frame).to_be_visible()
    side = page.locator(".reading-side")
    frame_box, side_box = frame.bounding_box(), side.bounding_box()
    assert frame_box["x"] + frame_box["width"] <= side_box["x"] + 1  # side by side
    expect(page.locator("[data-applicant-response]")).to_contain_text("三个试验点")
    for field in page.locator("#revise-form input[type=number]").all():
        field.fill("9")
    page.fill("#revise-reason", "答辩补充了试验规模")
    page.click("#revise-review")
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("您的评审意见已修改")
    expect(page.locator("[data-review-revision='1'] [data-previous-total]")).to_have_text("60.00")
    review = Review.objects.get(assignment=world["a_rice"])
    assert review.total == 90.0 and ReviewRevision.objects.get(review=review).total == 60.0
    # The frame loaded the application's PDF through the permission-checked view, and it was logged.
    assert DocumentAccess.objects.filter(user=reviewer, mode="view").exists()

    # On a phone the reader and the form stack.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    frame_box, side_box = page.locator("iframe[data-reader-frame]").bounding_box(), page.locator(".reading-side").bounding_box()
    assert frame_box["y"] + frame_box["height"] <= side_box["y"] + 1
    assert frame_box["width"] <= 390
