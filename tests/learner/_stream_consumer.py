"""A learner in miniature for the kill test of ``learner.group_stream``: steps, checkpoints, acks.

Each "step" reads exactly ``--k`` groups and appends them to a work log (one JSON line a step).
Every ``--every`` steps (and at the end) it writes a checkpoint file atomically: the committed steps
with their groups, and the entry ids not yet acked; only then does it ack them. A run resuming from
a checkpoint first acks the ids it names (the process may have died between checkpoint and ack),
then continues until ``--total`` groups are committed.

    python tests/learner/_stream_consumer.py --url URL --name KEY --consumer c0 --dir DIR --total 60
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from learner.group_stream import RedisGroupStream


def _write_atomic(path: Path, state: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as f:
        json.dump(state, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--url", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--consumer", required=True)
    ap.add_argument("--dir", required=True, help="holds checkpoint.json and worklog.jsonl")
    ap.add_argument("--total", type=int, required=True, help="groups to commit in all")
    ap.add_argument("--k", type=int, default=4, help="groups per step")
    ap.add_argument("--every", type=int, default=2, help="steps per checkpoint")
    ap.add_argument("--step-sleep", type=float, default=0.0)
    ap.add_argument("--claim-idle-ms", type=int, default=300_000)
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--die-after-checkpoint", type=int, default=0,
                    help="exit (without acking) right after writing this many checkpoints in this run")
    args = ap.parse_args()

    ckpt, worklog = Path(args.dir) / "checkpoint.json", Path(args.dir) / "worklog.jsonl"
    state = json.loads(ckpt.read_text()) if ckpt.exists() else {"steps": [], "unacked": []}
    stream = RedisGroupStream(args.url, args.name, consumer=args.consumer, claim_idle_ms=args.claim_idle_ms,
                              poll_s=0.2)
    stream.ack(state["unacked"])  # committed by the checkpoint; maybe not acked before the last run died
    committed = sum(len(s["gids"]) for s in state["steps"])
    since: list[dict[str, Any]] = []
    checkpoints = 0
    while committed < args.total:
        entries = stream.read_exactly(args.k, args.timeout)
        for _, group, meta in entries:  # the payload really made the trip
            if group.trajectories[0].text != f"response {meta['gid']}":
                raise SystemExit(f"group {meta['gid']} decoded wrong: {group.trajectories[0].text!r}")
        step = {"step": len(state["steps"]) + len(since), "consumer": args.consumer,
                "ids": [i for i, _, _ in entries], "gids": [m["gid"] for _, _, m in entries]}
        with open(worklog, "a") as f:
            f.write(json.dumps(step) + "\n")
        time.sleep(args.step_sleep)  # the "training"
        since.append(step)
        committed += len(entries)
        if len(since) == args.every or committed >= args.total:
            ids = [i for s in since for i in s["ids"]]
            state = {"steps": state["steps"] + since, "unacked": ids}
            _write_atomic(ckpt, state)
            checkpoints += 1
            if checkpoints == args.die_after_checkpoint:
                os._exit(3)  # dies between checkpoint and ack
            stream.ack(ids)
            since = []
    stream.close()


if __name__ == "__main__":
    main()
