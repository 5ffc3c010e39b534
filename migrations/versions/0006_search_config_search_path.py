"""PostgreSQL: pin the search path of `quotecheck_search_config`, so that pg_restore can load a dump.

The function names the `quotecheck_<language>` text search configurations without a schema. pg_restore loads
data with an empty search path, and the generated `search_vector` columns call the function for every row it
copies in: the configurations were not found and every restore of a pg_dump failed. The function now runs
with the schema it was created in on its search path. SQLite: nothing to do.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    # In SQL (not a query from Python) so that `db upgrade --sql` prints it too; 0005 made the function in the
    # current schema, where its configurations are.
    op.execute(
        "DO $$ BEGIN EXECUTE format("
        "'ALTER FUNCTION quotecheck_search_config(text) SET search_path = %I', current_schema()); END $$"
    )


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("ALTER FUNCTION quotecheck_search_config(text) RESET search_path")
