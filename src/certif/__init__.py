"""Certif: run a French professional certification end to end."""

__version__ = "0.1.0"
