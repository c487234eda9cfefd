from django.urls import path

from jss.people import views

app_name = "people"
urlpatterns = [
    path("duplicates/", views.link_list, name="links"),
    path("duplicates/<int:link_id>/", views.link_view, name="link"),
    path("duplicates/<int:link_id>/decide/", views.link_decide, name="decide"),
    path("duplicates/<int:link_id>/unmerge/", views.link_unmerge, name="unmerge"),
]
