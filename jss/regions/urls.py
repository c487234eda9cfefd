from django.urls import path

from jss.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="list"),
    path("stations/<int:station_id>/", views.station_detail, name="station_detail"),
]
