from __future__ import annotations

from collections.abc import Iterator

import pytest

from resources.store.store import Store


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A migrated, empty store on each backend."""
    cms = Store(store_url).migrate()
    try:
        yield cms
    finally:
        cms.dispose()
