"""What every driver gets (the run's context) and gives back (what happened to each row)."""

import datetime
from dataclasses import dataclass, field

from ..formats import SourceFormat
from ..journal import Journal
from ..reading import Header, Row


@dataclass
class Context:
    municipality_id: int
    reference_date: datetime.date
    reference: str  # written as the facts' source_reference
    header: Header
    journal: Journal = field(default_factory=Journal)
    run_id: int | None = None
    # Off only to apply a transfer already approved: its row is no longer held.
    hold_transfers: bool = True
    user: object = None  # who started the run: recorded as the author of what it writes

    def column(self, name: str) -> str:
        """The file's own name for a canonical column, to name it in an error."""
        position = self.header.positions.get(name)
        return self.header.names[position] if position is not None else name


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    held: int = 0  # waiting as transfers of residence

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


class Driver:
    fmt: SourceFormat
    models: tuple = ()  # the tables it writes

    def check(self, row: Row, ctx: Context) -> None:
        """Checks across the columns of one row (no database); append to `row.errors`."""

    def apply(self, rows: list[Row], ctx: Context) -> Counts:
        """Write a batch of converted rows. A row found wrong against the database gets an
        error and is left out; the others are applied."""
        raise NotImplementedError
