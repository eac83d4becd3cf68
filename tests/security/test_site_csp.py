"""The Content-Security-Policy header: built once for the site-wide policy, django-csp's for the rest.

``shenbao.web.csp.SiteCSPMiddleware`` must write exactly what django-csp's own middleware writes,
for plain pages, API answers, exempt responses, per-view changes and nonces, and follow settings
changes.
"""

from __future__ import annotations

import pytest
from csp.constants import NONCE
from csp.decorators import csp, csp_exempt, csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from shenbao.web.csp import SiteCSPMiddleware

HEADER = "Content-Security-Policy"
REPORT_ONLY = "Content-Security-Policy-Report-Only"


def _both(view, path: str = "/calls/") -> tuple[HttpResponse, HttpResponse]:  # type: ignore[no-untyped-def]
    """The response of ``view`` through django-csp's middleware and through ours."""
    answers = []
    for middleware in (CSPMiddleware, SiteCSPMiddleware):
        request = RequestFactory().get(path)
        answers.append(middleware(view)(request))
    return answers[0], answers[1]


def _directives(header: str) -> set[str]:
    """A policy's directives (django-csp writes them in no fixed order)."""
    return {part.strip() for part in header.split(";")}


def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def test_a_plain_page_gets_the_same_header_as_django_csp_gives() -> None:
    theirs, ours = _both(plain)
    assert ours[HEADER] == theirs[HEADER]
    assert "default-src 'self'" in ours[HEADER] and "frame-ancestors 'none'" in ours[HEADER]
    assert REPORT_ONLY not in ours and REPORT_ONLY not in theirs


@pytest.mark.parametrize(
    "decorated",
    [
        csp({"frame-ancestors": ["'self'"], "default-src": ["'self'"]}),
        csp_update({"img-src": ["blob:"]}),
    ],
    ids=["csp", "csp_update"],
)
def test_a_view_that_changes_the_policy_keeps_its_change(decorated) -> None:  # type: ignore[no-untyped-def]
    theirs, ours = _both(decorated(plain))
    assert ours[HEADER] == theirs[HEADER]
    assert ours[HEADER] != _both(plain)[1][HEADER]


def test_an_exempt_view_gets_no_header() -> None:
    theirs, ours = _both(csp_exempt()(plain))
    assert HEADER not in theirs and HEADER not in ours


def test_a_header_the_view_set_is_kept() -> None:
    def own(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("ok")
        response[HEADER] = "default-src 'none'"
        return response

    theirs, ours = _both(own)
    assert ours[HEADER] == theirs[HEADER] == "default-src 'none'"


def test_a_nonce_used_by_the_page_goes_into_its_header() -> None:
    def with_nonce(request: HttpRequest) -> HttpResponse:
        return HttpResponse(str(request.csp_nonce))  # type: ignore[attr-defined]

    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": ["'self'", NONCE]}}):
        request = RequestFactory().get("/calls/")
        response = SiteCSPMiddleware(with_nonce)(request)
        nonce = response.content.decode()
        assert _directives(response[HEADER]) == {"default-src 'self'", f"script-src 'self' 'nonce-{nonce}'"}
        # A page that did not use its nonce gets the policy without one.
        assert _directives(_both(plain)[1][HEADER]) == {"default-src 'self'", "script-src 'self'"}


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error() -> None:
    request = RequestFactory().get("/calls/")
    SiteCSPMiddleware(plain)(request)
    with pytest.raises(Exception, match="csp_nonce"):
        str(request.csp_nonce)  # type: ignore[attr-defined]


def test_a_changed_setting_changes_the_header_and_the_report_only_one_is_written_too() -> None:
    before = _both(plain)[1][HEADER]
    policy = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=policy):
        theirs, ours = _both(plain)
        assert ours[HEADER] == theirs[HEADER] == "default-src 'none'"
        assert ours[REPORT_ONLY] == theirs[REPORT_ONLY]
    assert _both(plain)[1][HEADER] == before


def test_excluded_prefixes_are_honoured() -> None:
    policy = {"EXCLUDE_URL_PREFIXES": ["/api/"], "DIRECTIVES": {"default-src": ["'self'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        theirs, ours = _both(plain, "/api/v1/calls/")
        assert HEADER not in theirs and HEADER not in ours
        assert _both(plain, "/calls/")[1][HEADER] == "default-src 'self'"


def test_the_site_answers_with_the_policy(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/healthz")
    assert "default-src 'self'" in response[HEADER]


def test_the_site_wide_policy_is_built_once_for_many_responses(monkeypatch: pytest.MonkeyPatch) -> None:
    import csp.middleware

    import shenbao.web.csp as site

    built: list[bool] = []

    def counting(**kwargs):  # type: ignore[no-untyped-def]
        built.append(kwargs.get("report_only", False))
        return csp.utils.build_policy(**kwargs)

    monkeypatch.setattr(site, "build_policy", counting)
    monkeypatch.setattr(csp.middleware, "build_policy", counting)
    site._memo = None
    headers = {SiteCSPMiddleware(plain)(RequestFactory().get("/calls/"))[HEADER] for _ in range(20)}
    assert len(headers) == 1
    assert built == [False, True]  # the policy and the (empty) report-only one, once
