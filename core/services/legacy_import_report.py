"""What a legacy import did: counts per entity and every row it could not map, with the reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

ENTITIES: tuple[str, ...] = (
    "employees",
    "weekly_availability",
    "date_availability",
    "availability_overrides",
    "time_off",
    "rotations",
    "rotation_exceptions",
    "holidays",
    "events",
    "schedules",
    "settings",
    "paperwork_templates",
)
"""Report order: dependencies first."""


class Severity(StrEnum):
    """How a listed row ended up."""

    SKIPPED = "skipped"
    """The row was not imported."""
    WARNING = "warning"
    """The row was imported as it is, but breaks one of our rules or needed a note."""


class Outcome(StrEnum):
    """What happened to one counted row."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"


@dataclass
class Tally:
    """Counts of one entity."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def add(self, outcome: Outcome) -> None:
        """Count one row."""
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)

    @property
    def total(self) -> int:
        """Every row counted."""
        return self.created + self.updated + self.unchanged + self.skipped


@dataclass(frozen=True)
class Issue:
    """A legacy row that was skipped or imported with a warning."""

    entity: str
    row: str
    """Which legacy row: its key (e.g. ``US123456`` or ``mPlan 31785976``)."""
    reason: str
    severity: Severity = Severity.SKIPPED

    def line(self) -> str:
        """One report line: entity, row, reason."""
        return f"{self.entity} {self.row}: {self.reason}"


@dataclass
class ImportReport:
    """The result of ``import_legacy``; ``render()`` is the text the CLI prints."""

    source: str
    dry_run: bool = False
    counts: dict[str, Tally] = field(default_factory=lambda: {name: Tally() for name in ENTITIES})
    issues: list[Issue] = field(default_factory=list)
    missing_tables: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, entity: str, outcome: Outcome) -> None:
        """Count one row of ``entity``."""
        self.counts[entity].add(outcome)

    def skip(self, entity: str, row: str, reason: str) -> None:
        """Record a row that was not imported."""
        self.counts[entity].add(Outcome.SKIPPED)
        self.issues.append(Issue(entity, row, reason, Severity.SKIPPED))

    def warn(self, entity: str, row: str, reason: str) -> None:
        """Record a note about a row that was imported anyway."""
        self.issues.append(Issue(entity, row, reason, Severity.WARNING))

    @property
    def skipped(self) -> list[Issue]:
        """Rows that were not imported."""
        return [i for i in self.issues if i.severity is Severity.SKIPPED]

    @property
    def warnings(self) -> list[Issue]:
        """Rows imported with a note."""
        return [i for i in self.issues if i.severity is Severity.WARNING]

    @property
    def changed(self) -> bool:
        """True when the import created or updated anything (or would, in a dry run)."""
        return any(t.created or t.updated for t in self.counts.values())

    def render(self) -> str:
        """A plain-text report: the table of counts, then skipped rows, then warnings."""
        head = "Legacy import" + (" (dry run: nothing was written)" if self.dry_run else "")
        lines = [f"{head} from {self.source}", ""]
        lines.append(f"{'entity':<24}{'created':>9}{'updated':>9}{'unchanged':>11}{'skipped':>9}")
        for name in ENTITIES:
            t = self.counts[name]
            lines.append(f"{name:<24}{t.created:>9}{t.updated:>9}{t.unchanged:>11}{t.skipped:>9}")
        if self.missing_tables:
            lines += ["", "Legacy tables not found (nothing to import from them): "
                      + ", ".join(self.missing_tables)]
        for title, items in (("Not imported", self.skipped), ("Imported with warnings", self.warnings)):
            if items:
                lines += ["", f"{title} ({len(items)}):"]
                lines += [f"  - {issue.line()}" for issue in items]
        if self.notes:
            lines += ["", *self.notes]
        lines.append("")
        if not self.changed:
            lines.append("Nothing changed: the database already matches the legacy data.")
        elif self.dry_run:
            lines.append("Dry run: run again without --dry-run to apply these changes.")
        else:
            lines.append("Import committed.")
        return "\n".join(lines)
