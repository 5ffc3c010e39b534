"""Speaker identity: surname keys for finding a person under any form of their name, anonymous participants
of one transcript, and possible duplicates an editor reviews.

`speaker.surname_key` and `speaker_alias.surname_key` hold the surname of the name as `quotecheck.names`
reads it, folded; rows stored before this revision get theirs computed here (online upgrades only).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from quotecheck.names import read_name

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("speaker", sa.Column("surname_key", sa.String(), server_default="", nullable=False))
    op.add_column("speaker", sa.Column("anonymous", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("speaker_alias", sa.Column("surname_key", sa.String(), server_default="", nullable=False))
    op.create_index(op.f("ix_speaker_surname_key"), "speaker", ["surname_key"])
    op.create_index(op.f("ix_speaker_alias_surname_key"), "speaker_alias", ["surname_key"])
    op.create_table(
        "possible_duplicate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("speaker_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("label", sa.String(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("speaker_id <> candidate_id", name=op.f("ck_possible_duplicate_two_speakers")),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["speaker.id"],
            name=op.f("fk_possible_duplicate_candidate_id_speaker"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["speaker_id"],
            ["speaker.id"],
            name=op.f("fk_possible_duplicate_speaker_id_speaker"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
            name=op.f("fk_possible_duplicate_source_id_source"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_possible_duplicate")),
        sa.UniqueConstraint(
            "speaker_id", "candidate_id", name=op.f("uq_possible_duplicate_speaker_id_candidate_id")
        ),
    )
    op.create_index(op.f("ix_possible_duplicate_speaker_id"), "possible_duplicate", ["speaker_id"])
    op.create_index(op.f("ix_possible_duplicate_candidate_id"), "possible_duplicate", ["candidate_id"])
    op.create_index(op.f("ix_possible_duplicate_source_id"), "possible_duplicate", ["source_id"])

    if op.get_context().as_sql:
        op.execute("-- offline: surname keys stay empty; apply this revision online to compute them")
        return
    connection = op.get_bind()
    for name in ("speaker", "speaker_alias"):
        table = sa.table(name, sa.column("id"), sa.column("name"), sa.column("surname_key"))
        for row in connection.execute(sa.select(table.c.id, table.c.name).order_by(table.c.id)).all():
            key = read_name(row.name).surname_key
            if key:
                connection.execute(sa.update(table).where(table.c.id == row.id).values(surname_key=key))


def downgrade() -> None:
    op.drop_index(op.f("ix_possible_duplicate_source_id"), table_name="possible_duplicate")
    op.drop_index(op.f("ix_possible_duplicate_candidate_id"), table_name="possible_duplicate")
    op.drop_index(op.f("ix_possible_duplicate_speaker_id"), table_name="possible_duplicate")
    op.drop_table("possible_duplicate")
    op.drop_index(op.f("ix_speaker_alias_surname_key"), table_name="speaker_alias")
    op.drop_index(op.f("ix_speaker_surname_key"), table_name="speaker")
    with op.batch_alter_table("speaker_alias", schema=None) as batch_op:
        batch_op.drop_column("surname_key")
    with op.batch_alter_table("speaker", schema=None) as batch_op:
        batch_op.drop_column("anonymous")
        batch_op.drop_column("surname_key")
