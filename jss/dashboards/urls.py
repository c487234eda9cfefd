from django.urls import path

from jss.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("province/", views.province, name="province"),
    path("station/", views.station, name="station"),
    path("institution/", views.institution, name="institution"),
    path("head/", views.head, name="head"),
]
