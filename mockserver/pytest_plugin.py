"""The pytest plugin (entry point `pytest11`): fixtures for users' own suites (being built)."""

from __future__ import annotations
