"""The register in search: regions and local authorities, for everyone."""

from typing import Any

from mash_survey.search import Document, Kind, register

from .models import LocalAuthority, Region


def _everyone(model: Any) -> Any:
    return lambda audience: model.objects.all()


def region_documents(region: Region) -> list[Document]:
    return [
        Document(
            url=region.get_absolute_url(),
            title=region.name,
            summary=f"Region of England (ONS code {region.code})",
            places=region.name,
            regions=[region.pk],
        )
    ]


def authority_documents(authority: LocalAuthority) -> list[Document]:
    region = authority.region
    return [
        Document(
            url=authority.get_absolute_url(),
            title=authority.name,
            summary=f"{authority.get_type_display()} in {region.name} "
            f"(ONS code {authority.gss_code}, DfE code {authority.dfe_code})",
            places=region.name,
            regions=[region.pk],
        )
    ]


register(Kind("region", "Region", Region, region_documents, _everyone(Region), order=10))
register(
    Kind(
        "area",
        "Local authority",
        LocalAuthority,
        authority_documents,
        _everyone(LocalAuthority),
        read=lambda authorities: authorities.select_related("region"),
        parts={Region: lambda region: region.authorities.all()},  # its name is in the summary
        order=11,
    )
)
