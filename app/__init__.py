"""Dispatch Desk operator workspace (PySide6); the only package that imports Qt widgets."""
