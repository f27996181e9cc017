"""Register reasoning-gym datasets as bootcamp tasks (optional dependency: ``pip install reasoning-gym``).

A problem's identity is ``{"dataset", "seed", "index", "size"}``: the verifier
rebuilds the same entry from it (reasoning-gym datasets are procedural and
deterministic per seed and index), so identities stay small and plain JSON
whatever metadata a dataset keeps. :func:`register_datasets` registers only
the datasets that pass its checks (reference answers, deterministic rebuilds,
also under another ``PYTHONHASHSEED``, and ``bootcamp.check_task``) and lists
the others with their reason; :func:`register_from_env` is the plugin hook
(``BOOTCAMP_REASONING_GYM=all``). See ``docs/adapters.md``.

Some datasets' ``score_answer`` evaluates the model's text (``eval``,
``sympy.parse_expr``): :data:`EVALUATING_DATASETS`. Whatever process evaluates
attacker text can forge what that process reports (a score line written to its
output, an early exit), so model text never reaches those scorers: the answer
is parsed by that dataset's strict grammar (:mod:`bootcamp.compat.rg_safe`,
no evaluation) and re-printed from the checked tree; an answer outside the
grammar is ``invalid_answer`` (score 0, no process started). Only the
re-printed text is scored, and still in the code sandbox
(``bootcamp.verifiers.sandbox``) as defence in depth: a child Python under
bubblewrap imports reasoning-gym, rebuilds the entry and calls
``score_answer``, with rlimits and a hard deadline (``SCORE_TIMEOUT_S`` after
its imports); a hung or killed scorer gives ``timeout``, a sandbox failure
``verifier_error``. When isolation is unavailable those datasets give
``verifier_error`` unless ``BOOTCAMP_UNSAFE_SANDBOX=1``. The parity task
follows reasoning-gym's scores except there: an answer outside the grammar
scores 0 where reasoning-gym may give 0.01. Every other dataset is scored
in-process: the list comes from reading reasoning-gym 0.1.25's scorers
(``grep`` for ``eval``, ``exec``, ``parse_expr``, ``sympify`` on the answer);
re-check it when upgrading reasoning-gym, and give a dataset added here a
grammar in ``rg_safe``.
"""

from __future__ import annotations

import functools
import os
import random
import time
from typing import Any

from bootcamp.compat.rg_safe import SAFE_FORMS, safe_answer
from bootcamp.compat.rg_validation import (
    FAST_PROBES,
    KNOWN_REFUSED,
    NOT_DETERMINISTIC_ACROSS_PROCESSES,
    Registration,
    Skipped,
    check_builds,
    check_conformance,
    child_fingerprints,
)
from bootcamp.extension import RegistrationError
from bootcamp.registry import REGISTRY, Registry
from bootcamp.task import Task
from bootcamp.types import Score, Verdict, invalid

#: reasoning-gym package (first level under ``reasoning_gym.``) -> our domain.
DOMAIN_OF_PACKAGE = {
    "arithmetic": "math", "algebra": "math", "geometry": "math", "probability": "math",
    "code": "code", "graphs": "logic", "games": "logic", "logic": "logic", "cognition": "logic",
    "algorithmic": "logic", "arc": "logic", "induction": "logic", "composite": "logic",
}
#: Entries drawn from per dataset seed; a problem seed picks a dataset seed and an index.
DATASET_SIZE = 10_000
MAX_ANSWER_CHARS = 20_000
#: Datasets whose ``score_answer`` evaluates model text: scored in the sandbox, never in-process.
EVALUATING_DATASETS = frozenset({
    "countdown", "puzzle24", "n_queens", "binary_matrix", "spiral_matrix", "string_insertion",
    "simple_integration", "intermediate_integration", "polynomial_multiplication",
})
#: Seconds a sandboxed scorer may take after its imports; start-up (importing reasoning-gym) gets its own.
SCORE_TIMEOUT_S = 3.0
#: Entries drawn at most per problem of an evaluating dataset until one's reference answer fits its grammar.
MAX_REDRAWS = 20
SCORE_START_S = 20.0
SCORE_MEMORY_MB = 2048


@functools.lru_cache(maxsize=256)
def _dataset(name: str, seed: int, size: int) -> Any:
    import reasoning_gym

    return reasoning_gym.create_dataset(name, size=size, seed=seed)


@functools.lru_cache(maxsize=4096)
def _entry(name: str, seed: int, size: int, index: int) -> dict[str, Any]:
    return _dataset(name, seed, size)[index]


class ReasoningGymTask(Task):
    """One reasoning-gym dataset as a task."""

    #: 2: answers of evaluating datasets must pass the dataset's grammar (rg_safe); such datasets only pose
    #: entries whose own answer does.
    version = 2
    default_params = {"dataset": "", "size": DATASET_SIZE}
    sandbox_kinds = ("rg",)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        size, name = self.params["size"], self.params["dataset"]
        for _ in range(MAX_REDRAWS):
            identity = {"dataset": name, "seed": rng.randrange(1000), "index": rng.randrange(size), "size": size}
            # An evaluating dataset's entry whose own answer is outside the grammar (e.g. an unevaluated
            # Integral) could never be answered: draw another.
            if name not in EVALUATING_DATASETS or safe_answer(name, str(self._entry(identity)["answer"])) is not None:
                return identity
        return identity

    def _entry(self, identity: dict[str, Any]) -> dict[str, Any]:
        return _entry(identity["dataset"], identity["seed"], identity["size"], identity["index"])

    def prompt(self, identity: dict[str, Any]) -> str:
        return (self._entry(identity)["question"]
                + "\n\nPut your final answer inside <answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if not isinstance(answer, str) or len(answer) > MAX_ANSWER_CHARS:
            return invalid("answer too long")
        if identity["dataset"] in EVALUATING_DATASETS:
            safe = safe_answer(identity["dataset"], answer)
            if safe is None:  # nothing outside the grammar is evaluated, nor any process started
                return invalid(_outside_grammar(identity["dataset"]))
            return score_sandboxed(identity, safe)
        entry = self._entry(identity)
        try:
            score = _dataset(identity["dataset"], identity["seed"], identity["size"]).score_answer(answer, entry)
        except Exception as exc:  # noqa: BLE001 - their scorer failing on model output is a zero
            return Score(0.0, "invalid_answer", f"{type(exc).__name__}: {exc}"[:200])
        return float(score or 0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return str(self._entry(identity)["answer"])

    def format_answer(self, answer: str) -> str:
        return f"<answer>{answer}</answer>"

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return []


def _outside_grammar(dataset: str) -> str:
    return f"the answer is outside the accepted answer grammar: {SAFE_FORMS[dataset]}"


def _score_in_process(identity: dict[str, Any], answer: str) -> float:
    entry = _entry(identity["dataset"], identity["seed"], identity["size"], identity["index"])
    try:
        score = _dataset(identity["dataset"], identity["seed"], identity["size"]).score_answer(answer, entry)
    except Exception as exc:  # noqa: BLE001
        return Score(0.0, "invalid_answer", f"{type(exc).__name__}: {exc}"[:200])
    return float(score or 0.0)


def score_sandboxed(identity: dict[str, Any], answer: str, timeout_s: float = SCORE_TIMEOUT_S) -> float:
    """``score_answer`` of ``identity``'s dataset on ``answer``, in a warm, killable bubblewrap sandbox."""
    from bootcamp.compat import rg_sandbox
    from bootcamp.verifiers import sandbox

    how = sandbox.mode()
    if how is None:
        return Score(0.0, "verifier_error", sandbox.unavailable_detail())
    if how == "unsafe":
        return _score_in_process(identity, answer)
    try:  # the entry as this process built it (some datasets' generation varies with the hash seed)
        entry = _entry(identity["dataset"], identity["seed"], identity["size"], identity["index"])
    except Exception:  # noqa: BLE001 - the sandbox rebuilds it
        entry = None
    return rg_sandbox.score_sandboxed(identity, answer, entry, timeout_s, SCORE_START_S, SCORE_MEMORY_MB)


class ReasoningGymParityTask(ReasoningGymTask):
    """A reasoning-gym dataset scored exactly as reasoning-gym scores it (see ``docs/reward_semantics.md``).

    The answer is ``reasoning_gym.utils.extract_answer(response)`` (the last
    ``<answer>`` block anywhere, thinking included; None when there is none) and
    the score is the dataset's ``score_answer`` of it, None and ``""`` included:
    many datasets give those 0.01 where bootcamp gives 0.
    """

    def verify(self, response: str, identity: dict[str, Any]) -> Verdict:
        refused = self.refuse(response)
        if refused is not None:
            return refused
        from reasoning_gym.utils import extract_answer

        start = time.perf_counter()
        try:
            answer = extract_answer(response)
            if answer is not None and len(answer) > MAX_ANSWER_CHARS:
                return Verdict.failed("too_long", "answer too long", answer[:100])
            if identity["dataset"] in EVALUATING_DATASETS:
                # None (no <answer> block) holds no text to evaluate: reasoning-gym's own score for it
                safe = None if answer is None else safe_answer(identity["dataset"], answer)
                if answer is not None and safe is None:
                    raw = invalid(_outside_grammar(identity["dataset"]))
                else:
                    raw = score_sandboxed(identity, safe)  # type: ignore[arg-type]
            else:
                raw = _score_in_process(identity, answer)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - a crashing verifier costs one verdict
            return Verdict.failed("verifier_error", f"{type(exc).__name__}: {exc}"[:500])
        verdict = self.to_verdict(raw, answer, (time.perf_counter() - start) * 1000)
        if answer is None and not verdict.correct and verdict.reason == "wrong":
            verdict.reason = "no_answer"
            verdict.parts[0].reason = "no_answer"
        return verdict


class _TrustedInputTask(ReasoningGymTask):
    """For registration checks only: scores in-process, because the checker's answers are the datasets' own."""

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if not isinstance(answer, str) or len(answer) > MAX_ANSWER_CHARS:
            return invalid("answer too long")
        return _score_in_process(identity, answer)


def available_datasets() -> dict[str, str]:
    """Every reasoning-gym dataset name -> our domain (usable or not: see :func:`register_datasets`)."""
    from reasoning_gym.factory import DATASETS

    out = {}
    for name, (cls, _cfg) in sorted(DATASETS.items()):
        package = cls.__module__.split(".")[1]
        out[name] = DOMAIN_OF_PACKAGE.get(package, "logic")
    return out


def _rg_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("reasoning-gym")
    except metadata.PackageNotFoundError:
        return ""


def _registered_entry(reg: Any, task_id: str) -> Any:
    from bootcamp.registry import UnknownTaskError

    try:
        return reg.entry(task_id)
    except UnknownTaskError:
        return None


def register_datasets(names: list[str] | None = None, registry: Registry | None = None, prefix: str = "rg_",
                      checks: str = "full", parity: bool = False, strict: bool = False) -> Registration:
    """Register the usable reasoning-gym datasets (all by default) as ``<domain>/rg_<name>``, all or nothing.

    Every dataset is checked before anything is registered (see
    :mod:`bootcamp.compat.rg_validation`); the unusable ones are skipped and
    listed with their reason in the result's ``skipped``. Registration is
    atomic: a conflict (the id taken by another task) raises
    :class:`~bootcamp.registry.RegistrationError` and leaves the registry as it
    was, so a retry works. Ids an earlier call registered for the same dataset
    are left alone (listed in ``already``).

    Args:
        names: dataset names (default: every dataset reasoning-gym has). Unknown names raise ``ValueError``.
        registry: where to register (default: the global registry).
        prefix: prepended to the dataset name in the id.
        checks: ``"full"`` (rebuilds, a cross-``PYTHONHASHSEED`` child, ``check_task``) or ``"fast"``
            (rebuilds only, plus the refusals a full run recorded for this reasoning-gym version).
        parity: register :class:`ReasoningGymParityTask` (reasoning-gym's own extraction and scores).
        strict: raise ``ValueError`` (registering nothing) when any requested dataset is refused.
    """
    import reasoning_gym  # noqa: F401 - fail early and plainly when it is not installed

    if checks not in ("full", "fast"):
        raise ValueError(f"checks must be 'full' or 'fast', got {checks!r}")
    started = time.perf_counter()
    reg = registry if registry is not None else REGISTRY
    known = available_datasets()
    wanted = list(known) if names is None else list(dict.fromkeys(names))
    unknown = sorted(set(wanted) - set(known))
    if unknown:
        raise ValueError(f"unknown reasoning-gym dataset(s) {unknown}; known: {sorted(known)}")
    cls: type[ReasoningGymTask] = ReasoningGymParityTask if parity else ReasoningGymTask
    result = Registration()
    todo: list[str] = []
    for name in wanted:  # already registered by an earlier call: skip; taken by another task: refuse now
        task_id = f"{known[name]}/{prefix}{name}"
        entry = _registered_entry(reg, task_id)
        if entry is None:
            todo.append(name)
        elif issubclass(entry.cls, ReasoningGymTask) and entry.params.get("dataset") == name:
            result.already.append(task_id)
        else:
            raise RegistrationError(f"{task_id} is already registered by {entry.cls.__qualname__} "
                                    f"({entry.source}); nothing was registered")
    usable: dict[str, list[str]] = {}
    recorded = KNOWN_REFUSED.get(_rg_version(), {})
    for name in todo:
        if checks == "fast" and name in recorded:
            result.skipped[name] = Skipped(name, *recorded[name])
            continue
        skipped, prints = check_builds(name, DATASET_SIZE, timed=checks == "full",
                                       probes=None if checks == "full" else FAST_PROBES)
        if skipped is not None:
            result.skipped[name] = skipped
        else:
            usable[name] = prints or []
    if checks == "full":
        theirs, problem = child_fingerprints({n: len(p) for n, p in usable.items()}, DATASET_SIZE)
        if problem:
            result.warnings.append(problem)
        for name in list(usable):
            other = theirs.get(name)
            if other is not None and other != usable[name]:
                detail = (other if isinstance(other, str) else
                          "a child Python with another PYTHONHASHSEED built other entries")
                result.skipped[name] = Skipped(name, NOT_DETERMINISTIC_ACROSS_PROCESSES, detail)
                del usable[name]
        for name in list(usable):
            refused = check_conformance(_TrustedInputTask(f"{known[name]}/{prefix}{name}", dataset=name))
            if refused is not None:
                result.skipped[name] = refused
                del usable[name]
    if strict and result.skipped:
        raise ValueError("refused: " + "; ".join(str(s) for s in result.skipped.values()))
    added: list[str] = []
    try:
        for name in usable:
            task_id = f"{known[name]}/{prefix}{name}"
            reg.register(cls, task_id, {"dataset": name}, f"reasoning-gym dataset '{name}'", source="reasoning_gym")
            added.append(task_id)
    except BaseException:
        for task_id in added:  # all or nothing
            reg.unregister(task_id)
        raise
    result.extend(added)
    result.seconds = time.perf_counter() - started
    return result


#: Environment variable naming the datasets the plugin hook registers: ``all`` or ``name1,name2``.
ENV_VAR = "BOOTCAMP_REASONING_GYM"
#: ``fast`` (default) or ``full``: the checks the plugin hook runs.
CHECKS_ENV_VAR = "BOOTCAMP_REASONING_GYM_CHECKS"
#: ``1``: the plugin hook registers :class:`ReasoningGymParityTask` (reasoning-gym's own scores).
PARITY_ENV_VAR = "BOOTCAMP_REASONING_GYM_PARITY"


def register_from_env(registry: Any) -> Registration | None:
    """The ``bootcamp.tasks`` plugin hook: register what ``BOOTCAMP_REASONING_GYM`` names (unset: nothing).

    ``BOOTCAMP_REASONING_GYM=all`` registers every usable dataset,
    ``=caesar_cipher,chain_sum`` those. The checks are fast by default
    (``BOOTCAMP_REASONING_GYM_CHECKS=full`` for all of them); refused datasets
    are skipped. ``BOOTCAMP_REASONING_GYM_PARITY=1`` registers reasoning-gym's
    own scoring instead of bootcamp's.
    """
    value = os.environ.get(ENV_VAR, "").strip()
    if value.lower() in ("", "0", "none", "off", "false"):
        return None
    names = None if value.lower() == "all" else [n.strip() for n in value.split(",") if n.strip()]
    checks = os.environ.get(CHECKS_ENV_VAR, "fast").strip().lower() or "fast"
    parity = os.environ.get(PARITY_ENV_VAR, "").strip().lower() in ("1", "true", "yes", "on")
    return register_datasets(names, registry=registry, checks=checks, parity=parity)
