from django.urls import path

from jss.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("template.xlsx", views.template, name="template"),
    path("<int:pending_id>/", views.preview, name="preview"),
    path("<int:pending_id>/import/", views.confirm, name="confirm"),
    path("<int:pending_id>/cancel/", views.cancel, name="cancel"),
]
