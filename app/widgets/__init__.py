"""The workspace widgets: each file lays out one screen part and forwards keys to view models."""
