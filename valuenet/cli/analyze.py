"""The analyze command: where the firm adds and destroys value."""

from __future__ import annotations
