"""Readers for each source format; each returns `ChamberBatch`es or raises `ImportRefused`."""
