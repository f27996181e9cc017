"""Imported once by the sandbox pool's forkserver: loads the task library so workers fork ready."""

from bootcamp.registry import REGISTRY

REGISTRY.load_plugins()

# Environments too: the first episode graded in a fresh worker must not import its module inside the deadline.
from bootcamp.env.registry import ENVIRONMENTS  # noqa: E402

ENVIRONMENTS.names()
