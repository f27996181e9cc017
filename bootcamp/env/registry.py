"""The environments registry: ids -> :class:`~bootcamp.env.environment.Environment` instances.

Built-in environments live in ``tasks/envs/`` (every module there registers its own); plugins
register through the ``bootcamp.environments`` entry-point group. Ids look like task ids
(``domain/name``) and live in their own namespace.
"""

from __future__ import annotations

from bootcamp.env.environment import Environment
from bootcamp.extension import ExtensionRegistry, RegistrationError
from bootcamp.registry import validate_task_id

ENVIRONMENTS: ExtensionRegistry[Environment] = ExtensionRegistry(
    "environment", "environment", package="tasks.envs", entry_points="bootcamp.environments")


def register_env(env: Environment) -> Environment:
    """Register an environment instance under its ``env_id`` (checked like a task id)."""
    if not isinstance(env, Environment):
        raise RegistrationError(f"{env!r} is not a bootcamp.env.Environment")
    validate_task_id(env.env_id)
    for name in env.tools:
        if not isinstance(name, str):
            raise RegistrationError(f"{env.env_id}: tool names must be strings, got {name!r}")
    return ENVIRONMENTS.add(env.env_id, env)


def get_env(env_id: str) -> Environment:
    """The environment ``env_id`` (an unknown id lists the known ones)."""
    return ENVIRONMENTS.get(env_id)
