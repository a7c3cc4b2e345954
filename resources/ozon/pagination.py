"""Pagination written once for Ozon's three styles: cursor, last_id and last_value_id.

A ``Paged`` is a re-iterable view: iterating yields items, ``pages()`` yields the raw page
models, and every iteration walks again from the first page. Walks also stop if Ozon hands back
the token it was just given, so a misbehaving endpoint cannot loop forever.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from resources.ozon import constants

logger = logging.getLogger(constants.LOGGER_NAME)

PageT = TypeVar("PageT")
ItemT = TypeVar("ItemT")
TokenT = TypeVar("TokenT")


class _Stop:
    """Marker returned by a step function when the walk is over."""


STOP = _Stop()


class Paged(Generic[PageT, ItemT]):
    """Items of a paginated Ozon method, fetched lazily page by page."""

    def __init__(self, walker: Callable[[], Iterator[tuple[PageT, Sequence[ItemT]]]]) -> None:
        self._walker = walker

    def pages(self) -> Iterator[PageT]:
        """Walk the raw pages (as Ozon returned them) from the first one."""
        for page, _items in self._walker():
            yield page

    def __iter__(self) -> Iterator[ItemT]:
        for _page, items in self._walker():
            yield from items

    def to_list(self) -> list[ItemT]:
        """Every item of every page."""
        return list(self)


def walk(
    fetch: Callable[[TokenT], PageT],
    items: Callable[[PageT], Sequence[ItemT]],
    advance: Callable[[PageT, Sequence[ItemT], int], TokenT | _Stop],
    first: TokenT,
) -> Paged[PageT, ItemT]:
    """Generic walk: ``advance(page, page_items, seen_so_far)`` gives the next token or STOP."""

    def walker() -> Iterator[tuple[PageT, Sequence[ItemT]]]:
        token = first
        seen = 0
        while True:
            page = fetch(token)
            page_items = items(page)
            seen += len(page_items)
            yield page, page_items
            following = advance(page, page_items, seen)
            if isinstance(following, _Stop):
                return
            if following == token:
                logger.warning("pagination: next page token repeats the current one; stopping")
                return
            token = following

    return Paged(walker)


def cursor_pages(
    fetch: Callable[[str], PageT], items: Callable[[PageT], Sequence[ItemT]]
) -> Paged[PageT, ItemT]:
    """Cursor style: echo ``cursor``; stop on ``has_next`` false, an empty cursor or empty page."""

    def advance(page: PageT, page_items: Sequence[ItemT], seen: int) -> str | _Stop:
        cursor: str = getattr(page, "cursor", "") or ""
        has_next: bool | None = getattr(page, "has_next", None)
        total: int = getattr(page, "total", 0) or 0
        if has_next is False or not cursor or not page_items:
            return STOP
        if has_next is None and total and seen >= total:
            return STOP
        return cursor

    return walk(fetch, items, advance, "")


def last_id_pages(
    fetch: Callable[[Any], PageT],
    items: Callable[[PageT], Sequence[ItemT]],
    last_id: Callable[[PageT], str | int | None],
    total: Callable[[PageT], int | None] = lambda _page: None,
    first: str | int = "",
) -> Paged[PageT, ItemT]:
    """last_id style: echo ``last_id``; stop on an empty page, an empty id or the total reached."""

    def advance(page: PageT, page_items: Sequence[ItemT], seen: int) -> str | int | _Stop:
        following = last_id(page)
        count = total(page)
        if not page_items or following in (None, "", 0) or (count and seen >= count):
            return STOP
        return following

    return walk(fetch, items, advance, first)


def last_value_id_pages(
    fetch: Callable[[int], PageT],
    items: Callable[[PageT], Sequence[ItemT]],
    value_id: Callable[[ItemT], int],
) -> Paged[PageT, ItemT]:
    """last_value_id style (attribute dictionaries): next page starts after the last item's id."""

    def advance(page: PageT, page_items: Sequence[ItemT], seen: int) -> int | _Stop:
        if not page_items or getattr(page, "has_next", None) is False:
            return STOP
        return value_id(page_items[-1])

    return walk(fetch, items, advance, 0)


def chain(parts: Iterable[Paged[PageT, ItemT]]) -> Paged[PageT, ItemT]:
    """One view over several walks (e.g. one walk per chunk of 1000 ids)."""
    materialised = list(parts)

    def walker() -> Iterator[tuple[PageT, Sequence[ItemT]]]:
        for part in materialised:
            yield from part._walker()

    return Paged(walker)
