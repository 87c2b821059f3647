"""Visit and feedback factories."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from visits.models import DetailedFeedback, ModelSeen, Visit

from ..factories import RegionFactory


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit
        skip_postgeneration_save = True

    visit_date = dt.date(2013, 2, 12)
    region = factory.SubFactory(RegionFactory)
    model_seen = ModelSeen.MASH
    notes = (
        "The hub brings together children's social care, police and health staff in one "
        "office. Contacts are rated red, amber or green within the first hour."
    )

    @factory.post_generation
    def local_authorities(
        self, create: bool, extracted: list[object] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            self.local_authorities.set(extracted)


class DetailedFeedbackFactory(DjangoModelFactory):
    class Meta:
        model = DetailedFeedback

    visit = factory.SubFactory(VisitFactory)
    established_on = dt.date(2011, 10, 1)
    monthly_contacts = 1200
    monthly_referrals = 300
    red_hours = 4
    amber_hours = 24
    green_hours = 72
    uses_blue_rating = False
    has_governance_board = True
    board_chair = "Assistant director of children's services"
    isa_signed = True
    success_factors = "Co-location and a shared triage scheme."
