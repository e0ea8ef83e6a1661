"""Commands for interview data: template, synth."""

from __future__ import annotations
