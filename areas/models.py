"""The register: England's nine regions, the 152 children's-services authorities of 2013
and the partner agencies that work with them."""

from django.db import models
from django.db.models import Q
from django.urls import reverse


class Region(models.Model):
    code = models.CharField("ONS code", max_length=9, unique=True)
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^E12[0-9]{6}$"),
                name="region_code_is_gss_e12",
                violation_error_message=(
                    "Enter the region's ONS code: E12 and 6 digits, such as E12000007"
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("areas:region", kwargs={"slug": self.slug})


class AuthorityType(models.TextChoices):
    COUNTY = "county", "County"
    UNITARY = "unitary", "Unitary authority"
    METROPOLITAN_DISTRICT = "metropolitan_district", "Metropolitan district"
    LONDON_BOROUGH = "london_borough", "London borough"
    CITY_OF_LONDON = "city_of_london", "City of London"
    ISLES_OF_SCILLY = "isles_of_scilly", "Isles of Scilly"


class LocalAuthority(models.Model):
    """An upper-tier authority with children's services responsibility in 2013."""

    gss_code = models.CharField("ONS code", max_length=9, unique=True)
    gss_code_before_april_2013 = models.CharField(
        "ONS code before April 2013", max_length=9, blank=True, default=""
    )
    dfe_code = models.CharField("DfE LA code", max_length=3, unique=True)
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    type = models.CharField(max_length=24, choices=AuthorityType.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="authorities")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"
        constraints = [
            models.CheckConstraint(
                condition=Q(gss_code__regex=r"^E(06|08|09|10)[0-9]{6}$"),
                name="authority_gss_code_is_upper_tier",
                violation_error_message=(
                    "Enter an upper-tier ONS code: E06, E08, E09 or E10 and 6 digits, "
                    "such as E08000037"
                ),
            ),
            models.CheckConstraint(
                condition=Q(dfe_code__regex=r"^[0-9]{3}$"),
                name="authority_dfe_code_is_3_digits",
                violation_error_message="Enter the DfE local authority code: 3 digits, such as 390",
            ),
            models.CheckConstraint(
                condition=Q(type__in=AuthorityType.values), name="authority_type_is_known"
            ),
            models.UniqueConstraint(
                fields=["gss_code_before_april_2013"],
                condition=~Q(gss_code_before_april_2013=""),
                name="authority_old_gss_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("areas:authority", kwargs={"slug": self.slug})


class AgencyType(models.TextChoices):
    POLICE = "police", "Police"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    YOUTH_OFFENDING = "youth_offending", "Youth offending"
    HOUSING = "housing", "Housing"
    OTHER = "other", "Other"


class PartnerAgency(models.Model):
    """A named agency that works with one area (or several, when no area is set:
    a police force that spans several councils, say)."""

    name = models.CharField(max_length=200)
    agency_type = models.CharField(max_length=24, choices=AgencyType.choices)
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        related_name="partner_agencies",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "partner agencies"
        constraints = [
            models.CheckConstraint(
                condition=Q(agency_type__in=AgencyType.values), name="agency_type_is_known"
            ),
            models.UniqueConstraint(
                fields=["name", "local_authority"], name="agency_name_unique_per_area"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(local_authority__isnull=True),
                name="agency_name_unique_without_area",
            ),
        ]

    def __str__(self) -> str:
        return self.name
