"""Checks before export: a Great Expectations suite per Ozon (category, type), really executed.

Each suite is built from Ozon's live attribute model for its pair (which characteristics are
required, which dictionary ids are valid) plus the rules every card must meet (name and
description lengths, VAT, EAN-13 check digit, sizes, images, prices). The suites run on pandas
copies of the merged cards; every failed row is traced back to its offer_id, so a failing card
is held back with its reasons and the rest go on.

Great Expectations costs seconds to import, so it is imported inside `run_card_checks` only.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from novex_assets.catalog.card_fields import CardFieldRules
from novex_assets.catalog.cards import MergedCards
from novex_assets.catalog.dictionary_match import PAIR

OZON_VAT_RATES = ("0", "0.05", "0.07", "0.1", "0.2", "0.22")
NAME_MAX = 500
DESCRIPTION_MAX = 6000
IMAGES_MAX = 30
# Plausible bounds for drugstore goods: a lipstick weighs ~10 g, a pack of detergent ~15 kg.
WEIGHT_G = (1, 50_000)
SIZE_MM = (1, 2_000)

OWNERS = {
    "sap": "SAP",
    "arttrade": "Art-Trade",
    "mapping": "сопоставление категорий",
    "ozon": "шаблон Ozon",
}

CHECK_RESULT_SCHEMA: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "check": pl.String(),
    "reason": pl.String(),
    "owner": pl.String(),
}


@dataclass(frozen=True)
class CheckSpec:
    """One expectation: which check it is, what staff read, who fixes it."""

    check: str
    reason: str
    owner: str
    expectation: Any


@dataclass(frozen=True)
class CheckRun:
    """Outcome of one check run.

    `failures` has one row per (card, failed check); `per_card` one row per card with
    `passed` and the JSON list of failures; `expectations` counts what ran.
    """

    failures: pl.DataFrame
    per_card: pl.DataFrame
    expectations: int
    suites: int


def ean13_check_digit(code: str) -> int | None:
    """The check digit an EAN-13 must end with, from its first 12 digits (None if not 13 digits)."""
    if len(code) != 13 or not code.isdigit():
        return None
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(code[:12]))
    return (10 - total % 10) % 10


def _ean13_expected(barcode: pl.Expr) -> pl.Expr:
    """`ean13_check_digit` vectorised: null unless the barcode is 13 digits."""
    digits = [barcode.str.slice(i, 1).cast(pl.Int64, strict=False) for i in range(12)]
    total = pl.sum_horizontal([d * (3 if i % 2 else 1) for i, d in enumerate(digits)])
    ok = barcode.str.contains(r"^\d{13}$").fill_null(False)
    return pl.when(ok).then((10 - total % 10) % 10)


def _field_owner(rules: CardFieldRules, field: str) -> str:
    return OWNERS[rules.fields[field].owner]  # type: ignore[index]


def _attribute_owner(rules: CardFieldRules, attribute_id: int) -> str:
    rule = rules.attribute_rule(attribute_id)
    if rule is None:
        return OWNERS[rules.default_attribute.owner]
    if rule.owner == "card" and rule.card_field:
        return _field_owner(rules, rule.card_field)
    return OWNERS[rule.owner]


def check_frame(merged: MergedCards) -> pl.DataFrame:
    """One row per card with every column the suites read (helper columns computed here)."""
    values = merged.values
    first = values.group_by("offer_id", "attribute_id").agg(
        pl.col("value").first(), pl.col("dictionary_value_id").first()
    )
    wide = (
        first.with_columns(
            pl.coalesce(
                pl.when(pl.col("value") != "").then(pl.col("value")),
                pl.when(pl.col("dictionary_value_id") > 0).then(
                    pl.col("dictionary_value_id").cast(pl.String)
                ),
            ).alias("v"),
            pl.format("a{}", "attribute_id").alias("column"),
        ).pivot(on="column", index="offer_id", values="v")
        if first.height
        else pl.DataFrame(schema={"offer_id": pl.String})
    )
    description = (
        values.filter(pl.col("attribute_id") == 4191)
        .group_by("offer_id")
        .agg(pl.col("value").first().alias("description_text"))
    )
    return (
        merged.flat.join(wide, on="offer_id", how="left")
        .join(description, on="offer_id", how="left")
        .with_columns(
            pl.col("images").list.len().fill_null(0).alias("image_count"),
            pl.col("barcode").str.slice(12, 1).cast(pl.Int64, strict=False).alias("ean_last"),
            _ean13_expected(pl.col("barcode")).alias("ean_expected"),
        )
    )


def common_specs(rules: CardFieldRules) -> list[CheckSpec]:
    """What every card must meet whatever its pair: names, VAT, barcode, sizes, images, prices."""
    import great_expectations as gx

    e = gx.expectations
    sap_owner, name_owner = _field_owner(rules, "vat"), _field_owner(rules, "name")
    card: list[CheckSpec] = [
        CheckSpec(
            "name_length",
            f"название пустое или длиннее {NAME_MAX} символов",
            name_owner,
            e.ExpectColumnValueLengthsToBeBetween(column="name", min_value=1, max_value=NAME_MAX),
        ),
        CheckSpec(
            "name_present",
            "нет названия",
            name_owner,
            e.ExpectColumnValuesToNotBeNull(column="name"),
        ),
        CheckSpec(
            "vat_in_ozon_set",
            f"НДС не из списка Ozon ({', '.join(OZON_VAT_RATES)})",
            sap_owner,
            e.ExpectColumnValuesToBeInSet(column="vat", value_set=list(OZON_VAT_RATES)),
        ),
        CheckSpec(
            "barcode_ean13",
            "штрихкод не EAN-13 (13 цифр)",
            _field_owner(rules, "barcode"),
            e.ExpectColumnValuesToMatchRegex(column="barcode", regex=r"^\d{13}$"),
        ),
        CheckSpec(
            "barcode_check_digit",
            "неверная контрольная цифра EAN-13",
            _field_owner(rules, "barcode"),
            e.ExpectColumnPairValuesToBeEqual(
                column_A="ean_last",
                column_B="ean_expected",
                ignore_row_if="either_value_is_missing",
            ),
        ),
        CheckSpec(
            "images_present",
            "нет ни одного изображения",
            _field_owner(rules, "images"),
            e.ExpectColumnValuesToBeBetween(
                column="image_count", min_value=1, max_value=IMAGES_MAX
            ),
        ),
        CheckSpec(
            "price_positive",
            "цена не задана или не больше нуля",
            "SAP",
            e.ExpectColumnValuesToBeBetween(column="price", min_value=0.01, mostly=1.0),
        ),
        CheckSpec(
            "price_present", "нет цены", "SAP", e.ExpectColumnValuesToNotBeNull(column="price")
        ),
        CheckSpec(
            "old_price_above_price",
            "цена до скидки не выше цены",
            "SAP",
            e.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="old_price",
                column_B="price",
                or_equal=False,
                ignore_row_if="either_value_is_missing",
            ),
        ),
        CheckSpec(
            "min_price_not_above_price",
            "минимальная цена выше цены",
            "SAP",
            e.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="price",
                column_B="min_price",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
        ),
    ]
    for field, label in (
        ("weight_g", "вес"),
        ("depth_mm", "длина"),
        ("width_mm", "ширина"),
        ("height_mm", "высота"),
    ):
        low, high = WEIGHT_G if field == "weight_g" else SIZE_MM
        owner = _field_owner(rules, field)
        card.append(
            CheckSpec(
                f"{field}_present",
                f"{label} не указан(а)",
                owner,
                e.ExpectColumnValuesToNotBeNull(column=field),
            )
        )
        card.append(
            CheckSpec(
                f"{field}_plausible",
                f"{label} вне правдоподобных границ {low}–{high}",
                owner,
                e.ExpectColumnValuesToBeBetween(column=field, min_value=low, max_value=high),
            )
        )
    card.append(
        CheckSpec(
            "description_length",
            f"описание длиннее {DESCRIPTION_MAX} символов",
            _field_owner(rules, "description"),
            e.ExpectColumnValueLengthsToBeBetween(
                column="description_text", max_value=DESCRIPTION_MAX
            ),
        )
    )
    return card


def pair_specs(
    pair: tuple[int, int], model: pl.DataFrame, dictionary: pl.DataFrame, rules: CardFieldRules
) -> tuple[list[CheckSpec], list[CheckSpec]]:
    """One pair's suite from Ozon's live model: (required characteristics, dictionary ids)."""
    import great_expectations as gx

    e = gx.expectations
    card: list[CheckSpec] = []
    attrs = model.filter(
        (pl.col("description_category_id") == pair[0]) & (pl.col("type_id") == pair[1])
    )
    for attribute_id, name in (
        attrs.filter(pl.col("is_required")).select("attribute_id", "name").iter_rows()
    ):
        card.append(
            CheckSpec(
                f"required:{attribute_id}",
                f"не заполнена обязательная характеристика «{name}»",
                _attribute_owner(rules, attribute_id),
                e.ExpectColumnValuesToNotBeNull(column=f"a{attribute_id}"),
            )
        )
    values: list[CheckSpec] = []
    walked = attrs.filter((pl.col("dictionary_id") > 0) & (pl.col("dictionary_mode") == "walked"))
    for attribute_id, name in walked.select("attribute_id", "name").iter_rows():
        valid = dictionary.filter(
            (pl.col("description_category_id") == pair[0])
            & (pl.col("type_id") == pair[1])
            & (pl.col("attribute_id") == attribute_id)
        )["value_id"].to_list()
        values.append(
            CheckSpec(
                f"dictionary:{attribute_id}",
                f"значение характеристики «{name}» не из справочника Ozon (снято или изменено)",
                _attribute_owner(rules, attribute_id),
                e.ExpectColumnValuesToBeInSet(
                    column="dictionary_value_id",
                    value_set=valid,
                    row_condition=f"attribute_id=={attribute_id}",
                    condition_parser="pandas",
                ),
            )
        )
    return card, values


def _to_pandas(frame: pl.DataFrame) -> Any:
    """The frame as pandas without pyarrow (not installed here): column by column.

    Numbers go over numpy (nulls become NaN), text as Python objects; list columns are left
    out, since the suites read only scalar columns.
    """
    import pandas as pd

    data: dict[str, Any] = {}
    for name, dtype in frame.schema.items():
        series = frame[name]
        if dtype.is_numeric():
            data[name] = series.cast(pl.Float64).to_numpy()
        elif dtype == pl.String() or dtype == pl.Boolean():
            data[name] = series.to_list()
    return pd.DataFrame(data)


def _ge_context() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GE announces a temporary docs folder at INFO on every context; runs need none of it.
    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def _validate(
    context: Any, name: str, frame: pl.DataFrame, specs: list[CheckSpec]
) -> list[tuple[str, str, str, str]]:
    """Run `specs` as one suite on `frame`; (offer_id, check, reason, owner) per failed row."""
    import great_expectations as gx

    if not specs or frame.height == 0:
        return []
    columns = set(frame.columns)
    pandas = _to_pandas(frame)
    source = context.data_sources.add_or_update_pandas(f"cards_{name}")
    batch_def = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")
    suite = gx.ExpectationSuite(name=f"ozon_card_{name}")
    failures: list[tuple[str, str, str, str]] = []
    by_check: dict[str, CheckSpec] = {}
    for spec in specs:
        needed = {
            getattr(spec.expectation, attr, None) for attr in ("column", "column_A", "column_B")
        } - {None}
        if not needed <= columns:
            # A required characteristic nobody filled on any card has no column: all fail.
            if spec.check.startswith("required:"):
                failures.extend((o, spec.check, spec.reason, spec.owner) for o in frame["offer_id"])
            continue
        # The check name travels in the expectation's meta, so each result finds its spec.
        spec.expectation.meta = {"novex_check": spec.check}
        suite.add_expectation(spec.expectation)
        by_check[spec.check] = spec
    batch = batch_def.get_batch(batch_parameters={"dataframe": pandas})
    result = batch.validate(
        suite,
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["offer_id"]},
    )
    for outcome in result.results:
        spec = by_check[outcome.expectation_config.meta["novex_check"]]
        if outcome.success:
            continue
        rows = outcome.result.get("unexpected_index_list") or []
        if not rows and outcome.exception_info and outcome.exception_info.get("raised_exception"):
            raise RuntimeError(
                f"expectation {spec.check} could not run: "
                f"{outcome.exception_info.get('exception_message')}"
            )
        failures.extend((str(r["offer_id"]), spec.check, spec.reason, spec.owner) for r in rows)
    return failures


def run_card_checks(
    merged: MergedCards,
    model: pl.DataFrame,
    dictionary: pl.DataFrame,
    rules: CardFieldRules,
    *,
    log: Callable[[str], None] | None = None,
) -> CheckRun:
    """Build and run one suite per Ozon pair over the merged cards."""
    frame = check_frame(merged)
    context = _ge_context()
    failures: list[tuple[str, str, str, str]] = []
    suites = 0
    known_pairs = set(model.select(*PAIR).unique().iter_rows())
    # The rules every card meets run once over all cards; each pair then gets its own suite
    # from Ozon's model (GE's cost is per expectation, so nothing is repeated per pair).
    common = common_specs(rules)
    failures += _validate(context, "common", frame, common)
    expectations = len(common)
    for pair_frame in frame.partition_by(PAIR, maintain_order=True):
        pair = (int(pair_frame["description_category_id"][0]), int(pair_frame["type_id"][0]))
        if pair not in known_pairs:
            failures.extend(
                (
                    o,
                    "attribute_model",
                    "модель характеристик Ozon для категории не загружена",
                    OWNERS["mapping"],
                )
                for o in pair_frame["offer_id"]
            )
            continue
        card_specs, value_specs = pair_specs(pair, model, dictionary, rules)
        name = f"{pair[0]}_{pair[1]}"
        failures += _validate(context, name, pair_frame, card_specs)
        values = merged.values.join(pair_frame.select("offer_id"), on="offer_id", how="semi")
        failures += _validate(context, f"{name}_values", values, value_specs)
        expectations += len(card_specs) + len(value_specs)
        suites += 1
        if log is not None:
            count = len(card_specs) + len(value_specs)
            log(f"suite {name}: {pair_frame.height} cards, {count} expectations")
    failed = pl.DataFrame(failures, schema=CHECK_RESULT_SCHEMA, orient="row").unique(
        ["offer_id", "check"], maintain_order=True
    )
    failed = _explain_unmatched(failed, merged)
    per_card = (
        frame.select("offer_id")
        .join(
            failed.group_by("offer_id").agg(
                pl.struct("check", "reason", "owner").struct.json_encode().str.join(",").alias("f")
            ),
            on="offer_id",
            how="left",
        )
        .select(
            "offer_id",
            pl.col("f").is_null().alias("passed"),
            pl.format("[{}]", pl.col("f").fill_null("")).alias("failures"),
        )
    )
    return CheckRun(failures=failed, per_card=per_card, expectations=expectations, suites=suites)


def _explain_unmatched(failed: pl.DataFrame, merged: MergedCards) -> pl.DataFrame:
    """Say so when a required characteristic is empty because its value matched no entry."""
    if merged.unmatched.height == 0 or failed.height == 0:
        return failed
    unmatched = (
        merged.unmatched.group_by("offer_id", "attribute_id")
        .agg(pl.col("value").first().alias("unmatched_value"))
        .with_columns(pl.format("required:{}", "attribute_id").alias("check"))
    )
    return (
        failed.join(
            unmatched.select("offer_id", "check", "unmatched_value"),
            on=["offer_id", "check"],
            how="left",
        )
        .with_columns(
            pl.when(pl.col("unmatched_value").is_not_null())
            .then(
                pl.format(
                    "{} (значение «{}» не найдено в справочнике Ozon)", "reason", "unmatched_value"
                )
            )
            .otherwise(pl.col("reason"))
            .alias("reason")
        )
        .drop("unmatched_value")
    )


def failing_share(per_card: pl.DataFrame) -> float:
    """Share of cards with at least one failed check."""
    if per_card.height == 0:
        return 0.0
    return float((~per_card["passed"]).sum()) / per_card.height


def decode_failures(text: str) -> list[dict[str, str]]:
    """The stored JSON list of a card's failures."""
    return list(json.loads(text or "[]"))
