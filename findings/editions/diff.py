"""What changed between two editions, from their stored snapshots (`snapshot.json`):
findings added, removed and reworded (a line diff of the headline and statement, matched by
the finding's id), the edition's texts reworded, and every figure value that moved (old →
new as printed, by row and column)."""

from dataclasses import dataclass, field
from typing import Any

from mash_survey.history import DiffLine, line_diff

from .snapshot import Snapshot, frozen_figure

TEXTS = (
    ("summary", "Summary"),
    ("introduction", "Introduction"),
    ("method", "Method"),
    ("caveats", "Caveats"),
)
ABSENT = "Not in this edition"


@dataclass(frozen=True)
class FindingChange:
    """A finding in one edition and not the other, or reworded: `headline` and `statement`
    are line diffs (empty when that part is unchanged, or for an added or removed one)."""

    id: int
    theme: str
    title: str
    statement: str = ""
    headline_diff: list[DiffLine] = field(default_factory=list)
    statement_diff: list[DiffLine] = field(default_factory=list)


@dataclass(frozen=True)
class TextChange:
    label: str
    lines: list[DiffLine]


@dataclass(frozen=True)
class ValueChange:
    row: str
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class FigureChange:
    """A figure whose values moved: each cell that differs, or a note when the figure is in
    only one of the editions."""

    key: str
    title: str
    values: list[ValueChange] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class Comparison:
    old: dict[str, Any]  # each edition's "edition" part of its snapshot
    new: dict[str, Any]
    added: list[FindingChange]
    removed: list[FindingChange]
    reworded: list[FindingChange]
    texts: list[TextChange]
    figures: list[FigureChange]

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.reworded or self.texts or self.figures)


def _findings(snap: Snapshot) -> dict[int, tuple[str, dict[str, Any]]]:
    return {
        finding["id"]: (theme["name"], finding)
        for theme in snap["themes"]
        for finding in theme["findings"]
    }


def compare(old: Snapshot, new: Snapshot) -> Comparison:
    """What changed from the `old` edition's snapshot to the `new` one's."""
    before, after = _findings(old), _findings(new)
    added = [
        FindingChange(id, theme, f["headline"], f["statement"])
        for id, (theme, f) in after.items()
        if id not in before
    ]
    removed = [
        FindingChange(id, theme, f["headline"], f["statement"])
        for id, (theme, f) in before.items()
        if id not in after
    ]
    reworded = []
    for id, (theme, f) in after.items():
        if id not in before:
            continue
        was = before[id][1]
        if (was["headline"], was["statement"]) != (f["headline"], f["statement"]):
            reworded.append(
                FindingChange(
                    id,
                    theme,
                    f["headline"],
                    f["statement"],
                    headline_diff=_diff(was["headline"], f["headline"]),
                    statement_diff=_diff(was["statement"], f["statement"]),
                )
            )
    texts = [
        TextChange(label, line_diff(old["edition"][name], new["edition"][name]))
        for name, label in TEXTS
        if old["edition"][name] != new["edition"][name]
    ]
    return Comparison(
        old=old["edition"],
        new=new["edition"],
        added=added,
        removed=removed,
        reworded=reworded,
        texts=texts,
        figures=_figures(old["figures"], new["figures"]),
    )


def _diff(old: str, new: str) -> list[DiffLine]:
    return line_diff(old, new) if old != new else []


def _figures(old: dict[str, Any], new: dict[str, Any]) -> list[FigureChange]:
    changes = []
    for key in [*new, *(key for key in old if key not in new)]:
        if key not in old:
            changes.append(FigureChange(key, new[key]["title"], note="New in this edition."))
        elif key not in new:
            changes.append(FigureChange(key, old[key]["title"], note="Not in this edition."))
        else:
            values = _values(old[key], new[key])
            if values:
                changes.append(FigureChange(key, new[key]["title"], values=values))
    return changes


def _cells(data: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Each of a figure's values as printed, by (row label, column)."""
    figure = frozen_figure(data)
    cells = {}
    for row in data["rows"]:
        for column, value in zip(data["columns"], row["values"], strict=True):
            if row["hidden"]:
                shown = "Not shown"
            elif value is None:
                shown = "None"
            else:
                shown = figure.format(value)
            cells[(row["label"], column)] = shown
    return cells


def _values(old: dict[str, Any], new: dict[str, Any]) -> list[ValueChange]:
    before, after = _cells(old), _cells(new)
    keys = [*after, *(key for key in before if key not in after)]
    return [
        ValueChange(
            row, column, before.get((row, column), ABSENT), after.get((row, column), ABSENT)
        )
        for row, column in keys
        if before.get((row, column)) != after.get((row, column))
    ]
