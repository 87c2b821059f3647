"""The API router: each app registers its viewsets here under /api/v1/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from areas.api import LocalAuthorityViewSet, RegionViewSet
from case_studies.api import CaseStudyViewSet
from findings.api import ExcerptViewSet, FigureViewSet, FindingViewSet, ThemeViewSet
from findings.api_editions import ReportEditionViewSet
from surveys.api import SurveyResponseViewSet, SurveyViewSet
from visits.api import FeedbackViewSet, VisitViewSet

from .api_search import SearchViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("local-authorities", LocalAuthorityViewSet, basename="localauthority")
router.register("surveys", SurveyViewSet, basename="survey")
router.register("survey-responses", SurveyResponseViewSet, basename="surveyresponse")
router.register("visits", VisitViewSet, basename="visit")
router.register("feedback", FeedbackViewSet, basename="feedback")
router.register("case-studies", CaseStudyViewSet, basename="casestudy")
router.register("themes", ThemeViewSet, basename="theme")
router.register("findings", FindingViewSet, basename="finding")
router.register("excerpts", ExcerptViewSet, basename="excerpt")
router.register("figures", FigureViewSet, basename="figure")
router.register("reports", ReportEditionViewSet, basename="report")
router.register("search", SearchViewSet, basename="search")

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The documentation page is the same few static files for everyone: not counted against
    # a caller's allowance, so reading the docs never uses up the calls a partner needs.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", throttle_classes=[]),
        name="docs",
    ),
    path("", include(router.urls)),
]
