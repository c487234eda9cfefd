from django.urls import path

from jss.joint import views

app_name = "joint"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_schedule, name="schedule"),
    path("<int:meeting_id>/", views.meeting_view, name="detail"),
    path("<int:meeting_id>/invite.ics", views.meeting_ical, name="ical"),
    path("<int:meeting_id>/attendance/", views.meeting_attendance, name="attendance"),
    path("<int:meeting_id>/items/", views.item_add, name="item_add"),
    path("<int:meeting_id>/decisions/", views.decision_add, name="decision_add"),
    path("<int:meeting_id>/minutes/", views.meeting_minutes, name="minutes"),
    path("items/<int:item_id>/outcome/", views.item_outcome, name="outcome"),
    path("items/<int:item_id>/remove/", views.item_remove, name="item_remove"),
    path("decisions/", views.decision_register, name="register"),
    path("decisions/<int:decision_id>/", views.decision_view, name="decision"),
    path("decisions/<int:decision_id>/edit/", views.decision_edit, name="decision_edit"),
]
