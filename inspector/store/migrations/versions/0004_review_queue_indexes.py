"""indexes for the review queue: flags and item results by call

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 19:00:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_call_flags_call", "call_flags", ["call_pk", "flag"])
    op.create_index("ix_item_results_result", "item_results", ["result_id", "item_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_item_results_result", table_name="item_results")
    op.drop_index("ix_call_flags_call", table_name="call_flags")
