"""Catalog cards: merged cards, check results, exports, moderation, report runs.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types at this revision: later changes to tables.py must not rewrite history.
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "product_cards",
        sa.Column("offer_id", sa.String(50), nullable=False),
        sa.Column("description_category_id", sa.BigInteger()),
        sa.Column("type_id", sa.BigInteger()),
        sa.Column("card", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("provenance", sa.Text(), nullable=False),
        sa.Column("issues", sa.Text(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("offer_id", name="pk_product_cards"),
    )
    op.create_table(
        "card_check_runs",
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("checked_at", TS, nullable=False),
        sa.Column("cards", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("gate_passed", sa.Boolean()),
        sa.PrimaryKeyConstraint("run_id", name="pk_card_check_runs"),
    )
    op.create_index("ix_card_check_runs_checked_at", "card_check_runs", ["checked_at"])
    op.create_table(
        "card_check_results",
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("offer_id", sa.String(50), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("failures", sa.Text(), nullable=False),
        sa.Column("checked_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("run_id", "offer_id", name="pk_card_check_results"),
    )
    op.create_index("ix_card_check_results_offer_id", "card_check_results", ["offer_id"])
    op.create_table(
        "card_exports",
        sa.Column("offer_id", sa.String(50), nullable=False),
        sa.Column("sent_hash", sa.String(64)),
        sa.Column("task_id", sa.BigInteger()),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("errors", sa.Text(), nullable=False),
        sa.Column("sent_at", TS),
        sa.Column("accepted_hash", sa.String(64)),
        sa.Column("accepted_at", TS),
        sa.Column("product_id", sa.BigInteger()),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("offer_id", name="pk_card_exports"),
    )
    op.create_index("ix_card_exports_state", "card_exports", ["state"])
    op.create_table(
        "card_moderation",
        sa.Column("offer_id", sa.String(50), nullable=False),
        sa.Column("product_id", sa.BigInteger()),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("offer_id", name="pk_card_moderation"),
    )
    op.create_index("ix_card_moderation_status", "card_moderation", ["status"])
    op.create_table(
        "catalog_report_runs",
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("totals", sa.Text(), nullable=False),
        sa.Column("html_path", sa.String(1024)),
        sa.PrimaryKeyConstraint("run_id", name="pk_catalog_report_runs"),
    )
    op.create_index("ix_catalog_report_runs_at", "catalog_report_runs", ["at"])


def downgrade() -> None:
    op.drop_table("catalog_report_runs")
    op.drop_table("card_moderation")
    op.drop_table("card_exports")
    op.drop_table("card_check_results")
    op.drop_table("card_check_runs")
    op.drop_table("product_cards")
