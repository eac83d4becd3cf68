"""The requesting user's in-app notifications: the list (newest first, paged), the unread count,
marking one or all read.  Every route is scoped to the user: another user's notification is 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shenbao.notifications.inbox import mark_all_read, mark_read, notification_for, notifications_of, unread_count
from shenbao.notifications.models import Notification
from shenbao.notifications.rendering import absolute


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    link = serializers.SerializerMethodField(help_text="The page the notification is about, absolute; empty when none.")
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ("id", "title", "link", "created_at", "read_at", "unread")

    def get_link(self, obj: Notification) -> str:
        return absolute(obj.link) if obj.link else ""

    def get_unread(self, obj: Notification) -> bool:
        return obj.read_at is None


class UnreadCountSerializer(serializers.Serializer[Any]):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField()


class NotificationListView(ListAPIView[Notification]):
    """The user's notifications, newest first, paged (``?page=``)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = NotificationSerializer

    def get_queryset(self) -> Any:
        return notifications_of(self.request.user)


class UnreadCountView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: UnreadCountSerializer})
    def get(self, request: Request) -> Response:
        return Response(UnreadCountSerializer({"unread": unread_count(request.user)}).data)


class NotificationReadView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: NotificationSerializer, 404: OpenApiResponse(description="no such notification of this user")},
    )
    def post(self, request: Request, pk: int) -> Response:
        notification = notification_for(request.user, pk)
        if notification is None:
            raise Http404(_("No such notification."))
        return Response(NotificationSerializer(mark_read(notification=notification)).data)


class NotificationReadAllView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: MarkedSerializer})
    def post(self, request: Request) -> Response:
        return Response(MarkedSerializer({"marked": mark_all_read(user=request.user)}).data)
