from django.contrib import admin
from django.urls import include, path

from core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("", include("records.urls")),
    path("reviews/", include("assessments.urls")),
    path("jobs/", include("core.urls_jobs")),
    path("reports/", include("reports.urls")),
    path("api/v1/", include("records.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
