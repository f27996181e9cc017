"""The environment checker: does a multi-turn environment keep the contract?

The sibling of the task checker (:mod:`bootcamp.checker`), for :class:`~bootcamp.env.Environment`.
Each named check below fails with a message that names the seed, the action and what went wrong:

- ``info``: ``info()`` is plain JSON with the environment's id; the budgets are sane numbers.
- ``tools``: every declared tool is registered and has a valid schema.
- ``determinism``: ``reset(seed)`` twice gives the same state and observation; ``cross_process``: so does a
  fresh interpreter with another ``PYTHONHASHSEED`` (:mod:`bootcamp.env._checker_child`).
- ``reference``: the scripted reference policy scores 1.0 within ``max_turns``.
- ``json_state``: the state is strict JSON after every step; ``replay``: stepping the JSON copy of a state
  with the same action gives the same result.
- ``hostile``: hostile and random actions (empty and 1 MB messages, malformed, unknown, oversized and
  deeply nested calls, wrong and hostile argument values, garbage answers) never raise and score < 1.0.
- ``episode_end``: every episode ends within ``max_turns`` steps; tool calls only end with ``budget``.
- ``observations``: every observation is a string of bounded size.
- ``other_seed``: another seed's reference answer scores < 1.0 (a few collisions are allowed).
- ``time_budget``: grading a hostile answer takes at most ``time_budget``; a step with tool calls at most
  their timeouts on top.

An exception that escapes into the checker itself (``format_answer`` raising on a hostile string, say)
fails the environment under ``checker``, and the other environments of the batch are still checked.

Reference policies run with a trusted executor: :class:`InProcessExecutor`, or the sandbox executor when
the environment offers a ``sandbox_only`` tool (without it the reference check is skipped, with a note,
unless the reference never needs that tool). Hostile actions use the same executor.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bootcamp.checker import CROSS_ACCEPT_LIMIT, HARD_LIMIT_FACTOR, _hard_limit, _HardTimeout, time_factor
from bootcamp.checker_process import child_hash_seed, first_difference
from bootcamp.env._checker_child import FreshResets, env_spec
from bootcamp.env._checker_hostile import _hostile_args, _kinds, _random_action, _single_actions
from bootcamp.env.environment import Environment, StepResult
from bootcamp.env.executor import InProcessExecutor, ToolExecutor
from bootcamp.env.registry import ENVIRONMENTS
from bootcamp.env.toolcall import MAX_CALLS_PER_TURN, format_call, parse_tool_calls
from bootcamp.env.tools import _JSON_TYPES, TOOLS, Tool
from bootcamp.hostile import hostile_answers, hostile_responses

__all__ = ["CHECKS", "MAX_OBSERVATION_CHARS", "EnvCheckReport", "check_env", "check_envs", "cross_process_reports",
           "executors_for"]

#: The named checks, in the order they run.
CHECKS = ("info", "tools", "determinism", "cross_process", "reference", "json_state", "replay", "hostile",
          "episode_end", "observations", "other_seed", "time_budget")
#: Most characters of one observation (the first one included).
MAX_OBSERVATION_CHARS = 100_000
#: Seconds a sandboxed turn may take on top of its tools' timeouts (starting the sandbox).
SANDBOX_START_S = 10.0
_TIMING_KEYS = frozenset({"latency_ms", "seconds"})


@dataclass
class EnvCheckReport:
    """What the checker found for one environment: ``results`` maps each check to pass, fail or skip."""

    env_id: str
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    results: dict[str, str] = field(default_factory=dict)
    checks: int = 0
    seconds: float = 0.0
    slowest_step_s: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.failures

    def fail(self, check: str, message: str) -> None:
        self.results[check] = "fail"
        if len(self.failures) < 50:
            self.failures.append(f"[{check}] {message}")

    def ok(self, check: str) -> None:
        self.checks += 1
        self.results.setdefault(check, "pass")

    def skip(self, check: str, why: str) -> None:
        self.results.setdefault(check, "skip")
        self.warnings.append(f"[{check}] skipped: {why}")

    def to_dict(self) -> dict[str, Any]:
        return {"env": self.env_id, "passed": self.passed, "failures": self.failures, "warnings": self.warnings,
                "results": self.results, "checks": self.checks, "seconds": round(self.seconds, 4),
                "slowest_step_s": round(self.slowest_step_s, 4)}


@dataclass
class _Reference:
    """One seed's reference episode: the state before its final answer, the answer, the calls it made."""

    seed: int
    pre_answer: dict[str, Any]
    final_action: str
    calls: list[tuple[str, dict[str, Any]]]


def _short(value: Any, n: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= n else text[: n - 3] + "..."


def _json_problem(value: Any, path: str = "state") -> str | None:
    """Where ``value`` is not strict JSON (a tuple, a non-string key, NaN...), or None."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            for k, v in item.items():
                if not isinstance(k, str):
                    return f"{where} has the non-string key {_short(k)}"
                stack.append((v, f"{where}[{k!r}]"))
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(item))
        elif isinstance(item, float):
            if not math.isfinite(item):
                return f"{where} is {item} (not valid JSON)"
        elif item is not None and not isinstance(item, str | int | bool):
            return f"{where} is a {type(item).__name__}"
    return None


def _untimed(value: Any) -> Any:
    """``value`` without timing fields (latencies differ between two runs of the same step)."""
    if isinstance(value, dict):
        return {k: _untimed(v) for k, v in value.items() if k not in _TIMING_KEYS}
    if isinstance(value, list):
        return [_untimed(v) for v in value]
    return value


def _normal(result: StepResult) -> dict[str, Any]:
    return _untimed({"state": result.state, "observation": result.observation, "done": result.done,
                     "verdict": result.verdict.model_dump(mode="json") if result.verdict else None})


def _text_difference(a: str, b: str) -> str:
    i = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"from character {i}: {_short(a[i:i + 40])} here, {_short(b[i:i + 40])} there"


def _difference(a: Any, b: Any, path: str) -> str:
    """Where two JSON values first differ; inside strings, from the first differing character."""
    while True:
        if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys() and a != b:
            key = next(k for k in a if a[k] != b[k])
            a, b, path = a[key], b[key], f"{path}[{key!r}]"
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and a != b:
            i = next(i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
            a, b, path = a[i], b[i], f"{path}[{i}]"
        elif isinstance(a, str) and isinstance(b, str) and a != b:
            return f"{path} {_text_difference(a, b)}"
        else:
            return first_difference(a, b, path)


class _Run:
    """Steps one environment under hard limits, checking every result."""

    def __init__(self, env: Environment, report: EnvCheckReport, executor: ToolExecutor) -> None:
        self.env, self.report, self.executor = env, report, executor
        self.factor = time_factor()
        timeouts = [TOOLS.get(n).timeout_s for n in env.tools if n in TOOLS]
        self.tool_timeout = max(timeouts, default=0.0)

    def budget(self, state: dict[str, Any], action: str) -> float:
        """Seconds a step may take: grading, plus the timeouts of the calls it will run."""
        calls = 0
        if self.env.tools and len(action) <= self.env.max_action_chars:
            room = max(0, self.env.max_tool_calls - int(state.get("tool_calls", 0)))
            calls = min(len(parse_tool_calls(action)), MAX_CALLS_PER_TURN, room)
        extra = calls * self.tool_timeout + (SANDBOX_START_S if calls and not isinstance(
            self.executor, InProcessExecutor) else 0.0)
        return (self.env.time_budget + extra) * self.factor

    def step(self, what: str, state: dict[str, Any], action: str, check_time: bool = True) -> StepResult | None:
        """One step; None when it raised or hung (reported)."""
        budget = self.budget(state, action)
        start = time.perf_counter()
        try:
            with _hard_limit(budget * HARD_LIMIT_FACTOR):
                result = self.env.step(state, action, self.executor)
        except _HardTimeout:
            self.report.fail("hostile", f"{what}: step hung (aborted after {budget * HARD_LIMIT_FACTOR:.1f}s)")
            return None
        except Exception as exc:  # noqa: BLE001 - reported as a failure
            self.report.fail("hostile", f"{what}: step raised {type(exc).__name__}: {str(exc)[:200]}")
            return None
        elapsed = time.perf_counter() - start
        self.report.slowest_step_s = max(self.report.slowest_step_s, elapsed)
        if check_time and elapsed > budget:
            self.report.fail("time_budget", f"{what}: step took {elapsed:.2f}s, over its {budget:.2f}s budget")
        elif check_time:
            self.report.ok("time_budget")
        self.inspect(what, result)
        return result

    def inspect(self, what: str, result: StepResult) -> None:
        problem = _json_problem(result.state)
        if problem:
            self.report.fail("json_state", f"{what}: the state is not strict JSON: {problem}")
        else:
            self.report.ok("json_state")
        if result.done:
            if result.verdict is None or not result.state.get("done"):
                self.report.fail("episode_end", f"{what}: done without a verdict in the result and the state")
        elif not isinstance(result.observation, str):
            self.report.fail("observations", f"{what}: observation is {type(result.observation).__name__}, not str")
        elif len(result.observation) > MAX_OBSERVATION_CHARS:
            self.report.fail("observations", f"{what}: observation of {len(result.observation)} characters "
                                             f"(at most {MAX_OBSERVATION_CHARS})")
        else:
            self.report.ok("observations")

    def replay(self, what: str, state: dict[str, Any], action: str, result: StepResult) -> None:
        """Step the JSON copy of ``state`` again: the result must be the same."""
        try:
            copy = json.loads(json.dumps(state))
        except (TypeError, ValueError):
            return  # json_state reported it
        again = self.step(f"{what} (replayed from JSON)", copy, action, check_time=False)
        if again is None:
            return
        a, b = _normal(result), _normal(again)
        if a != b:
            self.report.fail("replay", f"{what}: stepping the JSON copy of the state gives another result "
                                       f"({_difference(a, b, 'result')})")
        else:
            self.report.ok("replay")

    def final(self, what: str, state: dict[str, Any], action: str, allowed: str | None = None) -> None:
        """A hostile final message: it must not raise, crash the check or score 1.0."""
        result = self.step(what, state, action)
        if result is None or not result.done or result.verdict is None:
            return
        v = result.verdict
        if v.reason == "verifier_error":
            self.report.fail("hostile", f"{what}: check raised ({v.detail})")
        elif v.score >= 1.0 and not (allowed and allowed in action):
            self.report.fail("hostile", f"{what}: scored 1.0")
        else:
            self.report.ok("hostile")

    def play(self, what: str, state: dict[str, Any], actions: Callable[[int], str], expect_budget: bool = False,
             replay: bool = False) -> None:
        """Play ``actions(turn)`` from ``state`` to the end: it must end in time, below 1.0."""
        env = self.env
        for turn in range(int(state["turn"]), env.max_turns):
            action = actions(turn)
            result = self.step(f"{what}, turn {turn + 1}", state, action)
            if result is None:
                return
            if replay:
                self.replay(f"{what}, turn {turn + 1}", state, action, result)
            if result.done:
                break
            state = result.state
        else:
            self.report.fail("episode_end", f"{what}: not done after {env.max_turns} turns (max_turns)")
            return
        v = result.verdict
        if v is None:
            return  # inspect reported it
        if v.score >= 1.0:
            self.report.fail("hostile", f"{what}: scored 1.0")
        elif v.reason == "verifier_error":
            self.report.fail("hostile", f"{what}: check raised ({v.detail})")
        else:
            self.report.ok("hostile")
        if expect_budget and (v.reason != "budget" or result.state["turn"] != env.max_turns):
            self.report.fail("episode_end", f"{what}: ended at turn {result.state['turn']} with reason "
                                            f"{v.reason!r}; expected 'budget' at turn {env.max_turns}")
        else:
            self.report.ok("episode_end")


# -- the checks ----------------------------------------------------------------------------------------
def _check_info(env: Environment, report: EnvCheckReport) -> None:
    try:
        info = env.info()
        text = json.dumps(info, allow_nan=False)
    except Exception as exc:  # noqa: BLE001 - reported
        report.fail("info", f"info() is not JSON: {type(exc).__name__}: {str(exc)[:200]}")
        return
    if json.loads(text) != info or info.get("id") != env.env_id:
        report.fail("info", f"info() must be plain JSON with 'id' {env.env_id!r}, got {_short(info, 200)}")
    for name, low in (("max_turns", 1), ("max_tool_calls", 0), ("max_action_chars", 1)):
        value = getattr(env, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            report.fail("info", f"{name} must be an integer >= {low}, got {value!r}")
    budget = env.time_budget
    if not isinstance(budget, int | float) or not math.isfinite(budget) or budget <= 0:
        report.fail("info", f"time_budget must be a positive number of seconds, got {budget!r}")
    report.ok("info")


def _schema_problem(name: str, spec: Tool) -> str | None:
    """Why a tool's declaration is not a usable tool-calling schema, or None."""
    params = spec.parameters
    if spec.name != name:
        return f"registered as {name!r} but named {spec.name!r}"
    if not isinstance(spec.description, str) or not spec.description.strip():
        return "has no description"
    if not isinstance(params, dict) or params.get("type") != "object":
        return 'parameters must be a JSON schema {"type": "object", ...}'
    props = params.get("properties", {})
    if not isinstance(props, dict):
        return "parameters.properties must be an object"
    for key, prop in props.items():
        if not _kinds(prop) or len(_kinds(prop)) != len(prop["type"] if isinstance(prop["type"], list) else [1]):
            return f"property {key!r} needs a JSON 'type' (one of {', '.join(_JSON_TYPES)}), got {_short(prop)}"
    required = params.get("required", [])
    if not isinstance(required, list) or any(r not in props for r in required):
        return f"required {_short(required)} must list declared properties"
    if not isinstance(spec.timeout_s, int | float) or not 0 < spec.timeout_s < 600:
        return f"timeout_s must be in (0, 600) seconds, got {spec.timeout_s!r}"
    try:
        json.dumps(spec.schema(), allow_nan=False)
        from jsonschema import Draft202012Validator  # optional: a deeper check when installed

        Draft202012Validator.check_schema(params)
    except ImportError:
        pass
    except Exception as exc:  # noqa: BLE001 - an invalid schema
        return f"its parameters are not a valid JSON schema: {str(exc).splitlines()[0][:200]}"
    return None


def _check_tools(env: Environment, report: EnvCheckReport) -> None:
    if not isinstance(env.tools, tuple | list) or not all(isinstance(n, str) for n in env.tools):
        report.fail("tools", f"tools must be a tuple of tool names, got {_short(env.tools)}")
        return
    if len(set(env.tools)) != len(env.tools):
        report.fail("tools", f"tools lists a name twice: {list(env.tools)}")
    for name in env.tools:
        if name not in TOOLS:
            report.fail("tools", f"tool {name!r} is not registered (known: {', '.join(TOOLS.names()) or 'none'})")
            continue
        problem = _schema_problem(name, TOOLS.get(name))
        if problem:
            report.fail("tools", f"tool {name!r} {problem}")
        else:
            report.ok("tools")
    if not env.tools:
        report.ok("tools")


def executors_for(env: Environment) -> tuple[ToolExecutor | None, ToolExecutor, str | None]:
    """(executor for the reference or None, executor for hostile actions, why the sandbox is missing)."""
    sandboxed = [n for n in env.tools if n in TOOLS and TOOLS.get(n).sandbox_only]
    if not sandboxed:
        return InProcessExecutor(), InProcessExecutor(), None
    try:
        from bootcamp.env.sandbox_exec import SandboxExecutor
        from bootcamp.verifiers import sandbox

        if sandbox.mode() is None:
            raise RuntimeError(sandbox.unavailable_detail())
        executor = SandboxExecutor()
    except Exception as exc:  # noqa: BLE001 - noted; the reference check is skipped
        why = (f"it offers sandbox-only tool(s) {', '.join(sandboxed)} and the sandbox executor is unavailable "
               f"({type(exc).__name__}: {str(exc)[:200]})")
        return None, InProcessExecutor(), why
    return executor, executor, None


def _resets(env: Environment, report: EnvCheckReport, seeds: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Reset every seed twice; returns the first state and observation per seed (for the fresh process)."""
    mine: dict[int, dict[str, Any]] = {}
    budget = max(env.time_budget, 5.0) * time_factor()
    for seed in seeds:
        try:
            with _hard_limit(budget * HARD_LIMIT_FACTOR):
                (s1, o1), (s2, o2) = env.reset(seed), env.reset(seed)
        except _HardTimeout:
            report.fail("determinism", f"seed {seed}: reset hung (aborted after {budget * HARD_LIMIT_FACTOR:.0f}s)")
            continue
        except Exception as exc:  # noqa: BLE001 - reported
            report.fail("determinism", f"seed {seed}: reset raised {type(exc).__name__}: {str(exc)[:200]}")
            continue
        problem = _json_problem(s1)
        if problem:
            report.fail("json_state", f"seed {seed}: the first state is not strict JSON: {problem}")
            continue
        report.ok("json_state")
        if not isinstance(o1, str) or not o1.strip() or len(o1) > MAX_OBSERVATION_CHARS:
            report.fail("observations", f"seed {seed}: the first observation must be a non-empty string of at "
                                        f"most {MAX_OBSERVATION_CHARS} characters, got {_short(o1)}")
        else:
            report.ok("observations")
        if s1.get("env") != env.env_id or s1.get("done") or s1.get("turn") != 0:
            report.fail("determinism", f"seed {seed}: reset gave a state that is not a live episode of "
                                       f"{env.env_id} at turn 0")
        if (s1, o1) != (s2, o2):
            where = _difference(s1, s2, "state") if s1 != s2 else _text_difference(str(o1), str(o2))
            report.fail("determinism", f"seed {seed}: reset is not deterministic ({where})")
        else:
            report.ok("determinism")
        mine[seed] = {"state": json.loads(json.dumps(s1)), "observation": o1}
    return mine


def _compare_fresh(report: EnvCheckReport, mine: dict[int, dict[str, Any]], theirs: dict[str, Any] | None,
                   problem: str | None) -> None:
    where = f"a fresh process (PYTHONHASHSEED={child_hash_seed()})"
    if theirs is None:
        report.fail("cross_process", f"{where} reported nothing for this environment ({problem or 'no reason'})")
        return
    if "skipped" in theirs:
        report.skip("cross_process", f"{where} cannot build it: {theirs['skipped']}")
        return
    by_seed = {e.get("seed"): e for e in theirs.get("episodes", [])}
    for seed, here in mine.items():
        other = by_seed.get(seed)
        if other is None or "error" in other:
            report.fail("cross_process", f"seed {seed}: reset failed in {where}: "
                                         f"{other.get('error') if other else 'not reported'}")
        elif other["state"] != here["state"]:
            report.fail("cross_process", f"seed {seed}: {where} starts another episode "
                                         f"({_difference(here['state'], other['state'], 'state')})")
        elif other["observation"] != here["observation"]:
            report.fail("cross_process", f"seed {seed}: {where} gives another first observation "
                                         f"({_text_difference(here['observation'], other['observation'])})")
        else:
            report.ok("cross_process")


def _reference(run: _Run, seed: int) -> _Reference | None:
    """Play the reference policy on ``seed`` (each step replayed from JSON); None when it did not reach 1.0."""
    env, report = run.env, run.report
    state, _ = env.reset(seed)
    calls: list[tuple[str, dict[str, Any]]] = []
    for turn in range(env.max_turns):
        what = f"seed {seed}: reference turn {turn + 1}"
        try:
            action = env.reference_action(state)
        except Exception as exc:  # noqa: BLE001 - reported
            report.fail("reference", f"{what}: the reference policy raised {type(exc).__name__}: {str(exc)[:200]}")
            return None
        if not isinstance(action, str):
            report.fail("reference", f"{what}: the reference action is {type(action).__name__}, not str")
            return None
        result = run.step(what, state, action)
        if result is None:
            report.fail("reference", f"{what}: the step failed (see above)")
            return None
        run.replay(what, state, action, result)
        for r in result.tool_results:
            if r.error is not None:
                report.warnings.append(f"{what}: reference call {r.name!r} returned an error: {r.error[:200]}")
        if result.done:
            v = result.verdict
            if v is None or v.score < 1.0:
                detail = f"{v.score} ({v.reason}{': ' + v.detail if v.detail else ''})" if v else "no verdict"
                report.fail("reference", f"seed {seed}: the reference policy scored {detail} after {turn + 1} "
                                         f"turn(s); its answer {_short(action, 120)}")
                return None
            report.ok("reference")
            return _Reference(seed, state, action, calls)
        calls += [(c.name, c.arguments) for c in parse_tool_calls(action) if c.error is None]
        state = result.state
    report.fail("reference", f"seed {seed}: the reference policy did not answer within {env.max_turns} turns")
    return None


def _references(env: Environment, report: EnvCheckReport, executor: ToolExecutor | None, why: str | None,
                seeds: Sequence[int]) -> list[_Reference]:
    if executor is not None:
        run = _Run(env, report, executor)
        return [r for r in (_reference(run, s) for s in seeds) if r is not None]
    # No sandbox: try in process (the reference may not need the sandbox-only tool); skip when it fails.
    trial = EnvCheckReport(env.env_id)
    run = _Run(env, trial, InProcessExecutor())
    refs = [r for r in (_reference(run, s) for s in seeds) if r is not None]
    if trial.passed:
        report.warnings.append(f"[reference] ran in process: {why}")
        report.results.update(trial.results)
        report.checks += trial.checks
        return refs
    report.skip("reference", f"{why}; in process it fails: {trial.failures[0]}")
    return []


def _other_seeds(run: _Run, refs: list[_Reference]) -> None:
    differing = accepted = 0
    for ref, other in zip(refs, refs[1:] + refs[:1], strict=True):
        if other.final_action.strip() == ref.final_action.strip():
            continue
        differing += 1
        result = run.step(f"seed {ref.seed}: seed {other.seed}'s answer", ref.pre_answer, other.final_action)
        accepted += bool(result and result.verdict and result.verdict.score >= 1.0)
    # One collision is allowed (two seeds' answers inside one tolerance), and a share of them on many seeds.
    if accepted > 1 and accepted / differing > CROSS_ACCEPT_LIMIT:
        run.report.fail("other_seed", f"{accepted}/{differing} reference answers of other seeds scored 1.0: "
                                      "the check is too permissive")
    elif differing:
        run.report.ok("other_seed")
        if accepted:
            run.report.warnings.append(f"[other_seed] {accepted}/{differing} answers of other seeds scored 1.0")
    if len(refs) > 2 and not differing:
        run.report.warnings.append("[other_seed] every seed has the same reference answer")


def _hostile(run: _Run, seed: int, ref: _Reference | None) -> None:
    """Hostile final answers (after the reference's tool calls), then whole hostile and random episodes."""
    env = run.env
    fresh = env.reset(seed)[0]
    pre = ref.pre_answer if ref else fresh
    answer = (env.extract(ref.final_action) or "").strip() if ref else ""
    for h in hostile_answers():
        if not answer or h.strip() != answer:
            run.final(f"seed {seed}: hostile answer {_short(h)}", pre, env.format_answer(h))
    for r in hostile_responses():
        run.final(f"seed {seed}: hostile response {_short(r)}", pre, r, allowed=answer or None)
    singles = _single_actions(env, ref.calls if ref else [])
    for name, action in singles.items():
        # A message with a tool call (or too long to read) is never an answer: repeated, it must run out of turns.
        unread = len(action) > env.max_action_chars or bool(env.tools and parse_tool_calls(action))
        run.play(f"seed {seed}: {name}", fresh, lambda _t, a=action: a, expect_budget=unread)
    if env.tools:
        valid = [format_call(n, a) for n, a in (ref.calls if ref else [])][:1]
        spam = valid[0] if valid else format_call(env.tools[0], {})
        run.play(f"seed {seed}: tool calls only", fresh, lambda _t: spam, expect_budget=True)
    bases = {n: a for n, a in reversed(ref.calls)} if ref else {}
    chunk = max(1, min(MAX_CALLS_PER_TURN, env.max_tool_calls))
    for name in env.tools:
        if name not in TOOLS:
            continue
        args = _hostile_args(TOOLS.get(name), bases.get(name, {}))
        for i in range(0, len(args), chunk):
            action = "\n".join(format_call(name, a) for a in args[i:i + chunk])
            what = f"seed {seed}: hostile arguments of {name} {_short(args[i:i + chunk], 80)}"
            result = run.step(what, fresh, action)
            if result is not None and not result.done:
                run.final(f"{what}, then a wrong answer", result.state, env.format_answer("garbage"))
    rng = random.Random(f"{env.env_id}:hostile:{seed}")
    pool = list(singles.values()) + [env.format_answer(h) for h in hostile_answers()[:20]]
    for k in range(3):
        run.play(f"seed {seed}: random episode {k}", fresh, lambda _t: _random_action(rng, pool), replay=True)


def _in_process(env: Environment, report: EnvCheckReport, seeds: Sequence[int],
                executor: ToolExecutor | None) -> dict[int, dict[str, Any]]:
    _check_info(env, report)
    _check_tools(env, report)
    mine = _resets(env, report, seeds)
    if not mine:
        return mine
    if executor is not None:
        ref_exec, hostile_exec, why = executor, executor, None
    else:
        ref_exec, hostile_exec, why = executors_for(env)
    refs = _references(env, report, ref_exec, why, [s for s in seeds if s in mine])
    if ref_exec is not None and not refs:
        report.fail("reference", "no seed finished with the reference policy")
    run = _Run(env, report, hostile_exec)
    if refs:
        _other_seeds(run, refs)
    seed = next(iter(mine))
    _hostile(run, seed, next((r for r in refs if r.seed == seed), None))
    return mine


def _fresh_timeout(envs: int, seeds: int) -> float:
    return (60.0 + 2.0 * envs * seeds) * time_factor()


def _resolve(env: str | Environment) -> Environment:
    return ENVIRONMENTS.get(env) if isinstance(env, str) else env


def check_envs(envs: Sequence[str | Environment], seeds: int = 5, cross_process: bool = True,
               executor: ToolExecutor | None = None,
               on_start: Callable[[str], None] | None = None) -> list[EnvCheckReport]:
    """Run every check on each environment (ids or instances), in order; one fresh process serves the
    cross-process check of them all. ``executor`` replaces the executor the checker would pick;
    ``on_start(env_id)`` is called as each environment's checks begin (progress bars)."""
    built = [_resolve(e) for e in envs]
    seed_list = list(range(seeds))
    fresh = FreshResets([(str(i), env_spec(e)) for i, e in enumerate(built)], seed_list) if cross_process else None
    reports: list[EnvCheckReport] = []
    mine: list[dict[int, dict[str, Any]]] = []
    try:
        for env in built:
            if on_start is not None:
                on_start(env.env_id)
            report = EnvCheckReport(env.env_id)
            start = time.perf_counter()
            try:
                mine.append(_in_process(env, report, seed_list, executor))
            except Exception as exc:  # noqa: BLE001 - e.g. format_answer raising: this environment fails
                report.fail("checker", f"the checks stopped: {type(exc).__name__}: {str(exc)[:300]}")
                mine.append({})
            report.seconds = time.perf_counter() - start
            reports.append(report)
    except BaseException:
        if fresh is not None:
            fresh.close()
        raise
    if fresh is not None:
        start = time.perf_counter()
        results, problem = fresh.collect(_fresh_timeout(len(built), seeds))
        waited = time.perf_counter() - start
        for i, report in enumerate(reports):
            _compare_fresh(report, mine[i], results.get(str(i)), problem)
            report.seconds += waited / max(1, len(reports))
    return reports


def check_env(env: str | Environment, seeds: int = 5, cross_process: bool = True,
              executor: ToolExecutor | None = None) -> EnvCheckReport:
    """Run every check (:data:`CHECKS`) on one environment, an id or an instance."""
    return check_envs([env], seeds, cross_process, executor)[0]


def cross_process_reports(envs: Sequence[str | Environment], seeds: Sequence[int] = (0, 1)) -> dict[str, EnvCheckReport]:
    """Only the ``determinism`` and ``cross_process`` checks, for many environments and one fresh process."""
    built = [_resolve(e) for e in envs]
    fresh = FreshResets([(str(i), env_spec(e)) for i, e in enumerate(built)], seeds)
    reports: dict[str, EnvCheckReport] = {}
    try:
        mine = [_resets(e, reports.setdefault(e.env_id, EnvCheckReport(e.env_id)), seeds) for e in built]
    except BaseException:
        fresh.close()
        raise
    results, problem = fresh.collect(_fresh_timeout(len(built), len(seeds)))
    for i, env in enumerate(built):
        _compare_fresh(reports[env.env_id], mine[i], results.get(str(i)), problem)
    return reports
