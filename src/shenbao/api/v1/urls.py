from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from shenbao.api.v1 import applicant, notifications, projects
from shenbao.api.v1.documents import (
    ApplicationFormView,
    CallExportView,
    FileJobDownloadView,
    FileJobView,
    RevisionPdfView,
)
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
    path("jobs/<int:pk>/", FileJobView.as_view(), name="file-job"),
    path("jobs/<int:pk>/download", FileJobDownloadView.as_view(), name="file-job-download"),
    path("applications/<int:pk>/form.docx", ApplicationFormView.as_view(), name="application-form"),
    path("applications/<int:pk>/revisions/<int:number>.pdf", RevisionPdfView.as_view(), name="revision-pdf"),
    path("applications/<int:pk>/team/", applicant.TeamView.as_view(), name="application-team"),
    path("applications/<int:pk>/team/<int:member_pk>/", applicant.TeamMemberView.as_view(), name="application-team-member"),
    path("applications/<int:pk>/partners/", applicant.PartnerListView.as_view(), name="application-partners"),
    path("applications/<int:pk>/partners/<int:partner_pk>/", applicant.PartnerDetailView.as_view(), name="application-partner"),
    # The upload limit middleware (web.middleware) refuses oversize bodies to this URL by name.
    path("applications/<int:pk>/attachments/", applicant.AttachmentListView.as_view(), name="application-attachments"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/",
        applicant.AttachmentDetailView.as_view(),
        name="application-attachment",
    ),
    path("applications/<int:pk>/amend/", applicant.AmendView.as_view(), name="application-amend"),
    path("applications/<int:pk>/withdraw/", applicant.WithdrawView.as_view(), name="application-withdraw"),
    path("invitations/", applicant.InvitationListView.as_view(), name="invitations"),
    path("invitations/<int:pk>/accept/", applicant.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("invitations/<int:pk>/decline/", applicant.InvitationDeclineView.as_view(), name="invitation-decline"),
    path("projects/", projects.ProjectListView.as_view(), name="projects"),
    path("projects/<int:pk>/tranches/", projects.ProjectTranchesView.as_view(), name="project-tranches"),
    path("projects/<int:pk>/reports/", projects.ProjectReportsView.as_view(), name="project-reports"),
    path(
        "projects/<int:pk>/reports/<int:report_pk>/decision/",
        projects.ProjectReportDecisionView.as_view(),
        name="project-report-decision",
    ),
    path("projects/<int:pk>/agreement/", projects.ProjectAgreementView.as_view(), name="project-agreement"),
    path("projects/<int:pk>/agreement.docx", projects.ProjectAgreementDocumentView.as_view(), name="project-agreement-document"),
    path("projects/<int:pk>/changes/", projects.ProjectChangesView.as_view(), name="project-changes"),
    path("projects/<int:pk>/amendments/", projects.ProjectAmendmentsView.as_view(), name="project-amendments"),
    path(
        "projects/<int:pk>/amendments/<int:number>.docx",
        projects.ProjectAmendmentDocumentView.as_view(),
        name="project-amendment-document",
    ),
    path("notifications/", notifications.NotificationListView.as_view(), name="notifications"),
    path("notifications/unread-count/", notifications.UnreadCountView.as_view(), name="notifications-unread-count"),
    path("notifications/read-all/", notifications.NotificationReadAllView.as_view(), name="notifications-read-all"),
    path("notifications/<int:pk>/read/", notifications.NotificationReadView.as_view(), name="notification-read"),
    path("", include(router.urls)),
]
