"""calls: the review queue's priority, indexed with the start time

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 19:15:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(
            sa.Column("queue_priority", sa.Integer(), nullable=False, server_default="5")
        )
    op.create_index(
        "ix_calls_queue_order", "calls", ["is_current", "queue_priority", "started_at", "id"]
    )
    # existing results: the same rule as inspector/review/priority.py
    op.execute(
        """
        UPDATE calls SET queue_priority = COALESCE((
            SELECT CASE
                WHEN r.review_status != 'unreviewed' THEN 4
                WHEN r.fatal THEN 0
                WHEN r.needs_review THEN 1
                WHEN EXISTS (SELECT 1 FROM call_flags f WHERE f.call_pk = calls.id) THEN 2
                ELSE 3 END
            FROM score_results r WHERE r.call_pk = calls.id ORDER BY r.id DESC LIMIT 1), 5)
        """
    )


def downgrade() -> None:
    op.drop_index("ix_calls_queue_order", table_name="calls")
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("queue_priority")
