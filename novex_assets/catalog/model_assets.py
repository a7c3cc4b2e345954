"""Ozon's category model and the category mapping as assets (thin: the logic is plain Python).

`catalog/ozon_category_tree` -> `catalog/category_mapping` -> `catalog/ozon_attributes`, the
last one partitioned by (description_category_id, type_id): a partition per pair the mapping
confirms, added when the mapping gains a pair (here or by `catalog_refresh_on_new_pair`).
"""

from datetime import timedelta

import dagster as dg

from novex_assets.catalog.attributes import (
    DictionaryPolicy,
    PairRefresh,
    parse_partition_key,
    partition_key,
    refresh_pair,
)
from novex_assets.catalog.drift import flag_drifted_cards
from novex_assets.catalog.mapping import MappingFileError, mapping_path, sync_mapping
from novex_assets.catalog.tree import refresh_tree
from novex_assets.constants import CATALOG
from novex_assets.settings import CatalogSettings
from novex_assets.settings_resource import SettingsResource
from resources.ozon.errors import OzonError, OzonNotFoundError
from resources.ozon_resource import OzonResource
from resources.store.tables import utcnow
from resources.store_resource import StoreResource

OWNERS = ["team:catalog"]
PAIRS_PARTITIONS = "ozon_category_pairs"
pairs_partitions = dg.DynamicPartitionsDefinition(name=PAIRS_PARTITIONS)

TREE_KEY = dg.AssetKey(["catalog", "ozon_category_tree"])
MAPPING_KEY = dg.AssetKey(["catalog", "category_mapping"])
ATTRIBUTES_KEY = dg.AssetKey(["catalog", "ozon_attributes"])

# Ozon reads are retried by the client (429, 5xx, timeouts); this covers a longer outage.
OZON_RETRY = dg.RetryPolicy(max_retries=3, delay=30, backoff=dg.Backoff.EXPONENTIAL)


def dictionary_policy(catalog: CatalogSettings) -> DictionaryPolicy:
    """The dictionary policy the config asks for."""
    return DictionaryPolicy(
        page_size=catalog.dictionary_page_size,
        search_attribute_ids=frozenset(catalog.search_attribute_ids),
        walk_limit=catalog.dictionary_walk_limit,
        attributes_max_age=timedelta(hours=catalog.attributes_max_age_hours),
        values_max_age=timedelta(hours=catalog.dictionary_max_age_hours),
    )


@dg.asset(
    key=TREE_KEY,
    group_name=CATALOG,
    kinds={"ozon", "polars"},
    owners=OWNERS,
    retry_policy=OZON_RETRY,
)
def ozon_category_tree(
    context: dg.AssetExecutionContext, ozon: OzonResource, store: StoreResource
) -> dg.MaterializeResult:
    """Ozon's description-category tree (Russian), stored; new, renamed, disabled nodes recorded."""
    repo = store.get_store().catalog_model
    with ozon.get_client() as client:
        found = refresh_tree(client, repo, utcnow())
    context.log.info(
        f"Ozon tree: {found.nodes} nodes, {found.removed} removed, "
        f"changes {found.changes or 'none'}"
    )
    return dg.MaterializeResult(
        metadata={
            "nodes": found.nodes,
            "types": found.types,
            "disabled_types": found.disabled_types,
            "first_load": found.first_load,
            "changes": sum(found.changes.values()),
            **{f"changes_{kind}": found.changes.get(kind, 0) for kind in _TREE_CHANGES},
            "change_examples": dg.MetadataValue.md(
                "\n".join(f"- {line}" for line in found.examples) or "none"
            ),
        }
    )


_TREE_CHANGES = ("new", "renamed", "disabled", "enabled", "removed")


@dg.asset(
    key=MAPPING_KEY,
    group_name=CATALOG,
    kinds={"csv", "postgres"},
    owners=OWNERS,
    deps=[TREE_KEY, dg.AssetKey(["sources", "sap_assortment"])],
)
def category_mapping(
    context: dg.AssetExecutionContext, settings: SettingsResource, store: StoreResource
) -> dg.MaterializeResult:
    """Novex category -> Ozon pair: reviewed file imported, suggestions ranked for the rest."""
    catalog = settings.get().catalog
    path = mapping_path(settings.config_path, catalog.mapping_file)
    cms = store.get_store()
    try:
        result = sync_mapping(
            cms,
            path,
            decided_by="mapping file",
            now=utcnow(),
            per_category=catalog.suggestions_per_category,
            min_score=catalog.min_suggestion_score,
        )
    except MappingFileError as exc:
        raise dg.Failure(
            description=str(exc),
            metadata={"file": str(path), "problems": len(exc.problems)},
        ) from exc
    keys = [partition_key(p) for p in cms.catalog_model.confirmed_pairs()]
    known = set(context.instance.get_dynamic_partitions(PAIRS_PARTITIONS))
    added = [k for k in keys if k not in known]
    if added:
        context.instance.add_dynamic_partitions(PAIRS_PARTITIONS, added)
        context.log.info(f"new Ozon pairs in the mapping: {', '.join(added)}")
    if result.without_candidate:
        context.log.warning(
            "no Ozon type resembles these Novex categories; map them by hand: "
            + ", ".join(result.without_candidate)
        )
    return dg.MaterializeResult(
        metadata={
            "file": str(path),
            "imported_rows": result.imported if result.imported is not None else 0,
            "confirmed_categories": result.confirmed,
            "unmapped_categories": len(result.unmapped),
            "suggestions": result.suggested,
            "without_candidate": len(result.without_candidate),
            "without_candidate_codes": ", ".join(result.without_candidate) or "-",
            "pairs": len(keys),
            "pairs_added": len(added),
        }
    )


@dg.asset(
    key=ATTRIBUTES_KEY,
    group_name=CATALOG,
    kinds={"ozon", "postgres"},
    owners=OWNERS,
    deps=[MAPPING_KEY],
    partitions_def=pairs_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    retry_policy=OZON_RETRY,
)
def ozon_attributes(
    context: dg.AssetExecutionContext,
    ozon: OzonResource,
    store: StoreResource,
    settings: SettingsResource,
) -> dg.MaterializeResult:
    """Attributes and dictionary values of each mapped Ozon pair; stale parts only; drift kept."""
    policy = dictionary_policy(settings.get().catalog)
    repo = store.get_store().catalog_model
    reports: list[PairRefresh] = []
    missing: list[str] = []
    unmapped: list[str] = []
    failed: dict[str, str] = {}
    confirmed = set(repo.confirmed_pairs())
    with ozon.get_client() as client:
        for key in context.partition_keys:
            pair = parse_partition_key(key)
            if pair not in confirmed:
                # No Novex category is exported on it any more: not worth Ozon's requests.
                unmapped.append(key)
                continue
            try:
                report = refresh_pair(client, repo, pair, policy, utcnow())
            except OzonNotFoundError:
                # The type is gone from Ozon: the tree asset records it; nothing to fetch.
                missing.append(key)
                context.log.warning(f"{key}: Ozon no longer has this pair")
                continue
            except OzonError as exc:
                failed[key] = str(exc)
                context.log.error(f"{key}: {exc}")
                continue
            reports.append(report)
            context.log.info(
                f"{key}: {report.attributes} attributes ({report.required} required), "
                f"{report.dictionaries_walked} dictionaries walked ({report.values} values, "
                f"{report.requests} requests), {report.dictionaries_skipped} fresh, "
                f"{report.dictionaries_search} by search, {report.drift} drift events"
            )
    # Flag the cards the drift hits now, not at the next export: the next report (the
    # moderation schedule writes one) shows them even when no source file changes meanwhile.
    flagged = flag_drifted_cards(store.get_store(), utcnow())
    if flagged:
        context.log.warning(f"{flagged} card(s) flagged by changes in Ozon's model")
    if failed:
        # Pairs done are stored and fresh, so the retry only redoes the failed ones.
        raise dg.Failure(
            description=f"{len(failed)} pair(s) failed: "
            + "; ".join(f"{k}: {v}" for k, v in failed.items()),
            metadata={"failed_pairs": len(failed), "done_pairs": len(reports)},
        )
    return dg.MaterializeResult(
        metadata={
            "pairs": len(context.partition_keys),
            "pairs_refreshed": sum(r.attributes_fetched for r in reports),
            "pairs_missing_on_ozon": len(missing),
            "pairs_no_longer_mapped": len(unmapped),
            "attributes": sum(r.attributes for r in reports),
            "required_attributes": sum(r.required for r in reports),
            "dictionaries_walked": sum(r.dictionaries_walked for r in reports),
            "dictionaries_fresh": sum(r.dictionaries_skipped for r in reports),
            "dictionaries_by_search": sum(r.dictionaries_search for r in reports),
            "values_fetched": sum(r.values for r in reports),
            "ozon_requests": sum(r.requests for r in reports),
            # Dictionary pages asked for / the fewest that hold the values (1.0 = no waste).
            "dictionary_requests_per_minimum": round(
                sum(w.requests for r in reports for w in r.walks)
                / max(1, sum(w.minimum_requests for r in reports for w in r.walks)),
                3,
            ),
            "drift_events": sum(r.drift for r in reports),
            "cards_flagged_by_drift": flagged,
        }
    )
