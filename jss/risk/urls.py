from django.urls import path

from jss.risk import views

app_name = "risk"
urlpatterns = [
    path("", views.assessment_index, name="list"),
    path("rates/", views.rates_report, name="rates"),
    path("persons/<int:person_id>/start/", views.assessment_start, name="start"),
    path("persons/<int:person_id>/", views.person_history, name="history"),
    path("<int:assessment_id>/", views.assessment_view, name="assessment"),
    path("<int:assessment_id>/answer/", views.assessment_answer, name="answer"),
    path("<int:assessment_id>/complete/", views.assessment_complete, name="complete"),
    path("<int:assessment_id>/band/", views.assessment_band, name="band"),
    path("<int:assessment_id>/discard/", views.assessment_discard, name="discard"),
]
