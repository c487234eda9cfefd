from django.urls import path

from jss.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("verify/", views.chain_check, name="verify"),
]
