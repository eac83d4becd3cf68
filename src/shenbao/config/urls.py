from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("shenbao.api.v1.urls")),
    path("", include("shenbao.web.urls")),
]

handler400 = "shenbao.web.errors.bad_request"
handler403 = "shenbao.web.errors.permission_denied"
handler404 = "shenbao.web.errors.page_not_found"
handler500 = "shenbao.web.errors.server_error"
