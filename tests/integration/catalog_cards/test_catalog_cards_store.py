"""The catalog cards repository on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import polars as pl

from resources.store.catalog_model import ATTRIBUTE_SCHEMA
from resources.store.store import Store


def _cards(*rows: tuple[str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "offer_id": [o for o, _ in rows],
            "description_category_id": [17028968] * len(rows),
            "type_id": [93284] * len(rows),
            "card": [json.dumps({"offer_id": o, "name": "Шампунь"}) for o, _ in rows],
            "content_hash": [h for _, h in rows],
            "provenance": ["{}"] * len(rows),
            "issues": ["[]"] * len(rows),
        }
    )


def test_cards_upsert_counts_and_removes_what_left(store_url: str) -> None:
    with Store(store_url) as store:
        store.migrate()
        repo = store.catalog_cards
        assert repo.upsert_cards(_cards(("A", "h1"), ("B", "h2"))) == {
            "new": 2,
            "changed": 0,
            "removed": 0,
        }
        assert repo.upsert_cards(_cards(("A", "h1"), ("C", "h3"))) == {
            "new": 1,
            "changed": 0,
            "removed": 1,
        }
        assert repo.upsert_cards(_cards(("A", "h9"), ("C", "h3")))["changed"] == 1
        assert repo.cards()["offer_id"].to_list() == ["A", "C"]


def test_export_states_and_accepted_hash(store_url: str) -> None:
    with Store(store_url) as store:
        store.migrate()
        repo = store.catalog_cards
        repo.record_sent(
            pl.DataFrame({"offer_id": ["A", "B"], "sent_hash": ["h1", "h2"], "task_id": [7, 7]})
        )
        assert repo.pending_tasks() == [7]
        errors = json.dumps([{"code": "missing_dimension", "message": "нет размеров"}])
        repo.record_task_results(
            pl.DataFrame(
                {
                    "offer_id": ["A", "B"],
                    "state": ["imported", "failed"],
                    "errors": ["[]", errors],
                    "product_id": [1001, None],
                },
                schema_overrides={"product_id": pl.Int64},
            )
        )
        exports = {r["offer_id"]: r for r in repo.exports().iter_rows(named=True)}
        assert exports["A"]["accepted_hash"] == "h1" and exports["A"]["product_id"] == 1001
        assert exports["B"]["accepted_hash"] is None and exports["B"]["state"] == "failed"
        assert json.loads(exports["B"]["errors"])[0]["code"] == "missing_dimension"
        assert repo.pending_tasks() == []
        repo.record_waiting(["C"], "квота")
        assert repo.exports().filter(pl.col("offer_id") == "C")["state"][0] == "waiting_quota"


def test_check_runs_moderation_and_report_runs(store_url: str) -> None:
    with Store(store_url) as store:
        store.migrate()
        repo = store.catalog_cards
        checks = pl.DataFrame(
            {"offer_id": ["A", "B"], "passed": [True, False], "failures": ["[]", "[{}]"]}
        )
        repo.record_checks("run-1", checks)
        repo.record_checks("run-1", checks)  # a retried step writes the same rows again
        assert repo.check_runs()[0]["failed"] == 1
        assert repo.latest_check_run() == "run-1"
        assert repo.check_results("run-1").height == 2
        repo.record_moderation(
            pl.DataFrame(
                {"offer_id": ["A"], "product_id": [1001], "status": ["declined"], "reasons": ["[]"]}
            )
        )
        assert repo.moderation()["status"].to_list() == ["declined"]
        at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        repo.record_report_run("run-1", {"blocked_skus": 3}, "/tmp/r.html", at)
        assert repo.report_runs()[0]["totals"] == {"blocked_skus": 3}


def test_drift_flags_are_written_once_applied_and_closed(store_url: str) -> None:
    from novex_assets.catalog.drift import flag_drifted_cards

    pair = (17028968, 93284)
    with Store(store_url) as store:
        store.migrate()
        cards = _cards(("A", "h1"), ("B", "h2")).with_columns(
            card=pl.Series(
                [
                    json.dumps({"attributes": [{"id": 22236, "values": [
                        {"dictionary_value_id": 970584103, "value": "сухие"}]}]}),
                    json.dumps({"attributes": []}),
                ]
            ),
            provenance=pl.Series(['{"attributes":{"22236":"arttrade"}}', "{}"]),
        )  # fmt: skip
        store.catalog_cards.upsert_cards(cards)
        changes = pl.DataFrame(
            [(*pair, 22236, "value_withdrawn", 970584103, "«сухие» withdrawn")],
            schema=["description_category_id", "type_id", "attribute_id", "change", "value_id",
                    "detail"],
            orient="row",
        )  # fmt: skip
        at = datetime(2026, 12, 1, tzinfo=UTC)
        store.catalog_model.save_attributes(
            pair, pl.DataFrame(schema=ATTRIBUTE_SCHEMA), [], changes, at
        )
        assert flag_drifted_cards(store, at) == 1
        # Applied once: the next merge does not flag the same change again.
        assert store.catalog_model.attribute_changes(unflagged=True).is_empty()
        assert flag_drifted_cards(store, at) == 0
        flags = store.catalog_cards.drift_flags()
        assert flags.select("offer_id", "value", "source").rows() == [("A", "сухие", "arttrade")]
        assert store.catalog_cards.clear_drift_flags(["A"], "run-9", at) == 1
        assert store.catalog_cards.drift_flags().is_empty()
        closed = store.catalog_cards.drift_flags(include_cleared=True)
        assert closed["cleared_by"].to_list() == ["run-9"]
