"""Catalog model: Ozon category tree, attributes, dictionaries, category mapping, Art-Trade content.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types at this revision: later changes to tables.py must not rewrite history.
TS = sa.DateTime(timezone=True)
ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PAIR = ("description_category_id", "type_id")


def _pair() -> list[sa.Column[int]]:
    return [
        sa.Column("description_category_id", sa.BigInteger(), nullable=False),
        sa.Column("type_id", sa.BigInteger(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "ozon_categories",
        *_pair(),
        sa.Column("category_name", sa.String(500), nullable=False),
        sa.Column("type_name", sa.String(500)),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("removed_at", TS),
        sa.PrimaryKeyConstraint(*PAIR, name="pk_ozon_categories"),
    )
    op.create_table(
        "ozon_category_changes",
        sa.Column("id", ROW_ID, nullable=False, autoincrement=True),
        sa.Column("seen_at", TS, nullable=False),
        *_pair(),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("old_value", sa.Text()),
        sa.Column("new_value", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_ozon_category_changes"),
        sa.CheckConstraint(
            "change IN ('new', 'disabled', 'enabled', 'renamed', 'removed')",
            name="ck_ozon_category_changes_change",
        ),
    )
    op.create_index("ix_ozon_category_changes_seen_at", "ozon_category_changes", ["seen_at"])

    op.create_table(
        "ozon_attributes",
        *_pair(),
        sa.Column("attribute_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("is_required", sa.Boolean(), nullable=False),
        sa.Column("is_collection", sa.Boolean(), nullable=False),
        sa.Column("max_value_count", sa.Integer(), nullable=False),
        sa.Column("dictionary_id", sa.BigInteger(), nullable=False),
        sa.Column("dictionary_mode", sa.String(8), nullable=False),
        sa.Column("attribute_complex_id", sa.BigInteger(), nullable=False),
        sa.Column("group_name", sa.String(255)),
        sa.Column("fetched_at", TS, nullable=False),
        sa.Column("values_fetched_at", TS),
        sa.Column("removed_at", TS),
        sa.PrimaryKeyConstraint(*PAIR, "attribute_id", name="pk_ozon_attributes"),
        sa.CheckConstraint(
            "dictionary_mode IN ('none', 'walked', 'search')",
            name="ck_ozon_attributes_dictionary_mode",
        ),
    )
    op.create_table(
        "ozon_dictionary_values",
        *_pair(),
        sa.Column("attribute_id", sa.BigInteger(), nullable=False),
        sa.Column("value_id", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("info", sa.Text()),
        sa.Column("picture", sa.Text()),
        sa.Column("fetched_at", TS, nullable=False),
        sa.Column("withdrawn_at", TS),
        sa.PrimaryKeyConstraint(
            *PAIR, "attribute_id", "value_id", name="pk_ozon_dictionary_values"
        ),
    )
    op.create_table(
        "ozon_attribute_changes",
        sa.Column("id", ROW_ID, nullable=False, autoincrement=True),
        sa.Column("seen_at", TS, nullable=False),
        *_pair(),
        sa.Column("attribute_id", sa.BigInteger(), nullable=False),
        sa.Column("change", sa.String(32), nullable=False),
        sa.Column("value_id", sa.BigInteger()),
        sa.Column("detail", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_ozon_attribute_changes"),
        sa.CheckConstraint(
            "change IN ('required_added', 'required_removed', 'attribute_added', "
            "'attribute_removed', 'value_withdrawn', 'value_added')",
            name="ck_ozon_attribute_changes_change",
        ),
    )
    op.create_index("ix_ozon_attribute_changes_seen_at", "ozon_attribute_changes", ["seen_at"])
    op.create_index(
        "ix_ozon_attribute_changes_description_category_id_type_id",
        "ozon_attribute_changes",
        list(PAIR),
    )
    op.create_table(
        "ozon_dictionary_search_cache",
        *_pair(),
        sa.Column("attribute_id", sa.BigInteger(), nullable=False),
        sa.Column("query_norm", sa.String(500), nullable=False),
        sa.Column("value_id", sa.BigInteger()),
        sa.Column("value", sa.Text()),
        sa.Column("searched_at", TS, nullable=False),
        sa.PrimaryKeyConstraint(
            *PAIR, "attribute_id", "query_norm", name="pk_ozon_dictionary_search_cache"
        ),
    )

    op.create_table(
        "category_mapping",
        sa.Column("novex_category_code", sa.String(64), nullable=False),
        *_pair(),
        sa.Column("novex_category_name", sa.String(255)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("score", sa.Float()),
        sa.Column("rank", sa.Integer()),
        sa.Column("reason", sa.Text()),
        sa.Column("decided_by", sa.String(255)),
        sa.Column("decided_at", TS),
        sa.Column("note", sa.Text()),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("novex_category_code", *PAIR, name="pk_category_mapping"),
        sa.CheckConstraint(
            "status IN ('suggested', 'confirmed', 'rejected')", name="ck_category_mapping_status"
        ),
    )
    op.create_index(
        "uq_category_mapping_confirmed",
        "category_mapping",
        ["novex_category_code"],
        unique=True,
        sqlite_where=sa.text("status = 'confirmed'"),
        postgresql_where=sa.text("status = 'confirmed'"),
    )
    op.create_index(
        "ix_category_mapping_description_category_id_type_id", "category_mapping", list(PAIR)
    )

    op.create_table(
        "arttrade_content",
        sa.Column("offer_id", sa.String(50), nullable=False),
        sa.Column("name", sa.Text()),
        sa.Column("description", sa.Text()),
        sa.Column("image_urls", sa.Text(), nullable=False),
        sa.Column("file", sa.String(512), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("loaded_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("offer_id", name="pk_arttrade_content"),
    )
    op.create_table(
        "arttrade_characteristics",
        sa.Column("offer_id", sa.String(50), nullable=False),
        sa.Column("attribute_name", sa.String(255), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("file", sa.String(512), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("loaded_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("offer_id", "attribute_name", name="pk_arttrade_characteristics"),
    )


def downgrade() -> None:
    for table in (
        "arttrade_characteristics",
        "arttrade_content",
        "category_mapping",
        "ozon_dictionary_search_cache",
        "ozon_attribute_changes",
        "ozon_dictionary_values",
        "ozon_attributes",
        "ozon_category_changes",
        "ozon_categories",
    ):
        op.drop_table(table)
