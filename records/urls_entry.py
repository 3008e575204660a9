from django.urls import path

from .views import attachments, entries, sanctions

# Included into records/urls.py, so these names live in the ``records`` namespace.
urlpatterns = [
    path("cadres/<int:pk>/entries/new/", entries.entry_new, name="entry-new"),
    path("entries/<int:pk>/edit/", entries.entry_edit, name="entry-edit"),
    path("entries/<int:pk>/withdraw/", entries.entry_withdraw_view, name="entry-withdraw"),
    path("entries/<int:pk>/reverse/", entries.entry_reverse_view, name="entry-reverse"),
    path("entries/<int:pk>/correct/", entries.entry_correct_view, name="entry-correct"),
    path("entries/clashes/", entries.entry_clashes, name="entry-clashes"),
    path("entries/<int:pk>/evidence/", attachments.entry_attachments, name="entry-attachments"),
    path("evidence/<int:pk>/", attachments.attachment_download, name="attachment-download"),
    path("evidence/<int:pk>/remove/", attachments.attachment_delete, name="attachment-delete"),
    path("units/<int:pk>/sheet/", entries.month_sheet_current, name="month-sheet-current"),
    path("units/<int:pk>/sheet/<str:month>/", entries.month_sheet_view, name="month-sheet"),
    path("cadres/<int:pk>/sanctions/new/", sanctions.sanction_new, name="sanction-new"),
    path("sanctions/<int:pk>/correct/", sanctions.sanction_correct_view, name="sanction-correct"),
    path("sanctions/<int:pk>/withdraw/", sanctions.sanction_withdraw_view, name="sanction-withdraw"),
    path("cadres/<int:pk>/talks/new/", sanctions.talk_new, name="talk-new"),
    path("talks/<int:pk>/correct/", sanctions.talk_correct_view, name="talk-correct"),
    path("talks/<int:pk>/withdraw/", sanctions.talk_withdraw_view, name="talk-withdraw"),
]
