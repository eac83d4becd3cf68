from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from shenbao.web import observability

# The admin logs in through the same pages as everyone (e-mail confirmed, rate limits, two-factor).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign,no-untyped-call]

urlpatterns = [
    path("healthz", observability.healthz, name="healthz"),
    path("readyz", observability.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("shenbao.api.v1.urls")),
    path("", include("shenbao.web.urls")),
]

handler400 = "shenbao.web.errors.bad_request"
handler403 = "shenbao.web.errors.permission_denied"
handler404 = "shenbao.web.errors.page_not_found"
handler500 = "shenbao.web.errors.server_error"
# Named by the log-in library (allauth) for its rate limits.
handler429 = "shenbao.web.rate_limited.too_many_requests"
