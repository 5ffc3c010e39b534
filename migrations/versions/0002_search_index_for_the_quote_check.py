"""Search index for the quote check: hashed pairs of content words and where they occur.

The table starts empty: on a database that already holds sources, run `quotecheck index rebuild` after
upgrading (the index is derived data; the tokenizer lives in the application, not in migrations).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shingle",
        sa.Column("hash", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_shingle_source_id_source"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("hash", "source_id", "position", name=op.f("pk_shingle")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_shingle_source_id", "shingle", ["source_id"], unique=False)


def downgrade() -> None:
    op.drop_table("shingle")
