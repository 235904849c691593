"""Reproducible demonstration data: candidates and score sheets, generated from a référentiel."""
