from django.urls import path

from .views import ledger_import

# Included into records/urls.py, so these names live in the ``records`` namespace.
urlpatterns = [
    path("ledger/import/", ledger_import.ledger_import_page, name="ledger-import"),
    path("ledger/import/template.xlsx", ledger_import.ledger_import_template, name="ledger-import-template"),
]
