"""Orders: postings, shipments, boxes, marks, labels, acts, returns, Infor documents.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types at this revision: later changes to tables.py must not rewrite history.
TS = sa.DateTime(timezone=True)
MONEY = sa.Numeric(12, 2)
ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PN = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "orders",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("order_number", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("order_id", name="pk_orders"),
    )
    op.create_table(
        "postings",
        sa.Column("posting_number", PN, nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("parent_posting_number", PN),
        sa.Column("status", sa.String(64), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("warehouse_id", sa.BigInteger(), nullable=False),
        sa.Column("delivery_method_id", sa.BigInteger(), nullable=False),
        sa.Column("delivery_method", sa.String(255), nullable=False),
        sa.Column("in_process_at", TS),
        sa.Column("shipment_date", TS),
        sa.Column("delivery_date_begin", TS),
        sa.Column("delivery_date_end", TS),
        sa.Column("recipient", sa.Text()),
        sa.Column("exception", sa.Text()),
        sa.Column("cancel_reason", sa.Text()),
        sa.Column("infor_allocated_at", TS),
        sa.Column("act_id", sa.BigInteger()),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("posting_number", name="pk_postings"),
    )
    op.create_index("ix_postings_stage", "postings", ["stage"])
    op.create_index("ix_postings_order_id", "postings", ["order_id"])
    op.create_index("ix_postings_warehouse_id_stage", "postings", ["warehouse_id", "stage"])
    op.create_table(
        "posting_items",
        sa.Column("posting_number", PN, nullable=False),
        sa.Column("sku", sa.BigInteger(), nullable=False),
        sa.Column("offer_id", sa.String(50), nullable=False),
        sa.Column("name", sa.Text()),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("price", MONEY),
        sa.Column("mark_required", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("posting_number", "sku", name="pk_posting_items"),
    )
    op.create_table(
        "shipments",
        sa.Column("posting_number", PN, nullable=False),
        sa.Column("warehouse_id", sa.BigInteger(), nullable=False),
        sa.Column("pack_by", TS),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("packing_document", sa.String(255)),
        sa.Column("reason", sa.Text()),
        sa.Column("ship_requested_at", TS),
        sa.Column("shipped_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("posting_number", name="pk_shipments"),
    )
    op.create_index("ix_shipments_status", "shipments", ["status"])
    op.create_table(
        "shipment_boxes",
        sa.Column("posting_number", PN, nullable=False),
        sa.Column("box_no", sa.Integer(), nullable=False),
        sa.Column("box_id", sa.String(64), nullable=False),
        sa.Column("result_posting_number", PN),
        sa.Column("items", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("posting_number", "box_no", name="pk_shipment_boxes"),
    )
    op.create_table(
        "posting_marks",
        sa.Column("posting_number", PN, nullable=False),
        sa.Column("exemplar_id", sa.BigInteger(), nullable=False),
        sa.Column("sku", sa.BigInteger(), nullable=False),
        sa.Column("mark", sa.String(255), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("error", sa.Text()),
        sa.PrimaryKeyConstraint("posting_number", "exemplar_id", name="pk_posting_marks"),
    )
    op.create_table(
        "posting_labels",
        sa.Column("posting_number", PN, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("not_before", TS, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.BigInteger()),
        sa.Column("document", sa.String(255)),
        sa.Column("error", sa.Text()),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("posting_number", name="pk_posting_labels"),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed')", name="ck_posting_labels_status"
        ),
    )
    op.create_index("ix_posting_labels_status", "posting_labels", ["status"])
    op.create_table(
        "handover_acts",
        sa.Column("act_id", sa.BigInteger(), nullable=False),
        sa.Column("warehouse_id", sa.BigInteger(), nullable=False),
        sa.Column("delivery_method_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("postings", sa.Text(), nullable=False),
        sa.Column("carried_over", sa.Text(), nullable=False),
        sa.Column("barcode", sa.String(255)),
        sa.Column("document", sa.String(255)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("act_id", name="pk_handover_acts"),
    )
    op.create_index("ix_handover_acts_status", "handover_acts", ["status"])
    op.create_table(
        "order_returns",
        sa.Column("return_id", sa.BigInteger(), nullable=False),
        sa.Column("posting_number", PN, nullable=False),
        sa.Column("order_id", sa.BigInteger()),
        sa.Column("matched", sa.Boolean(), nullable=False),
        sa.Column("sku", sa.BigInteger()),
        sa.Column("offer_id", sa.String(50)),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("return_type", sa.String(32)),
        sa.Column("reason", sa.Text()),
        sa.Column("ozon_status", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("notified_at", TS),
        sa.Column("received_at", TS),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("return_id", name="pk_order_returns"),
    )
    op.create_index("ix_order_returns_posting_number", "order_returns", ["posting_number"])
    op.create_index("ix_order_returns_status", "order_returns", ["status"])
    op.create_table(
        "infor_documents",
        sa.Column("id", ROW_ID, nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("posting_number", PN),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text()),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("processed_at", TS),
        sa.PrimaryKeyConstraint("id", name="pk_infor_documents"),
        sa.UniqueConstraint("direction", "name", name="uq_infor_documents_direction_name"),
        sa.CheckConstraint("direction IN ('out', 'in')", name="ck_infor_documents_direction"),
    )
    op.create_index("ix_infor_documents_posting_number", "infor_documents", ["posting_number"])


def downgrade() -> None:
    for table in (
        "infor_documents",
        "order_returns",
        "handover_acts",
        "posting_labels",
        "posting_marks",
        "shipment_boxes",
        "shipments",
        "posting_items",
        "postings",
        "orders",
    ):
        op.drop_table(table)
