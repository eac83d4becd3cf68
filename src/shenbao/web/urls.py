from django.contrib.auth import views as auth_views
from django.urls import path

from shenbao.web.public import views as public

app_name = "web"

urlpatterns = [
    path("", public.call_list, name="call_list"),
    path("calls/<slug:code>/", public.call_detail, name="call_detail"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
