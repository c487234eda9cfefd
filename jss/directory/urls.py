from django.urls import path

from jss.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.search, name="search"),
    path("institutions/<int:institution_id>/", views.entry_detail, name="entry"),
    path("institutions/<int:institution_id>/edit/", views.entry_edit, name="entry_edit"),
    path("institutions/<int:institution_id>/verify/", views.entry_verify, name="entry_verify"),
    path("institutions/<int:institution_id>/services/new/", views.service_create, name="service_create"),
    path("services/<int:service_id>/edit/", views.service_edit, name="service_edit"),
    path("services/<int:service_id>/delete/", views.service_delete, name="service_delete"),
    path("changes/", views.changes, name="changes"),
    path("booklet/", views.booklet, name="booklet"),
    path("export/hsds.json", views.export_json, name="export_json"),
    path("export/hsds-csv.zip", views.export_csv, name="export_csv"),
    path("import/", views.import_hsds, name="import"),
    path("apply/", views.apply, name="apply"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:application_id>/", views.application_detail, name="application"),
]
