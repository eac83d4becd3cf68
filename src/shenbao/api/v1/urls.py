from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from shenbao.api.v1.documents import ApplicationFormView, CallExportView, RevisionPdfView
from shenbao.api.v1.reviews import ReviewViewSet, StageViewSet
from shenbao.api.v1.views import ApplicationViewSet, CallViewSet

router = DefaultRouter()
router.register("calls", CallViewSet, basename="call")
router.register("applications", ApplicationViewSet, basename="application")
router.register("stages", StageViewSet, basename="stage")
router.register("reviews", ReviewViewSet, basename="review")

app_name = "api-v1"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("calls/<slug:code>/exports/<slug:kind>.<str:file_format>", CallExportView.as_view(), name="call-export"),
    path("applications/<int:pk>/form.docx", ApplicationFormView.as_view(), name="application-form"),
    path("applications/<int:pk>/revisions/<int:number>.pdf", RevisionPdfView.as_view(), name="revision-pdf"),
    path("", include(router.urls)),
]
