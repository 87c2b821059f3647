"""Checks that published survey figures give away no count of fewer than 5 areas, directly or by
subtracting from a total. Used by the page tests and the API tests alike.

`published` maps each filter (region code or "", type or "") to the figure the public were
given for it: a count of areas, or None where "not shown". `true` is what the test knows each
count really is. Every filter's figure is tied to others by sums: a region is the sum of its
types, a type the sum of its regions, England the sum of either.
"""

from areas.models import AuthorityType, Region

MIN_AREAS = 5

Cell = tuple[str, str]


def every_filter() -> list[Cell]:
    regions = ["", *Region.objects.order_by("code").values_list("code", flat=True)]
    return [(region, kind) for region in regions for kind in ["", *AuthorityType.values]]


def query(cell: Cell) -> dict[str, str]:
    region, kind = cell
    return {name: value for name, value in (("region", region), ("type", kind)) if value}


def assert_nothing_small_shown_or_recoverable(
    published: dict[Cell, int | None], true: dict[Cell, int], what: str
) -> None:
    for cell, value in published.items():
        assert value is None or value == 0 or value >= MIN_AREAS, (what, cell, value)
        if value is not None:
            assert value == true.get(cell, 0), (what, cell)
    regions = sorted({r for r, _ in published if r})
    kinds = sorted({k for _, k in published if k})
    sums = [((r, ""), [(r, k) for k in kinds]) for r in regions]
    sums += [(("", k), [(r, k) for r in regions]) for k in kinds]
    sums += [(("", ""), [(r, "") for r in regions]), (("", ""), [("", k) for k in kinds])]
    for total, parts in sums:
        hidden = [c for c in [total, *parts] if published[c] is None and true.get(c, 0)]
        assert len(hidden) != 1, f"{what}: {hidden[0]} is the one figure missing from a sum"
        if hidden and published[total] is not None:
            rest = published[total] - sum(published[p] or 0 for p in parts)  # type: ignore[operator]
            assert rest >= MIN_AREAS, f"{what}: {total} less its parts gives {rest} areas"
