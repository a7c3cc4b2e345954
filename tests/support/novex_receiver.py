"""Our push receiver served in a thread on a free port, configured as `novex push-receiver` is."""

from __future__ import annotations

from resources.push_receiver.server import BackgroundReceiver as ReceiverServer

__all__ = ["ReceiverServer"]
