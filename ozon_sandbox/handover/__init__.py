"""Handover and returns in the sandbox: shipments (acts, carriages), delivery, FBS returns.

``model`` holds the per-account state, ``timeline`` the documented delays, ``postings_port``
the narrow view of the postings domain this package reads and moves, ``logic`` the rules the
API handlers and the time ticks share.
"""
