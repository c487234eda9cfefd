from django.urls import path

from jss.repeats import views

app_name = "repeats"
urlpatterns = [
    path("", views.triage_list, name="list"),
    path("<int:flag_id>/", views.flag_view, name="detail"),
    path("<int:flag_id>/propose/", views.flag_propose, name="propose"),
    path("<int:flag_id>/dismiss/", views.flag_dismiss, name="dismiss"),
]
