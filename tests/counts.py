"""Row counts of every table, for before/after comparisons."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from quotecheck.models import Base


def table_counts(connection: Connection) -> dict[str, int]:
    return {
        name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
        for name, table in sorted(Base.metadata.tables.items())
    }
