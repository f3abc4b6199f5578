"""jobs: the phase (asr, then analysis), the transcript handed between them and when the call
was last sent to a Celery queue

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 21:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(
            sa.Column("phase", sa.String(length=16), nullable=False, server_default="asr")
        )
        batch.add_column(sa.Column("transcript", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_jobs_dispatch", "jobs", ["status", "dispatched_at"])
    op.create_index("ix_jobs_finished", "jobs", ["finished_at"])


def downgrade() -> None:
    op.drop_index("ix_jobs_finished", table_name="jobs")
    op.drop_index("ix_jobs_dispatch", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("dispatched_at")
        batch.drop_column("transcript")
        batch.drop_column("phase")
