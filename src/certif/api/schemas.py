"""Shapes shared by several groups of endpoints."""

from __future__ import annotations

from typing import Generic, TypeVar

from ninja import Field, Schema
from pydantic import ConfigDict

T = TypeVar("T")


class Page(Schema, Generic[T]):
    """One page of a list: its items, the address of the next page (null on the last)."""

    items: list[T]
    next: str | None = Field(
        None, description="Adresse de la page suivante, filtres conservés ; null en fin de liste."
    )
    limit: int


class InputSchema(Schema):
    """A request body: an unknown field is refused (a misspelt one would otherwise be lost)."""

    model_config = ConfigDict(extra="forbid")
