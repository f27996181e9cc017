"""Streaming rollouts: generation requests in flight on the rollout actors, scored as they come back.

The driver asks for groups (``request``); they are sampled from the task mix, cut into requests of
``chunk`` prompts, and sent round-robin to the rollout actors, each as a Ray streaming generator
(``RolloutWorker.generate_stream``) that yields every prompt's group of G responses as soon as the
engine has finished it. A background thread scores groups as they arrive (while the engines keep
generating and the learners keep training); :meth:`RolloutStream.next_group` hands out scored groups
in request order, and in prompt order within a request, so a run is reproducible whatever the
timing: which weights sampled a request depends only on the order of calls to each actor
(generation requests and weight pushes), never on how long anything took.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from learner.group import ActorGroup
from rollout.types import Trajectory


@dataclass
class Group:
    """One prompt's G scored responses, and the policy version that sampled them."""

    trajectories: list[Trajectory]
    version: int
    sampler_state: dict[str, Any] | None = None  # the task sampler's state after the draw that made this group

    def informative(self) -> bool:
        """Whether the rewards differ (a group of equal rewards has zero advantage everywhere)."""
        rewards = [t.reward for t in self.trajectories]
        return max(rewards) - min(rewards) > 1e-6  # as learner.advantages.informative_groups


@dataclass
class _Request:
    """One generation request: a streaming generator of its groups, filled in as they arrive."""

    seq: int
    stream: Any  # a Ray ObjectRefGenerator over (index, trajectories, stats)
    groups: list[Group | None]
    actor: int = 0  # index of the rollout actor it went to
    handle: Any = None  # that actor's handle when it was sent
    rows: list[dict[str, Any]] = field(default_factory=list)  # the prompts, to send again if the actor dies
    args: tuple[Any, ...] = ()  # (n, temperature, top_p, max_tokens, seed, first_group) of generate_stream
    index_map: list[int] | None = None  # after a re-issue: the stream's index i is group index_map[i]
    released: int = 0  # groups handed out so far (in index order)
    finished: bool = False  # the generator is exhausted
    lost: bool = False  # the actor died before every group arrived
    error: BaseException | None = None
    seconds: float = 0.0  # generation seconds counted so far (the actor reports time since the start)
    sampler_state: dict[str, Any] | None = None  # the task sampler's state after this request's draw

    def ready(self) -> bool:
        return self.released < len(self.groups) and self.groups[self.released] is not None


class RolloutStream:
    """Groups of responses in request order; generation and scoring run in the background.

    Args:
        rollout: the rollout actors (``RolloutWorker.generate``).
        sampler: draws problems (``sample(n) -> list[Problem]``).
        score: scores trajectories in place (``score(list[Trajectory])``), called on the stream's thread.
        n: responses per prompt (G); ``temperature``, ``top_p``, ``max_tokens``: sampling settings.
        chunk: prompts per request (0: a request's prompts split evenly over the actors).
        seed: the run's rollout seed; request ``q`` samples with a seed derived from it.
        recover: ``recover(actor index, dead handle) -> live handle``, called on the driver's thread when
            an actor dies with groups in flight (it restarts the actor, or returns the one that replaced
            it); the groups that did not arrive are sent again to the live one and counted
            (``reissued_groups``). None: a dead actor fails its requests.
    """

    def __init__(self, rollout: ActorGroup, sampler: Any, score: Any, n: int, temperature: float, top_p: float,
                 max_tokens: int, chunk: int = 0, seed: int = 0, recover: Any = None) -> None:
        self.rollout, self.sampler, self.score, self.recover = rollout, sampler, score, recover
        self.n, self.temperature, self.top_p, self.max_tokens = n, temperature, top_p, max_tokens
        self.chunk, self.seed = chunk, seed
        self.pending: deque[_Request] = deque()  # in request order; the head is handed out next
        self.next_seq = 0  # requests sent so far
        self.batches_requested = 0
        self.keep_sampler_state = False  # stamp groups with the sampler's state (a durable stream resumes from it)
        self.lock = threading.Condition()
        self.stopped = False
        self.totals = {"gen_tokens": 0.0, "gen_seconds": 0.0, "score_seconds": 0.0, "reissued_groups": 0.0}
        self.thread = threading.Thread(target=self._work, name="rollout-stream", daemon=True)
        self.thread.start()

    # -- the driver's side ------------------------------------------------------------------------
    def request(self, n_groups: int) -> None:
        """Sample ``n_groups`` problems and send them to the actors (returns at once)."""
        if n_groups <= 0:
            return
        problems = self.sampler.sample(n_groups)
        drawn = self.sampler.state_dict() if self.keep_sampler_state else None
        actors = len(self.rollout)
        size = self.chunk or math.ceil(len(problems) / actors)
        first_actor = self.next_seq % actors
        for start in range(0, len(problems), size):
            part = problems[start : start + size]
            actor = (first_actor + start // size) % actors
            rows = [{"task": p.task, "seed": p.seed, "prompt": p.prompt, "identity": p.identity} for p in part]
            # one request per actor per batch (chunk 0) keeps the seeds of whole-batch generation
            seed = self.seed * 100_003 + self.batches_requested * 1_000 + start // size
            args = (self.n, self.temperature, self.top_p, self.max_tokens, seed, start)
            handle = self.rollout[actor]
            gen = handle.generate_stream.options(num_returns="streaming").remote(rows, *args)
            with self.lock:
                self.pending.append(_Request(self.next_seq, gen, [None] * len(part), actor, handle, rows, args,
                                             sampler_state=drawn))
                self.lock.notify_all()
            self.next_seq += 1
        self.batches_requested += 1

    def next_group(self, timeout: float | None = None) -> Group:
        """The next group in request order (within a request, in prompt order), once it is generated
        and scored (blocks).

        Raises:
            RuntimeError: nothing is requested, or the request failed (the actor's error is chained).
            TimeoutError: nothing arrived within ``timeout`` seconds.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.lock:
            while True:
                if not self.pending:
                    raise RuntimeError("next_group: no groups requested (call request first)")
                head = self.pending[0]
                if head.ready():
                    group = head.groups[head.released]
                    head.groups[head.released] = None  # handed out: the stream keeps no reference
                    head.released += 1
                    if head.released == len(head.groups):
                        self.pending.popleft()
                    assert group is not None
                    return group
                if head.lost and head.error is None:
                    self._reissue(head)
                    continue
                if head.error is not None:
                    self.pending.popleft()
                    raise RuntimeError(f"rollout request {head.seq} failed: {head.error}") from head.error
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise TimeoutError(f"no rollout group within {timeout} s")
                self.lock.wait(left if left is not None else 1.0)

    def outstanding(self) -> int:
        """Groups requested and not yet handed out."""
        with self.lock:
            return sum(len(r.groups) - r.released for r in self.pending)

    def take_totals(self) -> dict[str, float]:
        """Generation tokens and seconds, scoring seconds since the last call (then reset)."""
        with self.lock:
            out, self.totals = self.totals, {k: 0.0 for k in self.totals}
        return out

    def close(self) -> None:
        """Stop the thread; requests still in flight are dropped."""
        with self.lock:
            self.stopped = True
            self.lock.notify_all()
        self.thread.join(timeout=10)

    # -- the background thread --------------------------------------------------------------------
    def _work(self) -> None:
        import ray

        while True:
            with self.lock:
                while not self.stopped and not self._live():
                    self.lock.wait(1.0)
                if self.stopped:
                    return
                live = self._live()
            ready, _ = ray.wait([r.stream for r in live], num_returns=1, timeout=0.5)
            arrived: list[tuple[_Request, int, list[Trajectory], dict[str, float]]] = []
            died: list[_Request] = []
            failed: list[tuple[_Request, BaseException]] = []
            for req in live:
                while req.stream in ready:
                    try:
                        item = ray.get(next(req.stream))
                    except StopIteration:
                        req.finished = True
                        break
                    except ray.exceptions.RayActorError as exc:
                        if self.recover is None:
                            failed.append((req, exc))
                        else:
                            died.append(req)
                        break
                    except Exception as exc:  # noqa: BLE001 - handed to the driver by next_group
                        failed.append((req, exc))
                        break
                    arrived.append((req, *item))
                    ready, _ = ray.wait([req.stream], num_returns=1, timeout=0)
            if arrived:
                self._score(arrived)
            if died or failed:  # after the groups that did arrive are stored
                with self.lock:
                    for req in died:
                        req.lost = True
                    for req, exc in failed:
                        req.error = exc
                    self.lock.notify_all()

    def _live(self) -> list[_Request]:
        return [r for r in self.pending if not r.finished and not r.lost and r.error is None]

    def _reissue(self, req: _Request) -> None:
        """Send the groups of ``req`` that never arrived to the live actor in its place (lock held)."""
        missing = [i for i in range(req.released, len(req.groups)) if req.groups[i] is None]
        self.lock.release()  # restarting an actor takes seconds; the scoring thread goes on meanwhile
        try:
            handle = self.recover(req.actor, req.handle)
        except BaseException as exc:
            self.lock.acquire()
            req.error = exc
            return
        self.lock.acquire()
        *args, first = req.args
        rows = [req.rows[i] for i in missing]
        gen = handle.generate_stream.options(num_returns="streaming").remote(rows, *args, first)
        req.stream, req.handle, req.finished, req.lost, req.seconds = gen, handle, False, False, 0.0
        # the stream's index j is group missing[j] (through the first issue's mapping, if any)
        req.index_map = missing
        self.totals["reissued_groups"] += len(missing)
        self.lock.notify_all()

    def _score(self, arrived: list[tuple[_Request, int, list[Trajectory], dict[str, float]]]) -> None:
        """Score the groups that arrived together in one call; a scorer error fails their requests."""
        trajs = [t for _, _, group, _ in arrived for t in group]
        t0 = time.perf_counter()
        try:
            self.score(trajs)
        except Exception as exc:  # noqa: BLE001 - handed to the driver by next_group
            with self.lock:
                for req, *_ in arrived:
                    req.error = exc
                self.lock.notify_all()
            return
        scored = time.perf_counter() - t0
        with self.lock:
            for req, index, group, stats in arrived:
                if req.index_map is not None:
                    index = req.index_map[index]
                    for t in group:  # numbered as in the first issue
                        t.group = req.args[-1] + index
                req.groups[index] = Group(group, min(t.policy_version for t in group), req.sampler_state)
                self.totals["gen_tokens"] += stats["tokens"]
                self.totals["gen_seconds"] += max(0.0, stats["seconds"] - req.seconds)
                req.seconds = max(req.seconds, stats["seconds"])
            self.totals["score_seconds"] += scored
            self.lock.notify_all()
