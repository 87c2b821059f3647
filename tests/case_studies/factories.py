"""Case study factories."""

import factory
from factory.django import DjangoModelFactory

from case_studies.models import CaseStudy, CaseStudyModel, KeyFact, Section


class CaseStudyFactory(DjangoModelFactory):
    class Meta:
        model = CaseStudy
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"A hub that shares early, case study {n}")
    slug = factory.Sequence(lambda n: f"case-study-{n}")
    model = CaseStudyModel.MASH
    summary = "Police, health and children's social care share what they know within hours."

    @factory.post_generation
    def local_authorities(
        self, create: bool, extracted: list[object] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            self.local_authorities.set(extracted)


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = Section

    case_study = factory.SubFactory(CaseStudyFactory)
    heading = factory.Sequence(lambda n: f"Section {n}")
    body = "Contacts are rated red, amber or green within an hour of arriving at the front door."
    order = factory.Sequence(lambda n: n)


class KeyFactFactory(DjangoModelFactory):
    class Meta:
        model = KeyFact

    case_study = factory.SubFactory(CaseStudyFactory)
    label = "Established"
    value = "October 2011"
    order = factory.Sequence(lambda n: n)
