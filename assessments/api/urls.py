"""/api/v1/annual-summaries/ and /api/v1/flags/, added to records.api.urls (the ``api`` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("annual-summaries/", views.SummaryList.as_view(), name="annual-summary-list"),
    path("annual-summaries/<int:pk>/", views.SummaryDetail.as_view(), name="annual-summary-detail"),
    path("flags/", views.FlagList.as_view(), name="flag-list"),
    path("flags/<int:pk>/", views.FlagDetail.as_view(), name="flag-detail"),
    path("flags/<int:pk>/decide/", views.FlagDecide.as_view(), name="flag-decide"),
]
