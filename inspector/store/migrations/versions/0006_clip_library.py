"""clips: topic, note and last change; indexes for the library's filters; survey responses
indexed by call and level

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 21:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("clips") as batch:
        batch.add_column(sa.Column("topic", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_clips_item", "clips", ["item_id"])
    op.create_index("ix_playlist_items_clip", "playlist_items", ["clip_id"])
    op.create_index("ix_survey_call_level", "survey_responses", ["call_pk", "level"])
    op.drop_index("ix_survey_call", table_name="survey_responses")


def downgrade() -> None:
    op.create_index("ix_survey_call", "survey_responses", ["call_pk"])
    op.drop_index("ix_survey_call_level", table_name="survey_responses")
    op.drop_index("ix_playlist_items_clip", table_name="playlist_items")
    op.drop_index("ix_clips_item", table_name="clips")
    with op.batch_alter_table("clips") as batch:
        batch.drop_column("updated_at")
        batch.drop_column("note")
        batch.drop_column("topic")
