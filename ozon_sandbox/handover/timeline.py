"""Delays of the handover and return processes, in sandbox seconds.

Ozon publishes none of these numbers; they are plausible orders of magnitude chosen so a test
can walk a whole shipment with a few clock advances. Every process reads them from here.
"""

from __future__ import annotations

# Documents (shipping list, waybill, barcode) are formed shortly after an act is confirmed.
ACT_FORMING_SECONDS = 60.0
# A posting packed moments ago cannot join a shipment yet (Ozon: ``package_time_not_passed``).
PACKAGE_SETTLE_SECONDS = 60.0
# Acceptance at the drop-off point after the handover, until the carriage is closed.
ACCEPTANCE_SECONDS = 2 * 3600.0
# Handover → on the way to the pickup point → in the pickup point → delivered.
TO_PICKUP_POINT_SECONDS = 24 * 3600.0
IN_PICKUP_POINT_SECONDS = 24 * 3600.0
PICKUP_WAIT_SECONDS = 12 * 3600.0
# A delivered posting that will be returned is handed back by the buyer this long after delivery.
CLIENT_RETURN_AFTER_SECONDS = 24 * 3600.0
# Return on its way to the seller's drop-off point, then waiting there for the seller.
RETURN_TRANSIT_SECONDS = 48 * 3600.0
RETURN_PICKUP_WAIT_SECONDS = 72 * 3600.0
# Storage at the drop-off point is free for this long after arrival, then billed per day.
RETURN_FREE_STORAGE_SECONDS = 7 * 24 * 3600.0
