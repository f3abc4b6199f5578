"""transcript_corrections: reviewers' corrections of transcript sentences (text or speaker),
with the score before and after the re-score and the verdicts carried or invalidated

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 20:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "transcript_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_pk", sa.Integer(), nullable=False),
        sa.Column("segment_idx", sa.Integer(), nullable=False),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("end_s", sa.Float(), nullable=False),
        sa.Column("text_before", sa.Text(), nullable=False),
        sa.Column("text_after", sa.Text(), nullable=False),
        sa.Column("role_before", sa.String(length=16), nullable=False),
        sa.Column("role_after", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("score_before", sa.Float(), nullable=True),
        sa.Column("score_after", sa.Float(), nullable=True),
        sa.Column("machine_before", sa.Float(), nullable=True),
        sa.Column("machine_after", sa.Float(), nullable=True),
        sa.Column("carried", sa.JSON(), nullable=False),
        sa.Column("invalidated", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["call_pk"], ["calls.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_transcript_corrections_call",
        "transcript_corrections",
        ["call_pk", "segment_idx"],
        unique=False,
    )
    op.create_index(
        "ix_transcript_corrections_at", "transcript_corrections", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_transcript_corrections_at", table_name="transcript_corrections")
    op.drop_index("ix_transcript_corrections_call", table_name="transcript_corrections")
    op.drop_table("transcript_corrections")
