from django.contrib.auth import views as auth_views
from django.urls import path

from shenbao.web.applicant import views as applicant
from shenbao.web.public import views as public
from shenbao.web.staff import guides as staff_guides
from shenbao.web.staff import views as staff

app_name = "web"

urlpatterns = [
    path("", public.call_list, name="call_list"),
    path("calls/<slug:code>/", public.call_detail, name="call_detail"),
    path("calls/<slug:code>/apply/", applicant.apply, name="apply"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/register/", applicant.register, name="register"),
    path("me/profile/", applicant.profile, name="profile"),
    path("me/applications/", applicant.my_applications, name="my_applications"),
    path("applications/<int:pk>/", applicant.application_detail, name="application"),
    path("applications/<int:pk>/save/", applicant.application_save, name="application_save"),
    path("applications/<int:pk>/eligibility/", applicant.application_eligibility, name="application_eligibility"),
    path("applications/<int:pk>/team/", applicant.application_invite, name="application_invite"),
    path("applications/<int:pk>/partners/", applicant.application_partner, name="application_partner"),
    path("applications/<int:pk>/attachments/", applicant.application_attach, name="application_attach"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/",
        applicant.application_attachment_download,
        name="application_attachment",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/remove/",
        applicant.application_attachment_remove,
        name="application_attachment_remove",
    ),
    path("applications/<int:pk>/submit/", applicant.application_submit, name="application_submit"),
    path("applications/<int:pk>/withdraw/", applicant.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/endorse/", applicant.application_endorse, name="application_endorse"),
    path("applications/<int:pk>/amend/", applicant.application_amend, name="application_amend"),
    path("invitations/<str:token>/", applicant.invitation, name="invitation"),
    path("staff/", staff.staff_calls, name="staff_calls"),
    path("staff/guides/", staff_guides.guide_list, name="guide_list"),
    path("staff/guides/upload/", staff_guides.guide_upload, name="guide_upload"),
    path("staff/guides/<int:pk>/", staff_guides.guide_detail, name="guide_detail"),
    path("staff/guides/<int:pk>/draft/", staff_guides.guide_edit, name="guide_edit"),
    path("staff/guides/<int:pk>/save-call/", staff_guides.guide_save_call, name="guide_save_call"),
    path("staff/calls/<slug:code>/formal-check/", staff.formal_check, name="formal_check"),
    path("staff/calls/<slug:code>/formal-check/decide/", staff.formal_check_decide, name="formal_check_decide"),
]
