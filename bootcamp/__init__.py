"""bootcamp: an RL gym and reward service for training language models on science.

The SDK: the :class:`Task` contract, the :class:`Problem` and :class:`Verdict`
types, the registry with plugin discovery, and the conformance checker.
Importing it stays light: no torch, ray, rdkit or pymatgen.
"""

from bootcamp.checker import CheckReport, check_task
from bootcamp.domains import domains, register_domain
from bootcamp.extract import extract_answer, find_answer, wrap_answer
from bootcamp.registry import (
    DOMAINS,
    REGISTRY,
    RegistrationError,
    Registry,
    UnknownTaskError,
    get_task,
    list_tasks,
    register,
)
from bootcamp.rewardspec import RewardPart, RewardSpec, register_reward_kind, reward_kinds
from bootcamp.task import Task
from bootcamp.types import Part, Problem, Score, Verdict, invalid

__version__ = "0.1.0"

__all__ = [
    "DOMAINS",
    "REGISTRY",
    "CheckReport",
    "Part",
    "Problem",
    "RegistrationError",
    "Registry",
    "RewardPart",
    "RewardSpec",
    "Score",
    "Task",
    "UnknownTaskError",
    "Verdict",
    "check_task",
    "domains",
    "extract_answer",
    "find_answer",
    "get_task",
    "invalid",
    "list_tasks",
    "register",
    "register_domain",
    "register_reward_kind",
    "reward_kinds",
    "verify",
    "wrap_answer",
]


def verify(task_id: str, response: str, identity: dict) -> Verdict:
    """Score ``response`` to the problem ``identity`` of task ``task_id``."""
    return get_task(task_id).verify(response, identity)
