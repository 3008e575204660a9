from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("raw/", views.raw_list_export, name="raw-export"),
    path("files/<int:pk>/", views.export_detail, name="export-detail"),
    path("files/<int:pk>/download/", views.export_download, name="export-download"),
]
