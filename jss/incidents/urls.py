from django.urls import path

from jss.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_index, name="list"),
    path("new/", views.incident_create, name="create"),
    path("suggest/", views.suggest_persons, name="suggest"),
    path("<int:incident_id>/", views.incident_view, name="detail"),
    path("persons/<int:person_id>/", views.person_view, name="person"),
]
