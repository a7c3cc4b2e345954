"""Inventory hardening: push leases, shared rate budget.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types at this revision.
TS = sa.DateTime(timezone=True)
ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "push_leases",
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("holder", sa.String(255), nullable=False),
        sa.Column("acquired_at", TS, nullable=False),
        sa.Column("heartbeat_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_push_leases"),
    )
    op.create_table(
        "ozon_calls",
        sa.Column("id", ROW_ID, nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("path", sa.String(128), nullable=False),
        sa.Column("origin", sa.String(64), nullable=False),
        sa.Column("sent_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ozon_calls"),
    )
    op.create_index(
        "ix_ozon_calls_client_id_path_sent_at", "ozon_calls", ["client_id", "path", "sent_at"]
    )
    op.create_table(
        "ozon_item_sends",
        sa.Column("id", ROW_ID, nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("path", sa.String(128), nullable=False),
        sa.Column("item_key", sa.String(255), nullable=False),
        sa.Column("origin", sa.String(64), nullable=False),
        sa.Column("sent_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ozon_item_sends"),
    )
    op.create_index(
        "ix_ozon_item_sends_client_id_path_sent_at",
        "ozon_item_sends",
        ["client_id", "path", "sent_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_ozon_item_sends_client_id_path_sent_at", table_name="ozon_item_sends")
    op.drop_table("ozon_item_sends")
    op.drop_index("ix_ozon_calls_client_id_path_sent_at", table_name="ozon_calls")
    op.drop_table("ozon_calls")
    op.drop_table("push_leases")
