"""The ``bootcamp serve`` command (added to the CLI through the bootcamp.commands entry point)."""

from typing import Any


def add_commands(app: Any) -> None:
    """Add the reward-service commands to the root CLI app."""
