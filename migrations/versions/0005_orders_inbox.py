"""Orders intake: push inbox and polling watermarks.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types at this revision: later changes to tables.py must not rewrite history.
TS = sa.DateTime(timezone=True)
ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "push_inbox",
        sa.Column("id", ROW_ID, nullable=False),
        sa.Column("dedup_key", sa.String(255), nullable=False),
        sa.Column("message_type", sa.String(64), nullable=False),
        sa.Column("posting_number", sa.String(64)),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("processed_at", TS),
        sa.Column("error", sa.Text()),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_push_inbox"),
        sa.UniqueConstraint("dedup_key", name="uq_push_inbox_dedup_key"),
        sa.CheckConstraint("source IN ('push', 'poll')", name="ck_push_inbox_source"),
        sa.CheckConstraint(
            "status IN ('pending', 'processed', 'failed', 'invalid')", name="ck_push_inbox_status"
        ),
    )
    op.create_index("ix_push_inbox_status_id", "push_inbox", ["status", "id"])
    op.create_index("ix_push_inbox_posting_number", "push_inbox", ["posting_number"])
    op.create_table(
        "poll_watermarks",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("watermark", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_poll_watermarks"),
    )


def downgrade() -> None:
    op.drop_table("poll_watermarks")
    op.drop_index("ix_push_inbox_posting_number", table_name="push_inbox")
    op.drop_index("ix_push_inbox_status_id", table_name="push_inbox")
    op.drop_table("push_inbox")
