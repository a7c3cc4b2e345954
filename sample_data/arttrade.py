"""Art-Trade's exports for the generated assortment: content and characteristics, imperfect.

Art-Trade speaks Novex's own vocabulary ("Объем", "Тип волос", "Аромат") and spells values as
people type them, unlike Ozon's dictionaries: other case, ё for е, "250мл" for "250 мл",
synonyms ("без аромата" for "без запаха", "РФ" for "Россия"). A few % of products have no
images, some lack a characteristic Ozon requires, and a handful of rows are broken outright
(no offer, a duplicate, an image that is not a URL, an empty value) for the quarantine. The
values line up with the sandbox's dictionaries (`ozon_sandbox/catalog_seed/dictionaries.yaml`)
once normalised or mapped through synonyms, so a card can be built from them.
"""

from __future__ import annotations

import csv
import os
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import BaseModel

from resources.sources.arttrade import ARTTRADE_DIR
from resources.sources.files import FileDropSap

CONTENT_FILE = "content.csv"
CHARACTERISTICS_FILE = "characteristics.csv"
CONTENT_HEADER = ("offer_id", "name", "description", "image_urls")
CHARACTERISTICS_HEADER = ("offer_id", "attribute_name", "value")
IMAGE_HOST = "https://img.novex.example/catalog"
NO_IMAGES_SHARE = 0.03
MISSING_REQUIRED_SHARE = 0.05

Pick = Callable[[str, random.Random], str | None]


class ArtTradeSummary(BaseModel):
    """What `write_arttrade` wrote."""

    content_file: Path
    characteristics_file: Path
    offers: int
    characteristics: int
    without_images: int
    missing_required: int
    bad_rows: int


def _one(*values: str) -> Pick:
    return lambda name, rng: rng.choice(values)


def _by_qualifier(table: dict[str, tuple[str, ...]], default: tuple[str, ...] = ()) -> Pick:
    """A value chosen by the qualifier the product name contains (spelled in several ways)."""

    def pick(name: str, rng: random.Random) -> str | None:
        lowered = name.lower()
        for needle, values in table.items():
            if needle in lowered:
                return rng.choice(values)
        return rng.choice(default) if default else None

    return pick


_SIZE = re.compile(r"(\d+(?:,\d+)?)\s*(мл|л|г|кг|шт)\b")


def _volume(name: str, rng: random.Random) -> str | None:
    match = _SIZE.search(name)
    if match is None or match.group(2) not in ("мл", "л"):
        return None
    number, unit = match.groups()
    return rng.choice((f"{number} {unit}", f"{number}{unit}", f"{number} {unit}", number))


def _count(name: str, rng: random.Random) -> str | None:
    match = re.search(r"(\d+)\s*шт", name)
    if match is None:
        return None
    return rng.choice((f"{match.group(1)} шт", match.group(1)))


def _bag_volume(name: str, rng: random.Random) -> str | None:
    match = re.search(r"(\d+)\s*л\b", name)
    return None if match is None else rng.choice((f"{match.group(1)} л", f"{match.group(1)}л"))


_COUNTRY = _one("Россия", "Россия", "Россия", "россия", "РФ", "Германия", "Польша", "Китай")
_HOME_SCENT = _one("лимон", "Лимон", "лимонный", "яблоко", "лаванда", "хвоя", "без аромата")
_BODY_SCENT = _one("лаванда", "Кокос", "ваниль", "морской бриз", "мята", "без запаха", "Миндаль")
_PERFUME_SCENT = _one(
    "цветочные", "Древесные", "цитрусовые", "восточные", "фужерные", "цитрус", "пряные"
)
_HAIR_PURPOSE = {
    "окрашен": ("для окрашенных волос",),
    "перхот": ("от перхоти", "против перхоти"),
    "объём": ("для объёма", "для объема"),
    "восстанавлива": ("восстановление",),
    "блеск": ("для блеска",),
    "сух": ("увлажнение",),
}
_HAIR_TYPE = {
    "окрашен": ("окрашенные", "Окрашенные"),
    "сухих": ("сухие|повреждённые", "сухие|поврежденные"),
    "жирн": ("жирные", "Жирные"),
    "всех типов": ("для всех типов",),
    "тонк": ("тонкие",),
    "объём": ("тонкие",),
}

# Novex category -> (Novex characteristic name, required by the Ozon type it maps to, picker).
TRAITS: dict[str, tuple[tuple[str, bool, Pick], ...]] = {
    "CO-0101": (
        ("Объем", True, _volume),
        ("Тип волос", True, _by_qualifier(_HAIR_TYPE, ("для всех типов",))),
        ("Назначение", False, _by_qualifier(_HAIR_PURPOSE, ("ежедневный уход",))),
        ("Аромат", False, _BODY_SCENT),
        ("Страна производства", False, _COUNTRY),
    ),
    "CO-0102": (
        ("Объем", True, _volume),
        ("Тип волос", False, _by_qualifier(_HAIR_TYPE, ("для всех типов",))),
        ("Назначение", False, _by_qualifier(_HAIR_PURPOSE, ("восстановление",))),
        ("Страна производства", False, _COUNTRY),
    ),
    "CO-0103": (
        ("Объем", True, _volume),
        ("Назначение", False, _one("восстановление", "питание волос", "увлажнение")),
        ("Страна производства", False, _COUNTRY),
    ),
    "CO-0201": (
        ("Объем", True, _volume),
        (
            "Тип кожи",
            True,
            _by_qualifier(
                {"матир": ("жирная", "Жирная"), "морщин": ("зрелая",)},
                ("для всех типов", "нормальная", "сухая"),
            ),
        ),
        (
            "Назначение",
            False,
            _by_qualifier(
                {"увлажн": ("увлажнение",), "морщин": ("антивозрастной уход",)}, ("питание",)
            ),
        ),
        ("Страна производства", False, _COUNTRY),
    ),
    "CO-0202": (
        ("Объем", False, _volume),
        ("Тип кожи", False, _one("сухая", "для всех типов", "чувствительная")),
        ("Назначение", False, _by_qualifier({"увлажн": ("увлажнение",)}, ("питание",))),
        ("Аромат", False, _BODY_SCENT),
    ),
    "CO-0301": (
        ("Цвет", True, _one("красный", "Красный", "розовый", "бордовый", "коричневый", "бежевый")),
        ("Финиш", False, _one("матовый", "глянцевый", "сатиновый", "Кремовый")),
        ("Форма выпуска", False, _one("стик", "жидкая", "Карандаш")),
    ),
    "CO-0302": (
        ("Цвет", True, _one("черный", "чёрный", "Черный", "коричневый", "синий")),
        (
            "Эффект туши",
            True,
            _by_qualifier(
                {
                    "объём": ("объём|удлинение", "объем|удлинение"),
                    "подкруч": ("подкручивание",),
                    "водостойк": ("водостойкость",),
                    "разделя": ("разделение",),
                }
            ),
        ),
    ),
    "CO-0401": (
        ("Объем", True, _volume),
        ("Аромат", False, _BODY_SCENT),
        ("Пол", False, _by_qualifier({"мужчин": ("мужской", "муж.")}, ("женский", "унисекс"))),
    ),
    "CO-0403": (
        (
            "Форма выпуска",
            True,
            _by_qualifier(
                {"спрей": ("спрей",), "ролик": ("роликовый", "ролик"), "стик": ("стик",)}
            ),
        ),
        (
            "Пол",
            True,
            _by_qualifier(
                {"мужск": ("мужской", "Мужской", "для мужчин"), "женск": ("женский", "жен.")},
                ("унисекс",),
            ),
        ),
        ("Объем", False, _volume),
        ("Аромат", False, _BODY_SCENT),
    ),
    "PF-0101": (
        ("Объем", True, _volume),
        ("Пол", True, _one("женский", "Женский", "для женщин")),
        ("Аромат", True, _PERFUME_SCENT),
        ("Страна производства", False, _one("Франция", "Италия", "франция", "ОАЭ")),
    ),
    "PF-0102": (
        ("Объем", True, _volume),
        ("Пол", True, _one("мужской", "Мужской", "для мужчин")),
        ("Аромат", True, _PERFUME_SCENT),
        ("Страна производства", False, _one("Франция", "Италия", "Испания")),
    ),
    "PF-0201": (
        ("Объем", True, _volume),
        (
            "Пол",
            True,
            _by_qualifier(
                {"женск": ("женский",), "мужск": ("мужской",), "унисекс": ("унисекс", "Унисекс")}
            ),
        ),
        ("Аромат", True, _PERFUME_SCENT),
    ),
    "HC-0101": (
        ("Форма выпуска", True, _one("порошок", "Порошок")),
        ("Тип стирки", True, _one("машинная", "машинная|ручная", "Машинная", "автомат")),
        (
            "Назначение",
            True,
            _by_qualifier(
                {
                    "белого": ("для белого белья",),
                    "цветного": ("для цветного белья",),
                    "детского": ("для детского белья",),
                    "универсал": ("универсальное", "универсальный"),
                }
            ),
        ),
        ("Аромат", False, _HOME_SCENT),
    ),
    "HC-0102": (
        (
            "Форма выпуска",
            True,
            _by_qualifier({"капсул": ("капсулы",)}, ("гель", "Гель")),
        ),
        ("Тип стирки", True, _one("машинная", "машинная|ручная")),
        (
            "Назначение",
            True,
            _by_qualifier(
                {
                    "цветного": ("для цветного белья",),
                    "чёрного": ("для чёрного белья", "для черного белья"),
                    "шерсти": ("для деликатных тканей",),
                    "универсал": ("универсальное",),
                }
            ),
        ),
    ),
    "HC-0201": (
        ("Объем", True, _volume),
        (
            "Форма выпуска",
            True,
            _by_qualifier({"концентрат": ("концентрат",)}, ("гель", "Гель", "жидкость")),
        ),
        ("Аромат", False, _HOME_SCENT),
    ),
    "HC-0202": (
        ("Форма выпуска", True, _one("таблетки", "порошок")),
        ("Аромат", False, _one("без запаха", "лимон")),
    ),
    "HC-0301": (
        ("Объем", True, _volume),
        (
            "Назначение",
            True,
            _by_qualifier(
                {"кухн": ("для кухни",), "ванн": ("для ванной и туалета",)},
                ("от известкового налёта", "антижир"),
            ),
        ),
        ("Аромат", False, _HOME_SCENT),
    ),
    "HC-0302": (
        ("Объем", True, _volume),
        ("Назначение", True, _one("для стекол и зеркал", "для стёкол и зеркал")),
    ),
    "HG-0101": (
        ("Количество в упаковке", True, _count),
        ("Материал", True, _one("поролон", "микрофибра", "Целлюлоза", "поролон|микрофибра")),
        ("Цвет", False, _one("желтый", "жёлтый", "зеленый", "синий", "разноцветный")),
    ),
    "HG-0201": (
        ("Объем мешка", True, _bag_volume),
        ("Количество в упаковке", True, _count),
        ("Цвет", False, _one("черный", "чёрный", "синий", "зеленый")),
    ),
    "HY-0101": (
        ("Объем", True, _volume),
        (
            "Назначение",
            True,
            _by_qualifier(
                {
                    "отбелива": ("отбеливание",),
                    "чувствит": ("для чувствительных зубов",),
                    "комплекс": ("защита от кариеса", "свежее дыхание"),
                    "детская": ("защита от кариеса",),
                }
            ),
        ),
        ("Возраст", False, _by_qualifier({"детская": ("3+", "от 3 лет")}, ("12+",))),
        ("Аромат", False, _one("мята", "Мята", "мятный")),
    ),
    "HY-0102": (
        (
            "Жесткость щетины",
            True,
            _by_qualifier(
                {
                    "средней": ("средняя", "Средняя"),
                    "мягкая": ("мягкая",),
                    "детская": ("очень мягкая",),
                },
                ("средняя",),
            ),
        ),
        ("Цвет", False, _one("белый", "синий", "зеленый", "розовый")),
    ),
}
# Everything else (nail polish, soap, diapers, razors ...) gets generic characteristics only:
# those Novex categories match no Ozon type of the sandbox well.
_GENERIC: tuple[tuple[str, bool, Pick], ...] = (("Страна производства", False, _COUNTRY),)

_DESCRIPTIONS = (
    "{name}. Подходит для ежедневного использования.",
    "{name} — проверенное качество от {brand}.",
    "Продукт {brand}: {name}. Хранить при температуре от +5 до +25 °C.",
)


def _images(offer_id: str, rng: random.Random) -> str:
    count = rng.choice((1, 1, 2, 3, 4))
    return " | ".join(f"{IMAGE_HOST}/{offer_id}/{n}.jpg" for n in range(1, count + 1))


def _write(path: Path, header: tuple[str, ...], rows: Iterator[list[str]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    written = 0
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            written += 1
    os.replace(tmp, path)
    return written


def write_arttrade(out_dir: Path, seed: int, *, bad_rows: bool = True) -> ArtTradeSummary:
    """Write `arttrade/content.csv` and `arttrade/characteristics.csv` for the SAP products.

    Reads the SAP assortment already written under `out_dir`, so the two always agree.
    """
    products = (
        FileDropSap(out_dir)
        .read_assortment()
        .frame.select("offer_id", "name", "brand", "category_code")
    )
    rng = random.Random(f"{seed}:arttrade")
    directory = Path(out_dir) / ARTTRADE_DIR
    stats = {"without_images": 0, "missing_required": 0, "bad": 0, "chars": 0}
    rows = list(products.iter_rows())
    planted = rng.sample(range(len(rows)), k=min(3, len(rows))) if bad_rows else []

    def content_rows() -> Iterator[list[str]]:
        for i, (offer_id, name, brand, _code) in enumerate(rows):
            images = "" if rng.random() < NO_IMAGES_SHARE else _images(offer_id, rng)
            stats["without_images"] += not images
            template = rng.choice(_DESCRIPTIONS)
            description = template.format(name=name, brand=brand or "Novex")
            if i in planted:
                stats["bad"] += 1
                kind = planted.index(i)
                if kind == 0:
                    yield ["", name, description, images]  # no offer
                elif kind == 1:  # the product's only row, broken: its content is held back
                    yield [offer_id, name, description, "htp://img.novex/broken.jpg"]
                    continue
                else:
                    yield [offer_id, f"{name} (дубль)", description, images]  # duplicate below
            yield [offer_id, name, description, images]

    def characteristic_rows() -> Iterator[list[str]]:
        for i, (offer_id, name, _brand, code) in enumerate(rows):
            traits = TRAITS.get(code, _GENERIC)
            skip_required = rng.random() < MISSING_REQUIRED_SHARE
            required = [t for t in traits if t[1]]
            skipped = rng.choice(required)[0] if skip_required and required else None
            stats["missing_required"] += skipped is not None
            emitted: list[str] = []
            for attribute_name, _required, pick in traits:
                value = pick(name, rng)
                if value is None or attribute_name == skipped:
                    continue
                stats["chars"] += 1
                emitted.append(attribute_name)
                yield [offer_id, attribute_name, value]
            if bad_rows and planted and i == planted[0] and emitted:
                stats["bad"] += 2
                yield [offer_id, "Состав", ""]  # empty value
                yield [offer_id, emitted[0], "повтор"]  # the same characteristic twice

    content_path = directory / CONTENT_FILE
    chars_path = directory / CHARACTERISTICS_FILE
    offers = _write(content_path, CONTENT_HEADER, content_rows())
    _write(chars_path, CHARACTERISTICS_HEADER, characteristic_rows())
    return ArtTradeSummary(
        content_file=content_path,
        characteristics_file=chars_path,
        offers=offers,
        characteristics=stats["chars"],
        without_images=stats["without_images"],
        missing_required=stats["missing_required"],
        bad_rows=stats["bad"],
    )
