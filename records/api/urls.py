from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("units/", views.UnitList.as_view(), name="unit-list"),
    path("cadres/", views.CadreList.as_view(), name="cadre-list"),
    path("cadres/<int:pk>/", views.CadreDetail.as_view(), name="cadre-detail"),
]
