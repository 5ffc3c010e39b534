"""Import support: content hashes that make feeds idempotent, the automatic check stored with an appearance,
and one fact-check per review URL.

The hashes of rows already stored are computed here (online upgrades only) with the formulas of this revision (frozen copies of
`quote_hash` and `appearance_hash` in quotecheck.services); a second quote with the same speaker and words as
an earlier one keeps a NULL hash rather than failing the upgrade.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERDICTS = ("VERBATIM", "VERBATIM_WITH_ELISIONS", "ALTERED", "PARAPHRASED", "MISATTRIBUTED", "NOT_FOUND")


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8")).hexdigest()


def _words(text: str) -> str:
    return " ".join(text.split())


def upgrade() -> None:
    # Plain ADD COLUMN and CREATE INDEX: no table rebuild on SQLite, so `db upgrade --sql` can print it.
    op.add_column("appearance", sa.Column("content_hash", sa.String(), nullable=True))
    op.add_column(
        "appearance",
        sa.Column(
            "check_verdict",
            sa.String(22),
            sa.CheckConstraint(
                "check_verdict IN ('" + "', '".join(VERDICTS) + "')", name=op.f("ck_appearance_check_verdict")
            ),
            nullable=True,
        ),
    )
    op.add_column("appearance", sa.Column("check_confidence", sa.Double(), nullable=True))
    op.add_column("appearance", sa.Column("check_explanation", sa.Text(), nullable=True))
    op.add_column("appearance", sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("quote", sa.Column("content_hash", sa.String(), nullable=True))
    op.create_index(op.f("ix_appearance_content_hash"), "appearance", ["content_hash"], unique=True)
    op.create_index(op.f("ix_quote_content_hash"), "quote", ["content_hash"], unique=True)
    op.create_index(op.f("ix_fact_check_url"), "fact_check", ["url"], unique=True)

    if op.get_context().as_sql:
        # Offline SQL cannot read rows: the administrator applying it by hand runs the backfill online.
        op.execute(
            "-- offline: rows stored before 0003 keep NULL content hashes; apply this revision online to compute them"
        )
        return
    connection = op.get_bind()
    quote = sa.table(
        "quote", sa.column("id"), sa.column("speaker_id"), sa.column("text"), sa.column("content_hash")
    )
    seen: set[str] = set()
    for row in connection.execute(
        sa.select(quote.c.id, quote.c.speaker_id, quote.c.text).order_by(quote.c.id)
    ):
        digest = _digest("quote", row.speaker_id, _words(row.text))
        if digest not in seen:
            seen.add(digest)
            connection.execute(sa.update(quote).where(quote.c.id == row.id).values(content_hash=digest))
    appearance = sa.table(
        "appearance",
        sa.column("id"),
        sa.column("quote_id"),
        sa.column("source_id"),
        sa.column("char_start"),
        sa.column("text"),
        sa.column("content_hash"),
    )
    seen.clear()
    rows = connection.execute(
        sa.select(
            appearance.c.id,
            appearance.c.quote_id,
            appearance.c.source_id,
            appearance.c.char_start,
            appearance.c.text,
        ).order_by(appearance.c.id)
    )
    for item in rows:
        digest = _digest("appearance", item.quote_id, item.source_id, item.char_start, _words(item.text))
        if digest not in seen:
            seen.add(digest)
            connection.execute(
                sa.update(appearance).where(appearance.c.id == item.id).values(content_hash=digest)
            )


def downgrade() -> None:
    op.drop_index(op.f("ix_fact_check_url"), table_name="fact_check")
    op.drop_index(op.f("ix_quote_content_hash"), table_name="quote")
    op.drop_index(op.f("ix_appearance_content_hash"), table_name="appearance")
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.drop_column("content_hash")
    with op.batch_alter_table("appearance", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_appearance_check_verdict"), type_="check")
        for column in (
            "checked_at",
            "check_explanation",
            "check_confidence",
            "check_verdict",
            "content_hash",
        ):
            batch_op.drop_column(column)
