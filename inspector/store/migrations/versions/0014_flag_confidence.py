"""call_flags: each flag's confidence and basis (what it rests on), as item_results keep them;
rows written before stay NULL (not known)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-09 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("call_flags") as batch:
        batch.add_column(sa.Column("confidence", sa.Float(), nullable=True))
        batch.add_column(sa.Column("basis", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("call_flags") as batch:
        batch.drop_column("basis")
        batch.drop_column("confidence")
