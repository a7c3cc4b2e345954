"""A batch of inbox messages for one `orders_process` run: claimed by id, parsed, counted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pydantic import ValidationError

from resources.ozon.push import parse_push
from resources.store.inbox import InboxMessage, InboxRepo


@dataclass
class InboxBatch:
    """The messages handed to the orders assets, and those that could not even be parsed."""

    messages: list[InboxMessage] = field(default_factory=list)
    unparsable: int = 0

    def counts_by_type(self) -> dict[str, int]:
        """Messages per Ozon message type."""
        return dict(sorted(Counter(m.message_type for m in self.messages).items()))


def claim_batch(repo: InboxRepo, *, up_to_id: int | None, limit: int) -> InboxBatch:
    """Pending (and retryable failed) messages up to ``up_to_id``, oldest first, parsed.

    A stored payload that no longer parses (the receiver validated it on arrival, so only a
    model change can cause this) is marked failed with the reason rather than stopping the batch.
    """
    batch = InboxBatch()
    for message in repo.pending(up_to_id=up_to_id, limit=limit):
        try:
            message.parsed = parse_push(message.payload)
        except (ValueError, ValidationError) as exc:
            repo.mark_failed(message.id, f"payload does not parse: {exc}")
            batch.unparsable += 1
            continue
        batch.messages.append(message)
    return batch
