from django.contrib import admin
from django.urls import include, path

from jss.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("jss.accounts.urls")),
    path("audit/", include("jss.audit.urls")),
    path("regions/", include("jss.regions.urls")),
    path("institutions/", include("jss.institutions.urls")),
    path("directory/", include("jss.directory.urls")),
    path("incidents/", include("jss.incidents.urls")),
    path("repeats/", include("jss.repeats.urls")),
    path("people/", include("jss.people.urls")),
    path("risk/", include("jss.risk.urls")),
    path("cases/", include("jss.cases.urls")),
    path("council/", include("jss.council.urls")),
    path("actions/", include("jss.actions.urls")),
    path("reports/", include("jss.reports.urls")),
    path("joint/", include("jss.joint.urls")),
    path("dashboards/", include("jss.dashboards.urls")),
    path("imports/", include("jss.imports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "jss.accounts.views.bad_request"
handler403 = "jss.accounts.views.permission_denied"
handler404 = "jss.accounts.views.page_not_found"
handler500 = "jss.accounts.views.server_error"
