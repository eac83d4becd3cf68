from allauth.account import views as account_views
from django.urls import path

from shenbao.web import agreements, disbursement, institution, projects, report_assignment
from shenbao.web import notifications as notification_views
from shenbao.web import publications as web_publications
from shenbao.web.applicant import documents as applicant_documents
from shenbao.web.applicant import exclusions as applicant_exclusions
from shenbao.web.applicant import reconsideration as applicant_reconsideration
from shenbao.web.applicant import response as applicant_response
from shenbao.web.applicant import tokens as applicant_tokens
from shenbao.web.applicant import views as applicant
from shenbao.web.public import documents as public_documents
from shenbao.web.public import results as public_results
from shenbao.web.public import views as public
from shenbao.web.reviewer import bids as reviewer_bids
from shenbao.web.reviewer import discussion as reviewer_discussion
from shenbao.web.reviewer import reading as reviewer_reading
from shenbao.web.reviewer import revise as reviewer_revise
from shenbao.web.reviewer import views as reviewer
from shenbao.web.staff import awards as staff_awards
from shenbao.web.staff import bilateral as staff_bilateral
from shenbao.web.staff import bulk_mail as staff_bulk_mail
from shenbao.web.staff import call_admin as staff_call_admin
from shenbao.web.staff import call_editor as staff_call_editor
from shenbao.web.staff import dashboard as staff_dashboard
from shenbao.web.staff import exports as staff_exports
from shenbao.web.staff import guides as staff_guides
from shenbao.web.staff import imports as staff_imports
from shenbao.web.staff import mail_templates as staff_mail_templates
from shenbao.web.staff import notes as staff_notes
from shenbao.web.staff import obligations as staff_obligations
from shenbao.web.staff import operations as staff_operations
from shenbao.web.staff import outbox as staff_outbox
from shenbao.web.staff import people as staff_people
from shenbao.web.staff import responses as staff_responses
from shenbao.web.staff import reviews as staff_reviews
from shenbao.web.staff import statistics as staff_statistics
from shenbao.web.staff import views as staff

app_name = "web"

urlpatterns = [
    path("", public.call_list, name="call_list"),
    path("calls/<slug:code>/", public.call_detail, name="call_detail"),
    path("calls/<slug:code>/form.docx", public_documents.call_form_download, name="call_form"),
    path("calls/<slug:code>/apply/", applicant.apply, name="apply"),
    path("calls/<slug:code>/results/", public_results.call_results, name="call_results"),
    # Our names for the log-in library's pages (allauth, mounted under accounts/ in config/urls.py).
    path("accounts/login/", account_views.login, name="login"),
    path("accounts/logout/", account_views.logout, name="logout"),
    path("accounts/register/", account_views.signup, name="register"),
    path("me/profile/", applicant.profile, name="profile"),
    path("me/publications/", web_publications.publications, name="publications"),
    path("me/publications/remove/", web_publications.publications_remove, name="publications_remove"),
    path("me/api-tokens/", applicant_tokens.api_tokens, name="api_tokens"),
    path("me/notifications/", notification_views.notification_list, name="notifications"),
    path("me/notifications/read-all/", notification_views.notification_read_all, name="notifications_read_all"),
    path("me/notifications/<int:pk>/", notification_views.notification_open, name="notification_open"),
    path("me/notifications/<int:pk>/read/", notification_views.notification_read, name="notification_read"),
    path("me/api-tokens/<int:token_pk>/revoke/", applicant_tokens.api_token_revoke, name="api_token_revoke"),
    path("me/applications/", applicant.my_applications, name="my_applications"),
    path("applications/<int:pk>/", applicant.application_detail, name="application"),
    path("applications/<int:pk>/save/", applicant.application_save, name="application_save"),
    path("applications/<int:pk>/eligibility/", applicant.application_eligibility, name="application_eligibility"),
    path("applications/<int:pk>/team/", applicant.application_invite, name="application_invite"),
    path("applications/<int:pk>/team/<int:member_pk>/remove/", applicant.application_team_remove, name="application_team_remove"),
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
    path("applications/<int:pk>/exclusions/", applicant_exclusions.application_exclusion, name="application_exclusion"),
    path(
        "applications/<int:pk>/reconsideration/",
        applicant_reconsideration.application_reconsideration,
        name="application_reconsideration",
    ),
    path("applications/<int:pk>/submit/", applicant.application_submit, name="application_submit"),
    path("applications/<int:pk>/response/<int:stage_pk>/", applicant_response.application_response, name="application_response"),
    path("applications/<int:pk>/withdraw/", applicant.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/endorse/", applicant.application_endorse, name="application_endorse"),
    path("applications/<int:pk>/amend/", applicant.application_amend, name="application_amend"),
    path(
        "applications/<int:pk>/obligations/breach/",
        staff_obligations.application_obligation_breach,
        name="application_obligation_breach",
    ),
    path("applications/<int:pk>/form.docx", applicant_documents.application_form_download, name="application_form_docx"),
    path("applications/<int:pk>/form/upload/", applicant_documents.application_form_upload, name="application_form_upload"),
    path("applications/<int:pk>/form/confirm/", applicant_documents.application_form_confirm, name="application_form_confirm"),
    path("applications/<int:pk>/revisions/<int:number>.pdf", applicant_documents.revision_pdf_download, name="revision_pdf"),
    path("invitations/<str:token>/", applicant.invitation, name="invitation"),
    path("review/", reviewer.my_reviews, name="my_reviews"),
    path("review/invitations/<str:token>/", reviewer.pool_invitation, name="pool_invitation"),
    path("review/bidding/", reviewer_bids.bidding_overview, name="bidding"),
    path("review/stages/<int:pk>/bids/", reviewer_bids.stage_bids, name="stage_bids"),
    path("review/assignments/<int:pk>/", reviewer.assignment_detail, name="assignment"),
    path("review/assignments/<int:pk>/save/", reviewer.assignment_save, name="assignment_save"),
    path("review/assignments/<int:pk>/submit/", reviewer.assignment_submit, name="assignment_submit"),
    path("review/assignments/<int:pk>/conflict/", reviewer.assignment_conflict, name="assignment_conflict"),
    path("review/discussion/<int:stage_pk>/<int:application_pk>/", reviewer_discussion.discussion, name="discussion"),
    path(
        "review/discussion/<int:stage_pk>/<int:application_pk>/opinion/",
        reviewer_discussion.panel_opinion,
        name="panel_opinion",
    ),
    path("staff/stages/<int:pk>/panel-heads/", reviewer_discussion.panel_heads, name="panel_heads"),
    path("staff/applications/<int:pk>/notes/", staff_notes.application_notes, name="application_notes"),
    path("review/assignments/<int:pk>/application.pdf", reviewer.assignment_pdf, name="assignment_pdf"),
    # Reading in the page (issue 20): inline PDFs for the reader beside the form, and revising after the response.
    path("review/assignments/<int:pk>/read/application.pdf", reviewer_reading.assignment_pdf_read, name="assignment_pdf_read"),
    path(
        "review/assignments/<int:pk>/attachments/<int:attachment_pk>/read/",
        reviewer_reading.assignment_attachment_read,
        name="assignment_attachment_read",
    ),
    path("review/assignments/<int:pk>/revise/", reviewer_revise.assignment_revise, name="assignment_revise"),
    path(
        "review/assignments/<int:pk>/attachments/<int:attachment_pk>/",
        reviewer.assignment_attachment,
        name="assignment_attachment",
    ),
    path("staff/", staff.staff_calls, name="staff_calls"),
    path("staff/operations/", staff_operations.operations, name="operations"),
    path("staff/guides/", staff_guides.guide_list, name="guide_list"),
    path("staff/guides/upload/", staff_guides.guide_upload, name="guide_upload"),
    path("staff/guides/<int:pk>/", staff_guides.guide_detail, name="guide_detail"),
    path("staff/guides/<int:pk>/draft/", staff_guides.guide_edit, name="guide_edit"),
    path("staff/guides/<int:pk>/progress/", staff_guides.guide_progress, name="guide_progress"),
    path("staff/guides/<int:pk>/directions/", staff_guides.guide_directions, name="guide_directions"),
    path("staff/guides/<int:pk>/directions/preview/", staff_guides.guide_directions_preview, name="guide_directions_preview"),
    path("staff/guides/<int:pk>/save-call/", staff_guides.guide_save_call, name="guide_save_call"),
    path("staff/calls/<slug:code>/formal-check/", staff.formal_check, name="formal_check"),
    path("staff/calls/<slug:code>/formal-check/decide/", staff.formal_check_decide, name="formal_check_decide"),
    path("staff/calls/<slug:code>/dashboard/", staff_dashboard.call_dashboard, name="call_dashboard"),
    path("staff/calls/<slug:code>/searches/", staff.saved_search_create, name="saved_search_create"),
    path("staff/searches/<int:pk>/delete/", staff.saved_search_delete, name="saved_search_delete"),
    path("institution/endorsements/", institution.endorsement_queue, name="endorsement_queue"),
    path("institution/endorsements/decide/", institution.endorsement_decide, name="endorsement_decide"),
    path("staff/calls/<slug:code>/review/", staff_reviews.review_overview, name="review_overview"),
    path("staff/calls/<slug:code>/review/settings/", staff_reviews.review_settings, name="review_settings"),
    path("staff/calls/<slug:code>/results/", staff_awards.results, name="results_staff"),
    path("staff/calls/<slug:code>/results/act/", staff_awards.results_action, name="results_action"),
    path("staff/calls/<slug:code>/results/job/", staff_awards.selection_job, name="selection_job"),
    path("staff/calls/<slug:code>/statistics/", staff_statistics.call_dashboard, name="call_statistics"),
    path("staff/calls/<slug:code>/agreements/", agreements.call_agreements, name="call_agreements"),
    path("staff/calls/<slug:code>/agreements/extend/", agreements.call_agreements_extend, name="call_agreements_extend"),
    path("staff/calls/<slug:code>/outbox/", staff_outbox.call_outbox, name="call_outbox"),
    path("staff/calls/<slug:code>/outbox/act/", staff_outbox.call_outbox_action, name="call_outbox_action"),
    path("staff/calls/<slug:code>/outbox/<int:pk>/", staff_outbox.call_outbox_message, name="call_outbox_message"),
    # Mail templates of a call and of a program (issue 17): staff's own texts, preview, reset.
    path("staff/calls/<slug:code>/mail-templates/", staff_mail_templates.call_mail_templates, name="call_mail_templates"),
    path(
        "staff/calls/<slug:code>/mail-templates/<slug:key>/", staff_mail_templates.call_mail_template, name="call_mail_template"
    ),
    path("staff/programs/<int:pk>/mail-templates/", staff_mail_templates.program_mail_templates, name="program_mail_templates"),
    path(
        "staff/programs/<int:pk>/mail-templates/<slug:key>/",
        staff_mail_templates.program_mail_template,
        name="program_mail_template",
    ),
    path("staff/calls/<slug:code>/mail/", staff_bulk_mail.bulk_mail, name="bulk_mail"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement"),
    path("staff/calls/<slug:code>/projects/", projects.call_projects, name="call_projects"),
    path("projects/<int:pk>/", projects.project_detail, name="project"),
    path("projects/<int:pk>/act/", projects.project_action, name="project_action"),
    path("projects/<int:pk>/disbursement/", disbursement.project_disbursement, name="project_disbursement"),
    path("projects/<int:pk>/reports/", disbursement.project_reports, name="project_reports"),
    path("staff/calls/<slug:code>/disbursement/", disbursement.call_disbursement, name="call_disbursement"),
    path("staff/calls/<slug:code>/report-reviews/", report_assignment.call_report_reviews, name="call_report_reviews"),
    path("agreements/<int:pk>/confirm/", agreements.agreement_confirm, name="agreement_confirm"),
    path("agreements/<int:pk>/text/", agreements.agreement_text, name="agreement_text"),
    path("agreements/<int:pk>/amendments/<int:number>/", agreements.agreement_amendment, name="agreement_amendment"),
    path("agreements/<int:pk>/budget/", agreements.agreement_budget, name="agreement_budget"),
    path("staff/calls/<slug:code>/agreements/template/", agreements.call_agreement_template, name="call_agreement_template"),
    path("agreements/<int:pk>/decline/", agreements.agreement_decline, name="agreement_decline"),
    path("agreements/<int:pk>/overdue/", agreements.agreement_overdue, name="agreement_overdue"),
    path("staff/calls/<slug:code>/review/invite/", staff_reviews.pool_invite, name="pool_invite"),
    path("staff/calls/<slug:code>/review/pool/<int:member_pk>/", staff_reviews.pool_update, name="pool_update"),
    path("staff/stages/<int:pk>/open/", staff_reviews.stage_open, name="stage_open"),
    path("staff/stages/<int:pk>/board/", staff_reviews.stage_board, name="stage_board"),
    path("staff/stages/<int:pk>/board/lock/", staff_reviews.stage_bulk_lock, name="stage_bulk_lock"),
    path("staff/stages/<int:pk>/assign/", staff_reviews.stage_assign, name="stage_assign"),
    path("staff/stages/<int:pk>/assign/job/", staff_reviews.stage_assignment_job, name="stage_assignment_job"),
    path("staff/stages/<int:pk>/assign/manual/", staff_reviews.stage_assign_manual, name="stage_assign_manual"),
    path("staff/stages/<int:pk>/assignments/<int:assignment_pk>/", staff_reviews.assignment_change, name="assignment_change"),
    path("staff/stages/<int:pk>/ranking/", staff_reviews.stage_ranking_page, name="stage_ranking"),
    path("staff/stages/<int:pk>/sign-off/", staff_reviews.stage_sign_off, name="stage_sign_off"),
    path("staff/stages/<int:pk>/responses/", staff_responses.stage_responses, name="stage_responses"),
    path("staff/stages/<int:pk>/responses/open/", staff_responses.stage_responses_open, name="stage_responses_open"),
    path("staff/stages/<int:pk>/advance/", staff_reviews.stage_advance, name="stage_advance"),
    path("staff/stages/<int:pk>/live/", staff_reviews.live_reveal, name="live_reveal"),
    path("staff/stages/<int:pk>/live/panel/", staff_reviews.live_panel, name="live_panel"),
    path("staff/stages/<int:pk>/live/reveal/", staff_reviews.live_reveal_next, name="live_reveal_next"),
    path("staff/calls/<slug:code>/exports/<slug:kind>.<str:file_format>", staff_exports.call_export, name="call_export"),
    path("staff/calls/<slug:code>/pdfs.zip", staff_exports.call_pdfs, name="call_pdfs"),
    path("staff/jobs/<int:pk>/", staff_exports.file_job, name="file_job"),
    path("staff/jobs/<int:pk>/progress/", staff_exports.file_job_progress, name="file_job_progress"),
    path("staff/jobs/<int:pk>/download/", staff_exports.file_job_download, name="file_job_download"),
    path("staff/calls/<slug:code>/topics/import/", staff_imports.topic_import, name="topic_import"),
    path("staff/calls/<slug:code>/partner-list/", staff_bilateral.partner_list, name="partner_list"),
    path("staff/calls/<slug:code>/applications/import/", staff_imports.application_import, name="application_import"),
    # The call editor (issue 16): one block, kept together.
    path("staff/editor/new-call/", staff_call_editor.editor_new_call, name="call_editor_new_call"),
    path("staff/calls/<slug:code>/editor/", staff_call_editor.editor_home, name="call_editor"),
    path("staff/calls/<slug:code>/editor/versions/", staff_call_editor.editor_versions, name="call_editor_versions"),
    path("staff/calls/<slug:code>/editor/diff/", staff_call_editor.editor_diff, name="call_editor_diff"),
    path("staff/calls/<slug:code>/editor/restore/", staff_call_editor.editor_restore, name="call_editor_restore"),
    path("staff/calls/<slug:code>/editor/yaml/", staff_call_editor.editor_import, name="call_editor_import"),
    path("staff/calls/<slug:code>/editor/yaml/export/", staff_call_editor.editor_export, name="call_editor_export"),
    path("staff/calls/<slug:code>/editor/explain/", staff_call_editor.editor_explain, name="call_editor_explain"),
    path("staff/calls/<slug:code>/editor/<slug:section>/", staff_call_editor.editor_section, name="call_editor_section"),
    path("staff/calls/<slug:code>/editor/<slug:section>/new/", staff_call_editor.editor_item_new, name="call_editor_item_new"),
    path("staff/calls/<slug:code>/editor/<slug:section>/move/", staff_call_editor.editor_move, name="call_editor_move"),
    path("staff/calls/<slug:code>/editor/<slug:section>/<int:index>/", staff_call_editor.editor_item, name="call_editor_item"),
    # The program office's workspace (issue 16): status changes, cloning, people and roles, the audit log.
    path("staff/calls/<slug:code>/manage/", staff_call_admin.call_manage, name="call_manage"),
    path("staff/calls/<slug:code>/status/", staff_call_admin.call_transition, name="call_transition"),
    path("staff/calls/<slug:code>/clone/", staff_call_admin.call_clone, name="call_clone"),
    path("staff/calls/<slug:code>/revise/", staff_call_admin.call_revision, name="call_revision"),
    path("staff/calls/<slug:code>/audit/", staff_call_admin.call_audit, name="call_audit"),
    path("staff/applications/<int:pk>/audit/", staff_call_admin.application_audit, name="application_audit"),
    path("staff/calls/<slug:code>/people/", staff_people.call_people, name="call_people"),
    path("staff/calls/<slug:code>/people/roles/", staff_people.role_invite, name="role_invite"),
    path("staff/calls/<slug:code>/people/roles/<int:role_pk>/revoke/", staff_people.role_revoke, name="role_revoke"),
    path("staff/calls/<slug:code>/people/pool/", staff_people.pool_invite_here, name="people_pool_invite"),
    path("staff/calls/<slug:code>/people/pool/<int:member_pk>/remove/", staff_people.pool_remove, name="pool_remove"),
    path("staff/organisations/", staff_people.organisation_list, name="organisation_list"),
    path("staff/organisations/<int:pk>/", staff_people.organisation_officers, name="organisation_officers"),
    path(
        "staff/organisations/<int:pk>/officers/<int:membership_pk>/revoke/",
        staff_people.officer_revoke,
        name="officer_revoke",
    ),
]
