"""Catalog drift flags: cards hit by a change in Ozon's model stay flagged until re-checked.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types at this revision: later changes to tables.py must not rewrite history.
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("ozon_attribute_changes", sa.Column("cards_flagged_at", TS))
    # Drift seen before this revision was shown by the reports of its day; flagging cards for
    # it now would flood the next report with old news.
    op.execute("UPDATE ozon_attribute_changes SET cards_flagged_at = seen_at")
    op.add_column(
        "card_check_runs",
        sa.Column("drift_failed", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_table(
        "card_drift_flags",
        sa.Column("offer_id", sa.String(50), nullable=False),
        sa.Column("change_id", sa.BigInteger(), nullable=False),
        sa.Column("description_category_id", sa.BigInteger(), nullable=False),
        sa.Column("type_id", sa.BigInteger(), nullable=False),
        sa.Column("attribute_id", sa.BigInteger(), nullable=False),
        sa.Column("change", sa.String(32), nullable=False),
        sa.Column("value_id", sa.BigInteger()),
        sa.Column("value", sa.Text()),
        sa.Column("source", sa.String(16)),
        sa.Column("flagged_at", TS, nullable=False),
        sa.Column("cleared_at", TS),
        sa.Column("cleared_by", sa.String(64)),
        sa.PrimaryKeyConstraint("offer_id", "change_id", name="pk_card_drift_flags"),
    )
    op.create_index("ix_card_drift_flags_cleared_at", "card_drift_flags", ["cleared_at"])


def downgrade() -> None:
    op.drop_table("card_drift_flags")
    with op.batch_alter_table("card_check_runs") as batch:
        batch.drop_column("drift_failed")
    with op.batch_alter_table("ozon_attribute_changes") as batch:
        batch.drop_column("cards_flagged_at")
