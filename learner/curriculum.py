"""A curriculum over difficulty levels and tasks, driven by each task's rolling pass rate.

Every scored group updates its task: the group's pass rate (the mean correctness of its responses) joins
a window of the task's last ``window`` groups at its current level. Once a task has had at least
``min_groups_between_moves`` groups scored at its level, it moves one level up when the window's mean is
above ``upper`` and one level down when it is below ``lower`` (always within ``1..n_levels``); a move
empties the window, since pass rates at the old level say little about the new one. Groups drawn at
another level than the task's current one (still in flight when it moved) are counted but not averaged.

Tasks are drawn in proportion to their learnability ``p(1-p)`` (``p``: the rolling pass rate; 0.25, the
most, while a task has no groups at its level yet), floored at ``floor`` so a mastered or hopeless task is
still drawn now and then, times the task's configured weight. A group whose rewards are all equal gives
no gradient (zero advantage everywhere); ``p(1-p)`` is the variance of a response's correctness, so the
mix leans to tasks whose groups carry gradient, and the levels keep each task's ``p`` between the bounds.

:class:`Curriculum` is the state machine (plain data in, plain JSON state out); :class:`CurriculumSampler`
draws the job's problems at the curriculum's levels and weights.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from learner.curriculum_config import CurriculumConfig

#: Version of :meth:`Curriculum.state_dict`'s layout.
STATE_FORMAT = 1


@dataclass(frozen=True)
class TaskLevels:
    """What the curriculum needs to know of one task in the mix.

    Args:
        n_levels: the task's levels (1 for a task without levels).
        start: the level it starts at (1..n_levels).
        weight: its configured weight in the mix (> 0).
        default: the level a group without a level in its identity was drawn at (None: ``start``).
    """

    n_levels: int
    start: int
    weight: float = 1.0
    default: int | None = None


@dataclass
class _TaskState:
    spec: TaskLevels
    level: int
    window: deque[float]
    since_move: int = 0  # groups scored at the current level since the last move (or the start)
    groups: int = 0  # groups observed in all, at any level
    moves: int = 0
    stale: int = 0  # groups observed at another level than the current one (not averaged)
    history: list[int] = field(default_factory=list)  # the level after each move


class Curriculum:
    """Per-task levels and sampling weights that follow the tasks' rolling pass rates.

    Args:
        tasks: the mix's tasks by id.
        upper, lower: move up above ``upper``, down below ``lower`` (``0 <= lower < upper <= 1``).
        window: groups the rolling pass rate averages over.
        min_groups_between_moves: groups a task needs at its level before it may move.
        floor: the least learnability a task's weight uses (``0 < floor <= 0.25``).

    Raises:
        ValueError: a bound, a count or a task's levels are out of range.
    """

    def __init__(self, tasks: Mapping[str, TaskLevels], upper: float = 0.8, lower: float = 0.2, window: int = 16,
                 min_groups_between_moves: int = 8, floor: float = 0.05) -> None:
        if not tasks:
            raise ValueError("curriculum: no tasks")
        if not 0.0 <= lower < upper <= 1.0:
            raise ValueError(f"curriculum: need 0 <= lower < upper <= 1, got lower={lower}, upper={upper}")
        if window < 1 or min_groups_between_moves < 1:
            raise ValueError("curriculum: window and min_groups_between_moves must be >= 1")
        if not 0.0 < floor <= 0.25:
            raise ValueError(f"curriculum.floor: must be in (0, 0.25], got {floor}")
        self.upper, self.lower, self.window, self.floor = upper, lower, window, floor
        self.min_gap = min_groups_between_moves
        self.tasks: dict[str, _TaskState] = {}
        for task_id, spec in sorted(tasks.items()):
            if spec.n_levels < 1 or not 1 <= spec.start <= spec.n_levels or spec.weight <= 0:
                raise ValueError(f"curriculum: task {task_id}: start level {spec.start} outside "
                                 f"1..{spec.n_levels} or weight {spec.weight} <= 0")
            self.tasks[task_id] = _TaskState(spec, spec.start, deque(maxlen=window))

    @classmethod
    def from_config(cls, cfg: CurriculumConfig, tasks: Mapping[str, TaskLevels]) -> Curriculum:
        """A curriculum with ``cfg``'s bounds; ``cfg.start_level`` (clamped to each task's levels) replaces
        the tasks' own start levels when set."""
        if cfg.start_level is not None:
            tasks = {t: TaskLevels(s.n_levels, min(cfg.start_level, s.n_levels), s.weight, s.default)
                     for t, s in tasks.items()}
        return cls(tasks, cfg.upper, cfg.lower, cfg.window, cfg.min_groups_between_moves, cfg.floor)

    # -- the state machine ---------------------------------------------------------------------
    def _task(self, task_id: str) -> _TaskState:
        try:
            return self.tasks[task_id]
        except KeyError:
            raise ValueError(f"curriculum: task {task_id!r} is not in the mix ({len(self.tasks)} tasks)") from None

    def observe(self, task_id: str, level: int | None, correct: Sequence[float | bool]) -> int:
        """Record one scored group of ``task_id`` drawn at ``level``; returns the task's level after it.

        Args:
            task_id: the group's task.
            level: the level its problem was drawn at (None: the task's default level).
            correct: each response's correctness (bools, or scores in [0, 1]); their mean is the group's
                pass rate.

        Raises:
            ValueError: an unknown task, or an empty group.
        """
        st = self._task(task_id)
        if not correct:
            raise ValueError(f"curriculum: empty group for {task_id}")
        st.groups += 1
        drawn_at = level if level is not None else (st.spec.default or st.spec.start)
        if drawn_at != st.level:
            st.stale += 1
            return st.level
        st.window.append(sum(float(c) for c in correct) / len(correct))
        st.since_move += 1
        if st.since_move >= self.min_gap:
            rate = sum(st.window) / len(st.window)
            step = 1 if rate > self.upper else -1 if rate < self.lower else 0
            if step and 1 <= st.level + step <= st.spec.n_levels:
                st.level += step
                st.window.clear()
                st.since_move = 0
                st.moves += 1
                st.history.append(st.level)
        return st.level

    def level(self, task_id: str) -> int:
        """The level ``task_id`` is drawn at now."""
        return self._task(task_id).level

    def pass_rate(self, task_id: str) -> float | None:
        """The rolling pass rate at the task's current level (None before any group was scored there)."""
        w = self._task(task_id).window
        return sum(w) / len(w) if w else None

    def learnability(self, task_id: str) -> float:
        """``max(p(1-p), floor)``; 0.25 (the most) while the current level has no scored group."""
        p = self.pass_rate(task_id)
        return 0.25 if p is None else max(p * (1.0 - p), self.floor)

    def weights(self) -> dict[str, float]:
        """Each task's share of the draws (they sum to 1): learnability times the configured weight."""
        raw = {t: self.learnability(t) * st.spec.weight for t, st in self.tasks.items()}
        total = sum(raw.values())
        return {t: w / total for t, w in raw.items()}

    def metrics(self, prefix: str = "curriculum/") -> dict[str, float]:
        """``curriculum/<task>/level``, ``.../weight`` and ``.../pass_rate`` (once the level has a scored
        group) for every task: one metrics row's worth."""
        out: dict[str, float] = {}
        for task_id, w in self.weights().items():
            out[f"{prefix}{task_id}/level"] = float(self.tasks[task_id].level)
            p = self.pass_rate(task_id)
            if p is not None:
                out[f"{prefix}{task_id}/pass_rate"] = p
            out[f"{prefix}{task_id}/weight"] = w
        return out

    # -- state -----------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The whole state as plain JSON (what a checkpoint holds)."""
        return {"format": STATE_FORMAT, "tasks": {
            t: {"level": st.level, "window": list(st.window), "since_move": st.since_move, "groups": st.groups,
                "moves": st.moves, "stale": st.stale, "history": list(st.history)}
            for t, st in self.tasks.items()}}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`state_dict`'s output. Tasks the state does not know keep their start; tasks no
        longer in the mix are ignored; a level outside a task's current range is clamped (and its window
        emptied); a window longer than ``window`` keeps its newest groups.

        Raises:
            ValueError: ``state`` is not a curriculum state.
        """
        if not isinstance(state, Mapping) or state.get("format") != STATE_FORMAT or not isinstance(
                state.get("tasks"), Mapping):
            raise ValueError(f"curriculum state: expected {{'format': {STATE_FORMAT}, 'tasks': {{...}}}}")
        for task_id, saved in state["tasks"].items():
            st = self.tasks.get(task_id)
            if st is None:
                continue
            try:
                level = int(saved["level"])
                window = [float(x) for x in saved["window"]]
                since, groups = int(saved["since_move"]), int(saved["groups"])
                moves, stale = int(saved.get("moves", 0)), int(saved.get("stale", 0))
                history = [int(x) for x in saved.get("history", [])]
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"curriculum state: task {task_id}: {exc!r}") from None
            clamped = min(max(level, 1), st.spec.n_levels)
            st.level, st.groups, st.moves, st.stale, st.history = clamped, groups, moves, stale, history
            st.window = deque([] if clamped != level else window, maxlen=self.window)
            st.since_move = since if clamped == level else 0


def observe_groups(curriculum: Curriculum, groups: Iterable[Any]) -> None:
    """Feed scored groups (each with ``trajectories``: task, identity, correct) to ``curriculum``; the
    level is the identity's ``"level"`` (None for a task without levels)."""
    for g in groups:
        trajs = g.trajectories
        if trajs:
            curriculum.observe(trajs[0].task, trajs[0].identity.get("level"), [t.correct for t in trajs])


def task_levels(problems: Any, mix: Mapping[str, float]) -> dict[str, TaskLevels]:
    """:class:`TaskLevels` of every task in ``mix``, looked up in ``problems`` (a registry).

    ``mix`` is the job's resolved mix, ``{mix key: weight}``: a key is a task id (the task's default level)
    or ``task_id@L`` (:func:`bootcamp.mix.split_key`). The curriculum moves a task's level itself, so a
    task named at several levels is one task: its weights add up and it starts at the lowest of them.
    """
    from bootcamp.mix import split_key

    weights: dict[str, float] = {}
    starts: dict[str, int] = {}
    defaults: dict[str, tuple[int, int]] = {}
    for key, weight in mix.items():
        task_id, level = split_key(key)
        if task_id not in defaults:
            task = problems.get(task_id)
            n = len(getattr(task, "levels", ()) or ()) or 1
            defaults[task_id] = (n, min(getattr(task, "default_level", None) or 1, n))
        start = level if level is not None else defaults[task_id][1]
        weights[task_id] = weights.get(task_id, 0.0) + weight
        starts[task_id] = min(starts.get(task_id, start), start)
    return {t: TaskLevels(defaults[t][0], starts[t], weights[t], defaults[t][1]) for t in weights}


def problem_at(task: Any, seed: int, level: int | None) -> Any:
    """``task.problem(seed)`` at ``level`` (a task without levels, or an environment, takes no level)."""
    if level is None or not getattr(task, "levels", ()):
        return task.problem(seed)
    return task.problem(seed, level=level)


class CurriculumSampler:
    """Draws problems at the curriculum's levels and with its weights, with the random stream (seeds,
    state, held-out problems) of the job's task sampler ``base`` (a :class:`bootcamp.mix.TaskSampler`).

    The sampler's state is ``base``'s; the curriculum's own state is saved beside it.
    """

    def __init__(self, base: Any, curriculum: Curriculum) -> None:
        from bootcamp.mix import split_key

        missing = sorted({split_key(k)[0] for k in base.ids} - set(curriculum.tasks))
        if missing:
            raise ValueError(f"curriculum: tasks of the mix it does not know: {missing[:5]}")
        self.base, self.curriculum = base, curriculum
        self.ids = sorted(curriculum.tasks)  # task ids: the curriculum picks each one's level

    @property
    def seed_limit(self) -> int:
        return self.base.seed_limit

    def sample(self, n: int) -> list[Any]:
        """``n`` problems: a task by the curriculum's weights, a fresh training seed, the task's level."""
        weights = self.curriculum.weights()  # observations come between calls, on the same thread
        ids = self.ids
        w = [weights[i] for i in ids]
        out = []
        for _ in range(n):
            task_id = self.base.rng.choices(ids, weights=w)[0]
            seed = self.base.rng.randrange(self.base.seed_limit)
            out.append(problem_at(self.base.registry.get(task_id), seed, self.curriculum.level(task_id)))
        self.base.drawn += n
        return out

    def eval_problems(self, per_task: int) -> list[Any]:
        """Held-out problems as the base sampler draws them (its levels: before and after stay comparable)."""
        return self.base.eval_problems(per_task)

    def state_dict(self) -> dict[str, Any]:
        return self.base.state_dict()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.base.load_state_dict(state)


def job_curriculum(cfg: CurriculumConfig, mix: Mapping[str, float], problems: Any, base: Any
                   ) -> tuple[Curriculum | None, Any]:
    """The job's curriculum and the sampler that draws its problems: ``(None, base)`` when ``cfg`` is off.

    Args:
        cfg: the job's ``curriculum`` section.
        mix: the resolved mix, ``{mix key: weight}`` (see :func:`task_levels`); ``problems``: where the
            ids are looked up.
        base: the job's task sampler (its random stream and held-out problems are kept).
    """
    if not cfg.enabled:
        return None, base
    curriculum = Curriculum.from_config(cfg, task_levels(problems, mix))
    return curriculum, CurriculumSampler(base, curriculum)


def checkpoint_state(curriculum: Curriculum | None) -> dict[str, Any]:
    """What a checkpoint's ``state.json`` holds of the curriculum (nothing without one)."""
    return {} if curriculum is None else {"curriculum": curriculum.state_dict()}


def restore(curriculum: Curriculum | None, state: Mapping[str, Any]) -> bool:
    """Load the curriculum's state from a checkpoint's ``state.json`` (a checkpoint of a run without a
    curriculum leaves it at its start); returns whether a state was loaded."""
    if curriculum is None or "curriculum" not in state:
        return False
    curriculum.load_state_dict(state["curriculum"])
    return True
