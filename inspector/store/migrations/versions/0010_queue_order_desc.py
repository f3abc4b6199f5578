"""calls: the review queue's index in the queue's own order (priority ascending, newest first)

The queue orders by queue_priority, started_at DESC, id DESC. With the index ascending on all
columns SQLite sorted every priority group in a temporary B-tree to find a page (13-38 ms at
100,000 calls, on every queue page and call page); in the queue's order it reads 50 rows.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 18:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_calls_queue_order", table_name="calls")
    op.create_index(
        "ix_calls_queue_order",
        "calls",
        ["is_current", "queue_priority", sa.column("started_at").desc(), sa.column("id").desc()],
    )


def downgrade() -> None:
    op.drop_index("ix_calls_queue_order", table_name="calls")
    op.create_index(
        "ix_calls_queue_order", "calls", ["is_current", "queue_priority", "started_at", "id"]
    )
