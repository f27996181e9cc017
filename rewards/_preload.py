"""Imported once by the sandbox pool's forkserver: loads the task library so workers fork ready."""

from bootcamp.registry import REGISTRY

REGISTRY.load_plugins()
