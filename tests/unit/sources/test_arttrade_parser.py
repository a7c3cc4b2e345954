"""Art-Trade's messy exports: bad rows quarantined with file, line and reason, the rest loads."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from resources.sources.arttrade import FileDropArtTrade
from resources.sources.errors import SourceFileError


def _drop(tmp_path: Path, name: str, text: str, encoding: str = "utf-8-sig") -> None:
    folder = tmp_path / "arttrade"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(text.encode(encoding))


def test_messy_content_and_characteristics(tmp_path: Path) -> None:
    _drop(
        tmp_path,
        "content_20261201.csv",
        "offer_id;name;description;image_urls\r\n"
        'NVX-1;Шампунь «Ромашка» 250 мл;"Мягкий шампунь;\r\nдля всей семьи";'
        "https://img.example.ru/1.jpg | https://img.example.ru/2.jpg\r\n"
        "NVX-2;Крем для рук;;\r\n"
        ";;;\r\n"
        ";Без артикула;;https://img.example.ru/x.jpg\r\n"
        "NVX-3;Гель;;img.example.ru/3.jpg\r\n"
        "NVX-4;Бальзам;;https://img.example.ru/4a.jpg\nhttps://img.example.ru/4b.jpg\r\n"
        "NVX-2;Крем для рук (повтор);;\r\n",
    )
    _drop(
        tmp_path,
        "characteristics_20261201.csv",
        "offer_id,attribute_name,value\r\n"
        "NVX-1,Объем,250мл\r\n"
        "NVX-1,Тип волос,Сухие|повреждённые\r\n"
        "NVX-1,Объем,250 мл\r\n"
        "NVX-2,Страна производства,\r\n"
        ",Объем,100\r\n"
        "NVX-9,Аромат,лаванда\r\n",
        encoding="cp1251",
    )
    batch = FileDropArtTrade(tmp_path).read_content()

    content = {r["offer_id"]: r for r in batch.content.iter_rows(named=True)}
    assert set(content) == {"NVX-1", "NVX-2", "NVX-4"}
    assert content["NVX-1"]["description"] == "Мягкий шампунь;\nдля всей семьи"
    assert content["NVX-1"]["image_urls"] == [
        "https://img.example.ru/1.jpg",
        "https://img.example.ru/2.jpg",
    ]
    assert content["NVX-2"]["image_urls"] == [] and content["NVX-2"]["description"] is None
    assert batch.content.schema["image_urls"] == pl.List(pl.String)
    assert content["NVX-1"]["line"] == 2 and content["NVX-2"]["line"] == 4
    # An unquoted line break cuts a row in two: the first half loads, the rest is reported.
    assert content["NVX-4"]["image_urls"] == ["https://img.example.ru/4a.jpg"]

    chars = batch.characteristics.select("offer_id", "attribute_name", "value").rows()
    assert chars == [
        ("NVX-1", "Объем", "250мл"),
        ("NVX-1", "Тип волос", "Сухие|повреждённые"),
        ("NVX-9", "Аромат", "лаванда"),  # content may come later: kept
    ]
    reasons = {(q.file, q.line): q.reason for q in batch.quarantined}
    assert reasons == {
        ("content_20261201.csv", 6): "offer_id is empty",
        (
            "content_20261201.csv",
            7,
        ): "image_urls has 'img.example.ru/3.jpg', which is not an http(s) URL",
        ("content_20261201.csv", 9): "the line has 1 fields, the header has 4 (separator ';')",
        ("content_20261201.csv", 10): "duplicate offer_id 'NVX-2' (first on line 4)",
        ("characteristics_20261201.csv", 4): "duplicate offer_id/attribute_name 'NVX-1/Объем' "
        "(first on line 2)",
        ("characteristics_20261201.csv", 5): "value is empty",
        ("characteristics_20261201.csv", 6): "offer_id is empty",
    }
    raw = {q.line: q.raw for q in batch.quarantined if q.file.startswith("content")}
    assert raw[7] == "NVX-3;Гель;;img.example.ru/3.jpg"
    assert batch.files == ["content_20261201.csv", "characteristics_20261201.csv"]


def test_the_newest_export_is_read_and_a_missing_one_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError, match="no Art-Trade content export"):
        FileDropArtTrade(tmp_path).read_content()
    _drop(tmp_path, "content_1.csv", "offer_id;name;description;image_urls\nA;Старое;;\n")
    _drop(tmp_path, "content_2.csv", "offer_id;name;description;image_urls\nA;Новое;;\n")
    batch = FileDropArtTrade(tmp_path).read_content()
    assert batch.content["name"].to_list() == ["Новое"]
    assert batch.characteristics.is_empty()
    _drop(tmp_path, "content_3.csv", "offer_id;name\nA;Без колонок\n")
    with pytest.raises(SourceFileError, match="missing required columns: description, image_urls"):
        FileDropArtTrade(tmp_path).read_content()


def test_a_duplicate_of_a_quarantined_row_says_so(tmp_path: Path) -> None:
    _drop(
        tmp_path,
        "content.csv",
        "offer_id;name;description;image_urls\n"
        "A;Шампунь;;ftp://old/1.jpg\n"
        "A;Шампунь;;https://img.example.ru/1.jpg\n",
    )
    batch = FileDropArtTrade(tmp_path).read_content()
    assert batch.content.is_empty()
    assert [q.reason for q in batch.quarantined] == [
        "image_urls has 'ftp://old/1.jpg', which is not an http(s) URL",
        "duplicate offer_id 'A' (first on line 2, itself quarantined)",
    ]


@pytest.mark.parametrize(
    ("encoding", "line_end"),
    [("utf-16", "\r"), ("utf-16", "\r\n"), ("utf-8-sig", "\r"), ("cp1251", "\n")],
)
def test_a_bad_line_keeps_its_text_in_any_encoding_and_line_end(
    tmp_path: Path, encoding: str, line_end: str
) -> None:
    lines = [
        "offer_id;name;description;image_urls",
        "A1;Шампунь;;https://img.example.ru/1.jpg",
        'A2;"Крем Нежный;;https://img.example.ru/2.jpg',  # a stray quote
        "A3;Гель;;img.example.ru/3.jpg",  # not a URL: set aside after parsing
        "A4;Мыло «Ёлка»;;https://img.example.ru/4.jpg",
    ]
    _drop(tmp_path, "content.csv", line_end.join(lines) + line_end, encoding)
    batch = FileDropArtTrade(tmp_path).read_content()
    assert batch.content.select("offer_id", "line").rows() == [("A1", 2), ("A4", 5)]
    bad = {q.line: q for q in batch.quarantined}
    assert set(bad) == {3, 4}
    assert all(q.file == "content.csv" for q in bad.values())
    assert bad[3].raw == lines[2] and "quot" in bad[3].reason
    assert bad[4].raw == lines[3]
    assert bad[4].reason == "image_urls has 'img.example.ru/3.jpg', which is not an http(s) URL"


def test_export_names_match_in_any_case_and_strays_are_listed(tmp_path: Path) -> None:
    _drop(tmp_path, "CONTENT_20261202.CSV", "offer_id;name;description;image_urls\nA;Новое;;\n")
    _drop(tmp_path, "Characteristics.Csv", "offer_id;attribute_name;value\nA;Объем;250 мл\n")
    _drop(tmp_path, "content_old.txt", "offer_id;name;description;image_urls\nA;Не то;;\n")
    _drop(tmp_path, ".content_tmp.csv", "offer_id;name;description;image_urls\nA;Пишется;;\n")
    source = FileDropArtTrade(tmp_path)
    names = [v.split("@", 1)[0] for v in source.current_versions()]
    assert names == ["CONTENT_20261202.CSV", "Characteristics.Csv"]
    batch = source.read_content()
    assert batch.content["name"].to_list() == ["Новое"]
    assert batch.characteristics["value"].to_list() == ["250 мл"]
    assert [f.name for f in source.ignored_files()] == ["content_old.txt"]
