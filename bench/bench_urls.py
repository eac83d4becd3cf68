"""The product's URLs plus the floor: a bare view that writes one row and answers."""

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from shenbao.core.models import AuditEntry


@csrf_exempt
def floor(request: HttpRequest) -> JsonResponse:
    entry = AuditEntry.objects.create(
        action="shenbao.bench.floor",
        content_type=ContentType.objects.get_for_model(AuditEntry),
        object_id="0",
        object_repr="bench",
    )
    return JsonResponse({"id": entry.pk})


urlpatterns = [path("bench/floor/", floor), path("", include("shenbao.config.urls"))]
