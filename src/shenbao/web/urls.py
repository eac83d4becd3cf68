from django.contrib.auth import views as auth_views
from django.urls import path

from shenbao.web.applicant import documents as applicant_documents
from shenbao.web.applicant import views as applicant
from shenbao.web.public import documents as public_documents
from shenbao.web.public import views as public
from shenbao.web.staff import exports as staff_exports
from shenbao.web.staff import imports as staff_imports
from shenbao.web.staff import views as staff

app_name = "web"

urlpatterns = [
    path("", public.call_list, name="call_list"),
    path("calls/<slug:code>/", public.call_detail, name="call_detail"),
    path("calls/<slug:code>/form.docx", public_documents.call_form_download, name="call_form"),
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
    path("applications/<int:pk>/form.docx", applicant_documents.application_form_download, name="application_form_docx"),
    path("applications/<int:pk>/form/upload/", applicant_documents.application_form_upload, name="application_form_upload"),
    path("applications/<int:pk>/form/confirm/", applicant_documents.application_form_confirm, name="application_form_confirm"),
    path("applications/<int:pk>/revisions/<int:number>.pdf", applicant_documents.revision_pdf_download, name="revision_pdf"),
    path("invitations/<str:token>/", applicant.invitation, name="invitation"),
    path("staff/", staff.staff_calls, name="staff_calls"),
    path("staff/calls/<slug:code>/formal-check/", staff.formal_check, name="formal_check"),
    path("staff/calls/<slug:code>/formal-check/decide/", staff.formal_check_decide, name="formal_check_decide"),
    path("staff/calls/<slug:code>/exports/<slug:kind>.<str:file_format>", staff_exports.call_export, name="call_export"),
    path("staff/calls/<slug:code>/pdfs.zip", staff_exports.call_pdfs, name="call_pdfs"),
    path("staff/calls/<slug:code>/topics/import/", staff_imports.topic_import, name="topic_import"),
    path("staff/calls/<slug:code>/applications/import/", staff_imports.application_import, name="application_import"),
]
