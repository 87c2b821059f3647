"""Statistical disclosure control: which public figures may be shown.

A figure counts areas (its base: the areas that responded). A figure over fewer than
`DISCLOSURE_MIN_AREAS` areas (but more than none) is not shown (primary suppression).
Figures published together are tied by sums: a total is the sum of its parts (England of its
regions, a region of its types of authority). Where a hidden figure could be worked out from
a sum, more figures are hidden (secondary suppression) until, in every sum, either nothing is
hidden, or at least two figures are and the hidden parts cover at least the threshold.
A figure over no areas is shown: it gives away no area's answer.

Any page, file or API that publishes counts of areas decides what to show here.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import TypeVar

from django.conf import settings

K = TypeVar("K", bound=Hashable)


class Hidden(StrEnum):
    """Why a figure is not shown."""

    FEW_AREAS = "few_areas"  # its base is below the threshold
    PROTECTS = "protects"  # it would give away a figure that is

    def short(self) -> str:
        """For a table cell."""
        return f"Fewer than {min_areas()}" if self == Hidden.FEW_AREAS else "Not shown"

    def notice(self) -> str:
        n = min_areas()
        if self == Hidden.FEW_AREAS:
            return f"Fewer than {n} areas: not shown"
        return f"Not shown, so that figures for fewer than {n} areas cannot be worked out"


def min_areas() -> int:
    return int(settings.DISCLOSURE_MIN_AREAS)


def is_small(count: int | None) -> bool:
    """True when a count of areas is too small to publish (1 to the threshold less one)."""
    return count is not None and 0 < count < min_areas()


#: A sum between published figures: a total, and the parts it is the sum of.
Relation = tuple[K, Sequence[K]]


def suppress(
    counts: Mapping[K, int],
    relations: Iterable[Relation[K]],
    *,
    hidden: Mapping[K, Hidden] | None = None,
) -> dict[K, Hidden]:
    """The figures to hide and why, given each figure's base and the sums between them.

    `hidden`: figures already hidden for another reason (such as the same areas' figure in
    another table), kept hidden. A figure missing from `counts` has a base of 0.
    """
    sums = [(total, list(parts)) for total, parts in relations]
    result: dict[K, Hidden] = dict(hidden or {})
    for key, count in counts.items():
        if is_small(count):
            result.setdefault(key, Hidden.FEW_AREAS)
    order = {key: i for i, key in enumerate(counts)}
    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            pick = _to_hide(counts, total, parts, result, order)
            if pick is not None:
                result[pick] = Hidden.PROTECTS
                changed = True
    return result


def _to_hide(
    counts: Mapping[K, int],
    total: K,
    parts: list[K],
    hidden: Mapping[K, Hidden],
    order: Mapping[K, int],
) -> K | None:
    """In one sum, the next figure to hide so that no hidden one can be worked out, or None."""
    members = [total, *parts]
    hidden_members = [m for m in members if m in hidden]
    if not hidden_members:
        return None
    hidden_parts = sum(counts.get(p, 0) for p in parts if p in hidden)
    exposed = len(hidden_members) == 1 or (total not in hidden and hidden_parts < min_areas())
    if not exposed:
        return None
    # Hiding a figure over no areas protects nothing: hide the smallest real one, the total last.
    candidates = [p for p in parts if p not in hidden and counts.get(p, 0) > 0]
    if not candidates:
        candidates = [total] if total not in hidden and counts.get(total, 0) > 0 else []
    if not candidates:
        return None
    return min(candidates, key=lambda key: (counts.get(key, 0), order.get(key, len(order))))


def suppress_breakdown(base: int, cells: Mapping[K, int], total_key: K) -> dict[K, Hidden]:
    """One table: a total (`base`, under `total_key`) and the cells that add up to it."""
    return suppress({total_key: base, **cells}, [(total_key, list(cells))])


def grid_relations(rows: Sequence[K], columns: Sequence[K], *, every: K) -> list[Relation]:
    """The sums of a two-way table with margins, keyed (row, column), `every` standing for
    all rows or all columns: each row's total, each column's total, and the grand total of
    both margins."""
    relations: list[Relation] = []
    for row in rows:
        relations.append(((row, every), [(row, column) for column in columns]))
    for column in columns:
        relations.append(((every, column), [(row, column) for row in rows]))
    relations.append(((every, every), [(row, every) for row in rows]))
    relations.append(((every, every), [(every, column) for column in columns]))
    return relations
