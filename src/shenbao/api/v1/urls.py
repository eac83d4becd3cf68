from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from shenbao.api.v1.views import ApplicationViewSet, CallViewSet

router = DefaultRouter()
router.register("calls", CallViewSet, basename="call")
router.register("applications", ApplicationViewSet, basename="application")

app_name = "api-v1"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("", include(router.urls)),
]
