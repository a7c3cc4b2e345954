"""FBS postings in the sandbox: the posting state model, buyer orders, packing, marks, labels.

Other domains (handover, delivery, returns) build on :mod:`ozon_sandbox.postings.model`.
"""
