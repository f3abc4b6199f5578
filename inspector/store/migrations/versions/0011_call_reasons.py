"""call_reasons: why each customer called (reasons with probability and evidence, the MIIT
complaint class, reviewers' corrections) and call_keywords (the customer's telling words)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 18:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "call_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_pk", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("segment_idx", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("start_s", sa.Float(), nullable=True),
        sa.Column("complaint_class", sa.String(length=32), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["call_pk"], ["calls.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_call_reasons_reason", "call_reasons", ["reason", "active", "call_pk"], unique=False
    )
    op.create_index("ix_call_reasons_call", "call_reasons", ["call_pk", "active"], unique=False)
    op.create_table(
        "call_keywords",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_pk", sa.Integer(), nullable=False),
        sa.Column("keyword", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["call_pk"], ["calls.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_call_keywords_call", "call_keywords", ["call_pk"], unique=False)
    op.create_index("ix_call_keywords_keyword", "call_keywords", ["keyword"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_call_keywords_keyword", table_name="call_keywords")
    op.drop_index("ix_call_keywords_call", table_name="call_keywords")
    op.drop_table("call_keywords")
    op.drop_index("ix_call_reasons_call", table_name="call_reasons")
    op.drop_index("ix_call_reasons_reason", table_name="call_reasons")
    op.drop_table("call_reasons")
