from django.urls import path

from . import views_import

# Concatenated into assessments/urls.py, so these names live in the ``assessments`` namespace.
urlpatterns = [
    path("mass-evaluation/import/", views_import.mass_import_page, name="mass-import"),
    path("mass-evaluation/import/template.xlsx", views_import.mass_import_template, name="mass-import-template"),
]
