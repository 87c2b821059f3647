from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from areas.sitemaps import AuthoritySitemap, RegionSitemap
from case_studies.sitemaps import CaseStudySitemap
from findings.sitemaps import EditionSitemap, FigureSitemap, ThemeSitemap
from surveys.sitemaps import SurveySitemap

from . import audit_views, search_views, views, work
from .forms import SignInForm
from .sitemaps import PageSitemap, robots_txt

admin.site.site_header = "Multi-agency working and information sharing: administration"
admin.site.site_title = "MASH survey administration"

#: Every public page, section by section (each app's own rules say what is public).
SITEMAPS: dict[str, type[Sitemap]] = {
    "pages": PageSitemap,
    "regions": RegionSitemap,
    "areas": AuthoritySitemap,
    "surveys": SurveySitemap,
    "case-studies": CaseStudySitemap,
    "editions": EditionSitemap,
    "themes": ThemeSitemap,
    "figures": FigureSitemap,
}

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("search/", search_views.search_page, name="search"),
    path("your-work/", work.your_work, name="your_work"),
    path("about-the-data/", views.about_data, name="about_data"),
    path("audit/", audit_views.audit_event_list, name="audit_events"),
    path("audit/events.<str:fmt>", audit_views.audit_event_download, name="audit_download"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("areas/", include("areas.urls")),
    path("survey/", include("surveys.urls")),
    path("visits/", include("visits.urls")),
    path("case-studies/", include("case_studies.urls")),
    path("findings/", include("findings.urls")),
    path("api/v1/", include("mash_survey.api")),
    path("admin/", admin.site.urls),
]

handler403 = "mash_survey.views.permission_denied"
handler404 = "mash_survey.views.page_not_found"
handler500 = "mash_survey.views.server_error"
