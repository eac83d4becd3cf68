from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

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
    path("", include(router.urls)),
]
