"""Commands that write HTML: view and report."""

from __future__ import annotations
