"""call_flags.route (a flag routed by its confidence: final, sampled, review; rows written
before are final) and flag_decisions (a reviewer confirms or dismisses a raised flag)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("call_flags") as batch:
        batch.add_column(
            sa.Column("route", sa.String(length=16), nullable=False, server_default="final")
        )
    op.create_table(
        "flag_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_pk", sa.Integer(), nullable=False),
        sa.Column("flag", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["call_pk"], ["calls.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_pk", "flag", name="uq_flag_decisions_call_flag"),
    )


def downgrade() -> None:
    op.drop_table("flag_decisions")
    with op.batch_alter_table("call_flags") as batch:
        batch.drop_column("route")
