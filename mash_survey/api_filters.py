"""The conditions every API filter by region or by local authority shares.

Each builds a `Q` over the lookup path from the filtered rows to the region or the
authority, so the filter sets differ only in that path.
"""

from django.db.models import Q


def _lookup(path: str, field: str) -> str:
    return f"{path}__{field}" if path else field


def region_q(value: str, *, path: str = "region") -> Q:
    """Rows whose region has this ONS code (E12…) or slug, in any case.

    `path` leads from the row to its region: "region", "local_authority__region"…
    """
    value = value.strip()
    return Q(**{_lookup(path, "code"): value.upper()}) | Q(**{_lookup(path, "slug"): value.lower()})


def authority_code_q(value: str, *, path: str = "") -> Q:
    """Rows whose local authority has this code: its ONS code, its ONS code before April
    2013 or its DfE code, in any case.

    `path` leads from the row to its authority: "" for authorities themselves,
    "local_authority"…
    """
    value = value.strip().upper()
    return (
        Q(**{_lookup(path, "gss_code"): value})
        | Q(**{_lookup(path, "gss_code_before_april_2013"): value})
        | Q(**{_lookup(path, "dfe_code"): value})
    )
