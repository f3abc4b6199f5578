"""item_results: each verdict's confidence, basis (what it rests on), route (final, sampled,
review) and the reason it was routed to a reviewer

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 15:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("item_results") as batch:
        batch.add_column(sa.Column("confidence", sa.Float(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("basis", sa.String(length=64), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("route", sa.String(length=16), nullable=False, server_default="final")
        )
        batch.add_column(
            sa.Column("review_reason", sa.String(length=128), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("item_results") as batch:
        batch.drop_column("review_reason")
        batch.drop_column("route")
        batch.drop_column("basis")
        batch.drop_column("confidence")
