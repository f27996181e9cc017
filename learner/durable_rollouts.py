"""Scored groups through a Redis stream on their way to the learner (``stream.backend: redis``).

:class:`DurableRollouts` has the driver-facing interface of :class:`~learner.pipeline.RolloutStream`
(``request``, ``next_group``, ``outstanding``, ``take_totals``, ``close``): each scored group the rollout
stream hands out is published to the job's Redis stream and read back through the consumer group, so
it stays in Redis, pending, until a checkpoint holds the step that trained on it (:meth:`commit`).

When the driver dies (or the job restarts after a learner rank died), the next start replays first
what Redis still holds: the groups read by the steps after the last checkpoint (those updates were
lost with the process) and the groups published but never read. The task sampler continues after
the last replayed group's draw, so a replayed problem is not drawn again. Every group trained on in
the run's final history was trained on exactly once; nothing scored is lost. Problems that were drawn
but not yet scored when the driver died are not drawn again (counted in ``events.jsonl``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from learner.group_stream import RedisGroupStream
from learner.pipeline import Group, RolloutStream

#: The consumer name of a job's driver (one reader per job; a restart reads its pending list).
CONSUMER = "driver"


def stream_name(job: str, run_dir: str | Path, name: str | None = None) -> str:
    """The stream key: ``name``, or one per job name and run folder (two runs never share one)."""
    if name:
        return name
    digest = hashlib.sha1(str(Path(run_dir).resolve()).encode()).hexdigest()[:10]
    return f"bootcamp:stream:{job}:{digest}"


class DurableRollouts:
    """A rollout stream whose groups pass through Redis (see the module docstring).

    Args:
        inner: the rollout stream that generates and scores.
        redis: the job's stream (consumer :data:`CONSUMER`).
        sampler: the task sampler ``inner`` draws from (set to the last replayed draw's state).
        fresh: a new run: the stream is emptied first; else what it holds is replayed.
        committed: ids a checkpoint recorded as covered but that may not have been acked yet (the
            process can die between writing a checkpoint and acking); acked at once.
    """

    def __init__(self, inner: RolloutStream, redis: RedisGroupStream, sampler: Any, fresh: bool,
                 committed: list[str] | None = None) -> None:
        self.inner, self.redis = inner, redis
        inner.keep_sampler_state = True
        if fresh:
            redis.reset()
        elif committed:
            redis.ack(committed)
        self.used: list[str] = []  # ids read since the last commit
        self.step_ids: list[str] = []  # ids read since the last take_step_ids
        held = redis.pending_count(CONSUMER) + redis.backlog()
        self.replay_left = 0 if fresh else held
        self.replayed = 0
        last = None if fresh or not held else redis.last_meta()
        if last and last.get("sampler"):
            sampler.load_state_dict(last["sampler"])  # draw after the last group Redis holds

    def request(self, n_groups: int) -> None:
        self.inner.request(n_groups)

    def outstanding(self) -> int:
        return self.inner.outstanding() + self.replay_left

    def next_group(self, timeout: float | None = None) -> Group:
        """The next group: a replayed one while Redis holds any, then the rollout stream's (published,
        then read back through the consumer group)."""
        if self.replay_left:
            got = self.redis.read(1, timeout_s=5.0)
            if got:
                self.replay_left -= 1
                self.replayed += 1
                return self._take(got[0])
            self.replay_left = 0  # another reader took them: nothing more to replay
        group = self.inner.next_group(timeout)
        self.redis.publish(group, {"sampler": group.sampler_state, "version": group.version})
        (entry,) = self.redis.read_exactly(1, timeout_s=60.0)
        return self._take(entry)

    def _take(self, entry: tuple[str, Group, dict[str, Any]]) -> Group:
        eid, group, _ = entry
        self.used.append(eid)
        self.step_ids.append(eid)
        return group

    def take_step_ids(self) -> list[str]:
        """Ids read since the last call (the groups of one step, kept or dropped)."""
        out, self.step_ids = self.step_ids, []
        return out

    def uncommitted(self) -> list[str]:
        """Ids read since the last commit (a checkpoint records them before :meth:`commit`)."""
        return list(self.used)

    def commit(self) -> int:
        """Acknowledge every group read so far: call once a checkpoint holds the steps that read them."""
        n = self.redis.ack(self.used) if self.used else 0
        self.used = []
        return n

    def take_totals(self) -> dict[str, float]:
        out = self.inner.take_totals()
        out["replayed_groups"], self.replayed = float(self.replayed), 0
        return out

    def close(self) -> None:
        self.inner.close()
        self.redis.close()
