"""Which cards the export sends: passing, changed, not in flight, not refused as they are."""

from __future__ import annotations

import json

import polars as pl

from novex_assets.catalog.export import select_for_export
from resources.store.catalog_cards import EXPORT_SCHEMA


def _cards(*rows: tuple[str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "offer_id": [o for o, _ in rows],
            "card": ["{}"] * len(rows),
            "content_hash": [h for _, h in rows],
        }
    )


def _exports(*rows: tuple[str, str | None, str, str | None, str]) -> pl.DataFrame:
    full = [(o, sent, None, state, err, None, acc, None, None) for o, sent, state, acc, err in rows]
    return pl.DataFrame(full, schema=EXPORT_SCHEMA, orient="row")


def test_selection() -> None:
    cards = _cards(
        ("NEW", "h1"),
        ("SAME", "h2"),
        ("CHANGED", "h3"),
        ("FAILS_CHECKS", "h4"),
        ("IN_FLIGHT", "h5"),
        ("REFUSED", "h6"),
        ("REFUSED_FIXED", "h7"),
        ("QUOTA", "h8"),
    )
    checks = pl.DataFrame(
        {"offer_id": cards["offer_id"], "passed": [o != "FAILS_CHECKS" for o in cards["offer_id"]]}
    )
    refused = json.dumps([{"code": "Incorrect_density"}])
    quota = json.dumps([{"code": "item_limit_exceeded"}])
    exports = _exports(
        ("SAME", "h2", "imported", "h2", "[]"),
        ("CHANGED", "h0", "imported", "h0", "[]"),
        ("IN_FLIGHT", "h5", "pending", None, "[]"),
        ("REFUSED", "h6", "failed", None, refused),
        ("REFUSED_FIXED", "h0", "failed", None, refused),
        ("QUOTA", "h8", "failed", None, quota),
    )
    chosen, counts = select_for_export(cards, checks, exports)
    assert chosen["offer_id"].to_list() == ["NEW", "CHANGED", "REFUSED_FIXED", "QUOTA"]
    assert counts == {
        "cards": 8,
        "held_back_by_checks": 1,
        "unchanged": 1,
        "in_flight": 1,
        "refused_unchanged": 1,
        "to_send": 4,
    }
