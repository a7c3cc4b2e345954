"""Push notifications: what the sandbox sends to a seller's URL, and how it keeps trying.

Domains queue Ozon push payloads with ``AccountState.emit``; this package takes them in,
delivers them with Ozon's retry schedule and suspension rules, and answers the admin calls that
configure and inspect delivery (``ozon_sandbox.api.push``).
"""
