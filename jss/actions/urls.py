from django.urls import path

from jss.actions import views

app_name = "actions"
urlpatterns = [
    path("", views.action_inbox, name="inbox"),
    path("<int:action_id>/", views.action_detail, name="detail"),
    path("<int:action_id>/edit/", views.action_edit, name="edit"),
    path("<int:action_id>/letter.pdf", views.action_letter, name="letter"),
    path("case/<int:case_id>/add/", views.action_add, name="add"),
]
