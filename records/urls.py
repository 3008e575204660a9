from django.urls import path

from . import urls_entry, urls_ledger_import, urls_review
from .views import cadres, imports, units

app_name = "records"

urlpatterns = [
    path("units/", units.unit_index, name="unit-list"),
    path("cadres/", cadres.cadre_index, name="cadre-list"),
    path("cadres/new/", cadres.cadre_new, name="cadre-new"),
    path("cadres/<int:pk>/", cadres.cadre_detail, name="cadre-detail"),
    path("cadres/<int:pk>/edit/", cadres.cadre_edit, name="cadre-edit"),
    path("cadres/<int:pk>/transfer/", cadres.cadre_transfer_view, name="cadre-transfer"),
    path("cadres/import/", imports.roster_import, name="cadre-import"),
    path("cadres/import/template.xlsx", imports.roster_template, name="cadre-import-template"),
]
# The ledger's pages live in their own URL modules: entry (clerks), review (reviewers and the rule
# book), ledger import.
urlpatterns += urls_entry.urlpatterns + urls_review.urlpatterns + urls_ledger_import.urlpatterns
