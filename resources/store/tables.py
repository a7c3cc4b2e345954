"""Schema of the operational store (SQLAlchemy Core); migrations must produce exactly this.

All timestamps are UTC. Money is NUMERIC(12,2) in the database and float in DataFrames, because
the pricing rules compute in floats and round to kopecks themselves.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both backends (SQLite keeps no zone, so we add it back)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes: their zone would be a guess."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass a UTC-aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Return aware UTC datetimes whatever the backend stored."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time in UTC, the only kind of timestamp the store holds."""
    return datetime.now(UTC)


def _money(name: str, *, nullable: bool) -> sa.Column[Any]:
    return sa.Column(name, sa.Numeric(12, 2, asdecimal=False), nullable=nullable)


OFFER_ID = 50

products = sa.Table(
    "products",
    metadata,
    sa.Column("offer_id", sa.String(OFFER_ID), primary_key=True),
    sa.Column("barcode", sa.String(64)),
    sa.Column("name", sa.Text),
    sa.Column("brand", sa.String(255)),
    sa.Column("category_code", sa.String(64)),
    sa.Column("category_name", sa.String(255)),
    sa.Column("vat", sa.String(8)),
    sa.Column("weight_g", sa.Integer),
    sa.Column("length_mm", sa.Integer),
    sa.Column("width_mm", sa.Integer),
    sa.Column("height_mm", sa.Integer),
    _money("base_price", nullable=True),
    sa.Column("ozon_enabled", sa.Boolean, nullable=False),
    sa.Column("ozon_product_id", sa.BigInteger),
    sa.Column("ozon_sku", sa.BigInteger),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index(None, "category_code"),
    sa.Index(None, "ozon_sku"),
)

stock_levels = sa.Table(
    "stock_levels",
    metadata,
    sa.Column("offer_id", sa.String(OFFER_ID), primary_key=True),
    sa.Column("warehouse_id", sa.BigInteger, primary_key=True),
    sa.Column("stock", sa.Integer, nullable=False),
    sa.Column("computed_at", UtcDateTime, nullable=False),
)

price_levels = sa.Table(
    "price_levels",
    metadata,
    sa.Column("offer_id", sa.String(OFFER_ID), primary_key=True),
    _money("price", nullable=False),
    _money("old_price", nullable=True),
    _money("min_price", nullable=True),
    sa.Column("computed_at", UtcDateTime, nullable=False),
)

ozon_stock_state = sa.Table(
    "ozon_stock_state",
    metadata,
    sa.Column("offer_id", sa.String(OFFER_ID), primary_key=True),
    sa.Column("warehouse_id", sa.BigInteger, primary_key=True),
    sa.Column("stock", sa.Integer, nullable=False),
    sa.Column("accepted_at", UtcDateTime, nullable=False),
)

ozon_price_state = sa.Table(
    "ozon_price_state",
    metadata,
    sa.Column("offer_id", sa.String(OFFER_ID), primary_key=True),
    _money("price", nullable=False),
    _money("old_price", nullable=True),
    _money("min_price", nullable=True),
    sa.Column("accepted_at", UtcDateTime, nullable=False),
)

sync_errors = sa.Table(
    "sync_errors",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("offer_id", sa.String(OFFER_ID), nullable=False),
    # 0 for prices, so one unique index covers both kinds.
    sa.Column("warehouse_id", sa.BigInteger, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("code", sa.String(255), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("first_seen_at", UtcDateTime, nullable=False),
    sa.Column("last_seen_at", UtcDateTime, nullable=False),
    sa.Column("resolved_at", UtcDateTime),
    # At most one open error per item; resolved ones stay as history.
    sa.Index(
        "uq_sync_errors_open",
        "kind",
        "offer_id",
        "warehouse_id",
        unique=True,
        sqlite_where=sa.text("resolved_at IS NULL"),
        postgresql_where=sa.text("resolved_at IS NULL"),
    ),
    sa.Index(None, "resolved_at"),
    sa.CheckConstraint("kind IN ('stock', 'price')", name="kind"),
)

order_reservations = sa.Table(
    "order_reservations",
    metadata,
    sa.Column("posting_number", sa.String(64), primary_key=True),
    sa.Column("offer_id", sa.String(OFFER_ID), primary_key=True),
    sa.Column("warehouse_id", sa.BigInteger, nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("status", sa.String(64), nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index(None, "status"),
)

quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("file", sa.String(512), nullable=False),
    sa.Column("line", sa.Integer, nullable=False),
    sa.Column("reason", sa.String(1000), nullable=False),
    sa.Column("raw", sa.Text, nullable=False),
    sa.Column("first_seen_at", UtcDateTime, nullable=False),
    sa.Column("last_seen_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("source", "file", "line", "reason"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("run_id", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("method", sa.String(128), nullable=False),
    sa.Column("offer_id", sa.String(OFFER_ID), nullable=False),
    sa.Column("warehouse_id", sa.BigInteger, nullable=False),
    sa.Column("old_value", sa.Text),
    sa.Column("new_value", sa.Text),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("code", sa.String(255)),
    sa.Column("message", sa.Text),
    sa.Index(None, "at"),
    sa.Index(None, "kind", "at"),
    sa.Index(None, "offer_id"),
    sa.CheckConstraint("outcome IN ('accepted', 'rejected', 'deferred')", name="outcome"),
)

source_snapshots = sa.Table(
    "source_snapshots",
    metadata,
    sa.Column("source", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(512), primary_key=True),
    sa.Column("loaded_at", UtcDateTime, nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("quarantined", sa.Integer, nullable=False),
)

# --- Inventory hardening (revision 0002): push leases and the shared Ozon rate budget --------

# One row per lease name ("ozon-push:<Client-Id>"): who pushes for the account right now. A holder
# renews `expires_at` while it works; a crashed holder's lease simply runs out.
push_leases = sa.Table(
    "push_leases",
    metadata,
    sa.Column("name", sa.String(128), primary_key=True),
    sa.Column("holder", sa.String(255), nullable=False),
    sa.Column("acquired_at", UtcDateTime, nullable=False),
    sa.Column("heartbeat_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
)

# Calls (and the items they carried) sent to rate-limited Ozon methods, per Client-Id, so a
# process starting a push knows what Ozon's windows still hold from other processes' calls.
# `origin` names the sending process's limiter, which already knows its own calls.
ozon_calls = sa.Table(
    "ozon_calls",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("client_id", sa.String(64), nullable=False),
    sa.Column("path", sa.String(128), nullable=False),
    sa.Column("origin", sa.String(64), nullable=False),
    sa.Column("sent_at", UtcDateTime, nullable=False),
    sa.Index(None, "client_id", "path", "sent_at"),
)

ozon_item_sends = sa.Table(
    "ozon_item_sends",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("client_id", sa.String(64), nullable=False),
    sa.Column("path", sa.String(128), nullable=False),
    sa.Column("item_key", sa.String(255), nullable=False),
    sa.Column("origin", sa.String(64), nullable=False),
    sa.Column("sent_at", UtcDateTime, nullable=False),
    sa.Index(None, "client_id", "path", "sent_at"),
)


# --- Catalog model: Ozon's category tree, attributes, dictionaries; category mapping; Art-Trade ---

CATEGORY_CHANGES = ("new", "disabled", "enabled", "renamed", "removed")
ATTRIBUTE_CHANGES = (
    "required_added",
    "required_removed",
    "attribute_added",
    "attribute_removed",
    "value_withdrawn",
    "value_added",
)
DICTIONARY_MODES = ("none", "walked", "search")
MAPPING_STATUSES = ("suggested", "confirmed", "rejected")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


ozon_categories = sa.Table(
    "ozon_categories",
    metadata,
    sa.Column("description_category_id", sa.BigInteger, primary_key=True),
    # 0 for a category node; a type leaf carries its type_id under its last-level category.
    sa.Column("type_id", sa.BigInteger, primary_key=True),
    sa.Column("category_name", sa.String(500), nullable=False),
    sa.Column("type_name", sa.String(500)),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("first_seen_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("removed_at", UtcDateTime),
)

ozon_category_changes = sa.Table(
    "ozon_category_changes",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("seen_at", UtcDateTime, nullable=False),
    sa.Column("description_category_id", sa.BigInteger, nullable=False),
    sa.Column("type_id", sa.BigInteger, nullable=False),
    sa.Column("change", sa.String(16), nullable=False),
    sa.Column("old_value", sa.Text),
    sa.Column("new_value", sa.Text),
    sa.Index(None, "seen_at"),
    sa.CheckConstraint(_in("change", CATEGORY_CHANGES), name="change"),
)

ozon_attributes = sa.Table(
    "ozon_attributes",
    metadata,
    sa.Column("description_category_id", sa.BigInteger, primary_key=True),
    sa.Column("type_id", sa.BigInteger, primary_key=True),
    sa.Column("attribute_id", sa.BigInteger, primary_key=True),
    sa.Column("name", sa.String(500), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("is_required", sa.Boolean, nullable=False),
    sa.Column("is_collection", sa.Boolean, nullable=False),
    sa.Column("max_value_count", sa.Integer, nullable=False),
    # 0 = free value; otherwise the dictionary the value ids come from.
    sa.Column("dictionary_id", sa.BigInteger, nullable=False),
    sa.Column("dictionary_mode", sa.String(8), nullable=False),
    sa.Column("attribute_complex_id", sa.BigInteger, nullable=False),
    sa.Column("group_name", sa.String(255)),
    sa.Column("fetched_at", UtcDateTime, nullable=False),
    # When the dictionary was last walked to its end; null = never (or mode is not 'walked').
    sa.Column("values_fetched_at", UtcDateTime),
    sa.Column("removed_at", UtcDateTime),
    sa.CheckConstraint(_in("dictionary_mode", DICTIONARY_MODES), name="dictionary_mode"),
)

ozon_dictionary_values = sa.Table(
    "ozon_dictionary_values",
    metadata,
    sa.Column("description_category_id", sa.BigInteger, primary_key=True),
    sa.Column("type_id", sa.BigInteger, primary_key=True),
    sa.Column("attribute_id", sa.BigInteger, primary_key=True),
    sa.Column("value_id", sa.BigInteger, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("info", sa.Text),
    sa.Column("picture", sa.Text),
    sa.Column("fetched_at", UtcDateTime, nullable=False),
    sa.Column("withdrawn_at", UtcDateTime),
)

ozon_attribute_changes = sa.Table(
    "ozon_attribute_changes",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("seen_at", UtcDateTime, nullable=False),
    sa.Column("description_category_id", sa.BigInteger, nullable=False),
    sa.Column("type_id", sa.BigInteger, nullable=False),
    sa.Column("attribute_id", sa.BigInteger, nullable=False),
    sa.Column("change", sa.String(32), nullable=False),
    sa.Column("value_id", sa.BigInteger),
    sa.Column("detail", sa.Text),
    # When the cards this change hits were flagged (revision 0007); null = not applied yet.
    sa.Column("cards_flagged_at", UtcDateTime),
    sa.Index(None, "seen_at"),
    sa.Index(None, "description_category_id", "type_id"),
    sa.CheckConstraint(_in("change", ATTRIBUTE_CHANGES), name="change"),
)

ozon_dictionary_search_cache = sa.Table(
    "ozon_dictionary_search_cache",
    metadata,
    sa.Column("description_category_id", sa.BigInteger, primary_key=True),
    sa.Column("type_id", sa.BigInteger, primary_key=True),
    sa.Column("attribute_id", sa.BigInteger, primary_key=True),
    sa.Column("query_norm", sa.String(500), primary_key=True),
    # Null = Ozon has no such value; cached too, so a miss is not asked again every run.
    sa.Column("value_id", sa.BigInteger),
    sa.Column("value", sa.Text),
    sa.Column("searched_at", UtcDateTime, nullable=False),
)

category_mapping = sa.Table(
    "category_mapping",
    metadata,
    sa.Column("novex_category_code", sa.String(64), primary_key=True),
    sa.Column("description_category_id", sa.BigInteger, primary_key=True),
    sa.Column("type_id", sa.BigInteger, primary_key=True),
    sa.Column("novex_category_name", sa.String(255)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("score", sa.Float),
    sa.Column("rank", sa.Integer),
    sa.Column("reason", sa.Text),
    sa.Column("decided_by", sa.String(255)),
    sa.Column("decided_at", UtcDateTime),
    sa.Column("note", sa.Text),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    # One confirmed Ozon pair per Novex category: what a product of it is exported under.
    sa.Index(
        "uq_category_mapping_confirmed",
        "novex_category_code",
        unique=True,
        sqlite_where=sa.text("status = 'confirmed'"),
        postgresql_where=sa.text("status = 'confirmed'"),
    ),
    sa.Index(None, "description_category_id", "type_id"),
    sa.CheckConstraint(_in("status", MAPPING_STATUSES), name="status"),
)

arttrade_content = sa.Table(
    "arttrade_content",
    metadata,
    sa.Column("offer_id", sa.String(OFFER_ID), primary_key=True),
    sa.Column("name", sa.Text),
    sa.Column("description", sa.Text),
    sa.Column("image_urls", sa.Text, nullable=False),  # JSON list of strings
    sa.Column("file", sa.String(512), nullable=False),
    sa.Column("line", sa.Integer, nullable=False),
    sa.Column("loaded_at", UtcDateTime, nullable=False),
)

arttrade_characteristics = sa.Table(
    "arttrade_characteristics",
    metadata,
    sa.Column("offer_id", sa.String(OFFER_ID), primary_key=True),
    sa.Column("attribute_name", sa.String(255), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("file", sa.String(512), nullable=False),
    sa.Column("line", sa.Integer, nullable=False),
    sa.Column("loaded_at", UtcDateTime, nullable=False),
)

# --- catalog cards (revision 0004): merged cards, checks, exports, moderation, report runs ---

product_cards = sa.Table(
    "product_cards",
    metadata,
    sa.Column("offer_id", sa.String(OFFER_ID), primary_key=True),
    sa.Column("description_category_id", sa.BigInteger),
    sa.Column("type_id", sa.BigInteger),
    # The full card for /v3/product/import, as JSON; content_hash is over exactly this text.
    sa.Column("card", sa.Text, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    # Which source gave each field and attribute, and what could not be merged (JSON).
    sa.Column("provenance", sa.Text, nullable=False),
    sa.Column("issues", sa.Text, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

card_check_runs = sa.Table(
    "card_check_runs",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("checked_at", UtcDateTime, nullable=False),
    sa.Column("cards", sa.Integer, nullable=False),
    sa.Column("failed", sa.Integer, nullable=False),
    # Of `failed`, the cards flagged by drift in Ozon's model (revision 0007): the gate leaves
    # them out, since Ozon's change and not a broken source file made them fail.
    sa.Column("drift_failed", sa.Integer, nullable=False, server_default="0"),
    # The failing-share gate's verdict: later runs compare with the last run it let through.
    sa.Column("gate_passed", sa.Boolean),
    sa.Index(None, "checked_at"),
)

card_check_results = sa.Table(
    "card_check_results",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("offer_id", sa.String(OFFER_ID), primary_key=True),
    sa.Column("passed", sa.Boolean, nullable=False),
    # JSON list of {check, reason} for every failed check of the card.
    sa.Column("failures", sa.Text, nullable=False),
    sa.Column("checked_at", UtcDateTime, nullable=False),
    sa.Index(None, "offer_id"),
)

card_exports = sa.Table(
    "card_exports",
    metadata,
    sa.Column("offer_id", sa.String(OFFER_ID), primary_key=True),
    sa.Column("sent_hash", sa.String(64)),
    sa.Column("task_id", sa.BigInteger),
    # pending | imported | failed | skipped | waiting_quota
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("errors", sa.Text, nullable=False),
    sa.Column("sent_at", UtcDateTime),
    sa.Column("accepted_hash", sa.String(64)),
    sa.Column("accepted_at", UtcDateTime),
    sa.Column("product_id", sa.BigInteger),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index(None, "state"),
)

card_moderation = sa.Table(
    "card_moderation",
    metadata,
    sa.Column("offer_id", sa.String(OFFER_ID), primary_key=True),
    sa.Column("product_id", sa.BigInteger),
    sa.Column("status", sa.String(32), nullable=False),
    # JSON list of {code, message} Ozon gave for a decline.
    sa.Column("reasons", sa.Text, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index(None, "status"),
)

catalog_report_runs = sa.Table(
    "catalog_report_runs",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("totals", sa.Text, nullable=False),
    sa.Column("html_path", sa.String(1024)),
    sa.Index(None, "at"),
)

# A card hit by a drift event (a required attribute it lacks, a dictionary value it holds that
# Ozon withdrew) stays flagged until a check run passes it again, whatever reports ran between.
card_drift_flags = sa.Table(
    "card_drift_flags",
    metadata,
    sa.Column("offer_id", sa.String(OFFER_ID), primary_key=True),
    sa.Column("change_id", sa.BigInteger, primary_key=True),
    sa.Column("description_category_id", sa.BigInteger, nullable=False),
    sa.Column("type_id", sa.BigInteger, nullable=False),
    sa.Column("attribute_id", sa.BigInteger, nullable=False),
    sa.Column("change", sa.String(32), nullable=False),
    sa.Column("value_id", sa.BigInteger),
    sa.Column("value", sa.Text),
    sa.Column("source", sa.String(16)),
    sa.Column("flagged_at", UtcDateTime, nullable=False),
    sa.Column("cleared_at", UtcDateTime),
    sa.Column("cleared_by", sa.String(64)),
    sa.Index(None, "cleared_at"),
)

# ---------------------------------------------------------------------------------------------
# Orders flow (revision 0006): postings and their items, shipments and boxes, marking codes,
# labels, acts, returns, and the documents exchanged with Infor.
# ---------------------------------------------------------------------------------------------

POSTING_NUMBER = 64

orders = sa.Table(
    "orders",
    metadata,
    sa.Column("order_id", sa.BigInteger, primary_key=True),
    sa.Column("order_number", sa.String(64), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

postings = sa.Table(
    "postings",
    metadata,
    sa.Column("posting_number", sa.String(POSTING_NUMBER), primary_key=True),
    sa.Column("order_id", sa.BigInteger, nullable=False),
    sa.Column("parent_posting_number", sa.String(POSTING_NUMBER)),
    # Ozon's status, and where the posting is in our flow (see novex_assets.orders.stages).
    sa.Column("status", sa.String(64), nullable=False),
    sa.Column("stage", sa.String(32), nullable=False),
    sa.Column("warehouse_id", sa.BigInteger, nullable=False),
    sa.Column("delivery_method_id", sa.BigInteger, nullable=False),
    sa.Column("delivery_method", sa.String(255), nullable=False),
    sa.Column("in_process_at", UtcDateTime),
    sa.Column("shipment_date", UtcDateTime),
    sa.Column("delivery_date_begin", UtcDateTime),
    sa.Column("delivery_date_end", UtcDateTime),
    sa.Column("recipient", sa.Text),
    sa.Column("exception", sa.Text),
    sa.Column("cancel_reason", sa.Text),
    # Infor confirmed it allocated the posting's units; its snapshots count them from then on.
    sa.Column("infor_allocated_at", UtcDateTime),
    sa.Column("act_id", sa.BigInteger),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index(None, "stage"),
    sa.Index(None, "order_id"),
    sa.Index(None, "warehouse_id", "stage"),
)

posting_items = sa.Table(
    "posting_items",
    metadata,
    sa.Column("posting_number", sa.String(POSTING_NUMBER), primary_key=True),
    sa.Column("sku", sa.BigInteger, primary_key=True),
    sa.Column("offer_id", sa.String(OFFER_ID), nullable=False),
    sa.Column("name", sa.Text),
    sa.Column("quantity", sa.Integer, nullable=False),
    _money("price", nullable=True),
    sa.Column("mark_required", sa.Boolean, nullable=False),
)

shipments = sa.Table(
    "shipments",
    metadata,
    sa.Column("posting_number", sa.String(POSTING_NUMBER), primary_key=True),
    sa.Column("warehouse_id", sa.BigInteger, nullable=False),
    sa.Column("pack_by", UtcDateTime),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("packing_document", sa.String(255)),
    sa.Column("reason", sa.Text),
    # On Ozon's clock (whether the request has settled is Ozon's time); shipped_at on ours.
    sa.Column("ship_requested_at", UtcDateTime),
    sa.Column("shipped_at", UtcDateTime),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index(None, "status"),
)

shipment_boxes = sa.Table(
    "shipment_boxes",
    metadata,
    sa.Column("posting_number", sa.String(POSTING_NUMBER), primary_key=True),
    sa.Column("box_no", sa.Integer, primary_key=True),
    sa.Column("box_id", sa.String(64), nullable=False),
    sa.Column("result_posting_number", sa.String(POSTING_NUMBER)),
    sa.Column("items", sa.Text, nullable=False),
)

posting_marks = sa.Table(
    "posting_marks",
    metadata,
    sa.Column("posting_number", sa.String(POSTING_NUMBER), primary_key=True),
    sa.Column("exemplar_id", sa.BigInteger, primary_key=True),
    sa.Column("sku", sa.BigInteger, nullable=False),
    sa.Column("mark", sa.String(255), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("error", sa.Text),
)

posting_labels = sa.Table(
    "posting_labels",
    metadata,
    sa.Column("posting_number", sa.String(POSTING_NUMBER), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    # On Ozon's clock: Ozon prints a label a little after packing, by its own time.
    sa.Column("not_before", UtcDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    # Ozon's label task (≤ 20 postings) the label is being printed by.
    sa.Column("task_id", sa.BigInteger),
    sa.Column("document", sa.String(255)),
    sa.Column("error", sa.Text),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index(None, "status"),
    sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
)

handover_acts = sa.Table(
    "handover_acts",
    metadata,
    sa.Column("act_id", sa.BigInteger, primary_key=True),
    sa.Column("warehouse_id", sa.BigInteger, nullable=False),
    sa.Column("delivery_method_id", sa.BigInteger, nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("postings", sa.Text, nullable=False),
    sa.Column("carried_over", sa.Text, nullable=False),
    sa.Column("barcode", sa.String(255)),
    sa.Column("document", sa.String(255)),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index(None, "status"),
)

order_returns = sa.Table(
    "order_returns",
    metadata,
    sa.Column("return_id", sa.BigInteger, primary_key=True),
    sa.Column("posting_number", sa.String(POSTING_NUMBER), nullable=False),
    sa.Column("order_id", sa.BigInteger),
    sa.Column("matched", sa.Boolean, nullable=False),
    sa.Column("sku", sa.BigInteger),
    sa.Column("offer_id", sa.String(OFFER_ID)),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("return_type", sa.String(32)),
    sa.Column("reason", sa.Text),
    sa.Column("ozon_status", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("notified_at", UtcDateTime),
    sa.Column("received_at", UtcDateTime),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index(None, "posting_number"),
    sa.Index(None, "status"),
)

infor_documents = sa.Table(
    "infor_documents",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("direction", sa.String(8), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("posting_number", sa.String(POSTING_NUMBER)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("processed_at", UtcDateTime),
    sa.UniqueConstraint("direction", "name"),
    sa.Index(None, "posting_number"),
    sa.CheckConstraint("direction IN ('out', 'in')", name="direction"),
)

# --- Orders intake (revision 0005): push inbox and polling watermarks -------------------------

INBOX_SOURCES = ("push", "poll")
INBOX_STATUSES = ("pending", "processed", "failed", "invalid")

push_inbox = sa.Table(
    "push_inbox",
    metadata,
    # The cursor of the inbox sensor: rows are only ever appended.
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    # One row per meaning: Ozon's retries and a polled copy of the same change collapse here.
    sa.Column("dedup_key", sa.String(255), nullable=False, unique=True),
    sa.Column("message_type", sa.String(64), nullable=False),
    sa.Column("posting_number", sa.String(64)),
    sa.Column("source", sa.String(8), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("processed_at", UtcDateTime),
    sa.Column("error", sa.Text),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Index(None, "status", "id"),
    sa.Index(None, "posting_number"),
    sa.CheckConstraint("source IN ('push', 'poll')", name="source"),
    sa.CheckConstraint("status IN ('pending', 'processed', 'failed', 'invalid')", name="status"),
)

poll_watermarks = sa.Table(
    "poll_watermarks",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    # The newest status change the poll has committed to the inbox.
    sa.Column("watermark", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)
