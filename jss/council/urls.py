from django.urls import path

from jss.council import views

app_name = "council"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_schedule, name="schedule"),
    path("<int:meeting_id>/", views.meeting_view, name="detail"),
    path("<int:meeting_id>/invite.ics", views.meeting_ical, name="ical"),
    path("<int:meeting_id>/pack.pdf", views.meeting_pack, name="pack"),  # the meeting pack for the reader's institution
    path("<int:meeting_id>/attendance/", views.meeting_attendance, name="attendance"),
    path("<int:meeting_id>/minutes/", views.meeting_minutes, name="minutes"),
    path("items/<int:item_id>/note/", views.item_note, name="note"),
    path("items/<int:item_id>/findings/", views.item_findings, name="findings"),
    path("items/<int:item_id>/chair/", views.chair_screen, name="chair"),  # the chair's screen for one case
    path("items/<int:item_id>/timer/", views.item_timer, name="timer"),
    path("items/<int:item_id>/action/", views.item_action, name="action"),
]
