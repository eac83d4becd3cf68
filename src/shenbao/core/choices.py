"""Django choices from plain enums plus translated labels, so values are defined once."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from django.utils.functional import Promise

E = TypeVar("E", bound=StrEnum)


def choices(labels: Mapping[E, Promise]) -> list[tuple[str, Promise]]:
    return [(key.value, label) for key, label in labels.items()]


def label(labels: Mapping[E, Promise], value: str, enum: type[E]) -> str:
    """The translated label of ``value``; the value itself if it is unknown."""
    try:
        return str(labels[enum(value)])
    except (ValueError, KeyError):
        return value
