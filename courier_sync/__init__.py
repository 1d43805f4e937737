"""Courier sync: the task contract, the desktop-side relay and the sync service."""
