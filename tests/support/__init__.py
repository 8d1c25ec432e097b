"""Shared test helpers (the X-Platform simulator fixture)."""

from __future__ import annotations
