from django.urls import path

from . import views_jobs

app_name = "jobs"

urlpatterns = [
    path("<int:pk>/", views_jobs.job_detail, name="job-detail"),
    path("<int:pk>.json", views_jobs.job_status, name="job-status"),
]
