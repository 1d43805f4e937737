"""Helpers shared by every test package: log checking, waiting on conditions."""
