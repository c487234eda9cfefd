from django.urls import path

from jss.institutions import views

app_name = "institutions"
urlpatterns = [
    path("", views.institution_list, name="list"),
    path("<int:institution_id>/", views.institution_detail, name="detail"),
]
