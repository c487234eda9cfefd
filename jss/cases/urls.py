from django.urls import path

from jss.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_index, name="list"),
    path("nominate/", views.nominate, name="nominate"),
    path("<int:case_id>/", views.case_view, name="detail"),
    path("<int:case_id>/share/", views.case_share, name="share"),
    path("<int:case_id>/monitor/", views.case_monitor, name="monitor"),
    path("<int:case_id>/contacts/", views.case_contact, name="contact"),
    path("<int:case_id>/close/", views.case_close, name="close"),
    path("nominations/<int:nomination_id>/decide/", views.nomination_decide, name="decide"),
    path("shares/<int:share_id>/revoke/", views.share_revoke, name="revoke"),
]
