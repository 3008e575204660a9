from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.event_index, name="event-list"),
    path("export.csv", views.event_export, name="event-export"),
]
