"""Operational store for the inventory slice: products, levels, Ozon state, errors, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types at this revision: later changes to tables.py must not rewrite history.
TS = sa.DateTime(timezone=True)
MONEY = sa.Numeric(12, 2)
ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("offer_id", sa.String(50), nullable=False),
        sa.Column("barcode", sa.String(64)),
        sa.Column("name", sa.Text()),
        sa.Column("brand", sa.String(255)),
        sa.Column("category_code", sa.String(64)),
        sa.Column("category_name", sa.String(255)),
        sa.Column("vat", sa.String(8)),
        sa.Column("weight_g", sa.Integer()),
        sa.Column("length_mm", sa.Integer()),
        sa.Column("width_mm", sa.Integer()),
        sa.Column("height_mm", sa.Integer()),
        sa.Column("base_price", MONEY),
        sa.Column("ozon_enabled", sa.Boolean(), nullable=False),
        sa.Column("ozon_product_id", sa.BigInteger()),
        sa.Column("ozon_sku", sa.BigInteger()),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("offer_id", name="pk_products"),
    )
    op.create_index("ix_products_category_code", "products", ["category_code"])
    op.create_index("ix_products_ozon_sku", "products", ["ozon_sku"])

    op.create_table(
        "stock_levels",
        sa.Column("offer_id", sa.String(50), nullable=False),
        sa.Column("warehouse_id", sa.BigInteger(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("computed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("offer_id", "warehouse_id", name="pk_stock_levels"),
    )
    op.create_table(
        "price_levels",
        sa.Column("offer_id", sa.String(50), nullable=False),
        sa.Column("price", MONEY, nullable=False),
        sa.Column("old_price", MONEY),
        sa.Column("min_price", MONEY),
        sa.Column("computed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("offer_id", name="pk_price_levels"),
    )
    op.create_table(
        "ozon_stock_state",
        sa.Column("offer_id", sa.String(50), nullable=False),
        sa.Column("warehouse_id", sa.BigInteger(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("accepted_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("offer_id", "warehouse_id", name="pk_ozon_stock_state"),
    )
    op.create_table(
        "ozon_price_state",
        sa.Column("offer_id", sa.String(50), nullable=False),
        sa.Column("price", MONEY, nullable=False),
        sa.Column("old_price", MONEY),
        sa.Column("min_price", MONEY),
        sa.Column("accepted_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("offer_id", name="pk_ozon_price_state"),
    )

    op.create_table(
        "sync_errors",
        sa.Column("id", ROW_ID, nullable=False, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("offer_id", sa.String(50), nullable=False),
        sa.Column("warehouse_id", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("code", sa.String(255), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("resolved_at", TS),
        sa.PrimaryKeyConstraint("id", name="pk_sync_errors"),
        sa.CheckConstraint("kind IN ('stock', 'price')", name="ck_sync_errors_kind"),
    )
    op.create_index(
        "uq_sync_errors_open",
        "sync_errors",
        ["kind", "offer_id", "warehouse_id"],
        unique=True,
        sqlite_where=sa.text("resolved_at IS NULL"),
        postgresql_where=sa.text("resolved_at IS NULL"),
    )
    op.create_index("ix_sync_errors_resolved_at", "sync_errors", ["resolved_at"])

    op.create_table(
        "order_reservations",
        sa.Column("posting_number", sa.String(64), nullable=False),
        sa.Column("offer_id", sa.String(50), nullable=False),
        sa.Column("warehouse_id", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(64), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("posting_number", "offer_id", name="pk_order_reservations"),
    )
    op.create_index("ix_order_reservations_status", "order_reservations", ["status"])

    op.create_table(
        "quarantine",
        sa.Column("id", ROW_ID, nullable=False, autoincrement=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("file", sa.String(512), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_quarantine"),
        sa.UniqueConstraint(
            "source", "file", "line", "reason", name="uq_quarantine_source_file_line_reason"
        ),
    )

    op.create_table(
        "audit_log",
        sa.Column("id", ROW_ID, nullable=False, autoincrement=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("method", sa.String(128), nullable=False),
        sa.Column("offer_id", sa.String(50), nullable=False),
        sa.Column("warehouse_id", sa.BigInteger(), nullable=False),
        sa.Column("old_value", sa.Text()),
        sa.Column("new_value", sa.Text()),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("code", sa.String(255)),
        sa.Column("message", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sa.CheckConstraint(
            "outcome IN ('accepted', 'rejected', 'deferred')", name="ck_audit_log_outcome"
        ),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_kind_at", "audit_log", ["kind", "at"])
    op.create_index("ix_audit_log_offer_id", "audit_log", ["offer_id"])

    op.create_table(
        "source_snapshots",
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("loaded_at", TS, nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("source", "name", name="pk_source_snapshots"),
    )


def downgrade() -> None:
    for table in (
        "source_snapshots",
        "audit_log",
        "quarantine",
        "order_reservations",
        "sync_errors",
        "ozon_price_state",
        "ozon_stock_state",
        "price_levels",
        "stock_levels",
        "products",
    ):
        op.drop_table(table)
