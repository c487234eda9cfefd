from django.urls import path

from jss.reports import views

app_name = "reports"
urlpatterns = [
    path("semiannual/", views.semiannual, name="semiannual"),
    path("semiannual/compute/", views.semiannual_compute, name="compute"),
    path("semiannual/report.pdf", views.semiannual_pdf, name="pdf"),
    path("semiannual/report.xlsx", views.semiannual_xlsx, name="xlsx"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/case/<int:case_id>/", views.review_propose, name="review_propose"),
    path("reviews/<int:review_id>/decide/", views.review_decide, name="review_decide"),
]
