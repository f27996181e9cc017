"""Placement on a simulated 3-node Ray cluster, run as its own process by tests/learner/test_placement.py.

    python tests/learner/_placement_job.py MODEL_DIR RUN_DIR

The test session already holds a local Ray, so the multi-node cluster (``ray.cluster_utils.Cluster``)
lives here. Nodes: head {CPU 1}; a rollout node {CPU 1, rollout_node 2, label role=rollout}; a learner
node {CPU 2, learner_node 2, label role=learner}. Scenarios, one cluster for all:

- ``separate``: a 2-step RL job (hf engine, 2 rollout actors, 2 learner ranks) with mode separate and
  custom resources; each actor's node and the run's metrics.
- ``labels``: mode separate by node labels instead of resources (groups only, no actors); and the
  learners alone (``rollout=False``, a job handed running rollout actors).
- ``colocate``: 2 rollout actors of 0.5 CPU and 1 learner rank of 1 CPU: only the learner node holds all.
- ``restart``: a killed rollout actor started again with ``start_rollout_actor`` in its bundle.
- ``impossible``: a resource no node has, with a 3 s timeout: the error and how long it took.

The last stdout line is ``RESULT <json>``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ["RAY_AUTH_MODE"] = "disabled"
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.pop("RAY_ADDRESS", None)

from learner.config import JobConfig, parse_config  # noqa: E402
from learner.placement import actor_nodes, reserve  # noqa: E402
from learner.trainer import Trainer  # noqa: E402

STORE = 80 * 2**20


def start_cluster() -> Any:
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "object_store_memory": STORE,
                                                             "include_dashboard": False})
    cluster.add_node(num_cpus=1, resources={"rollout_node": 2}, labels={"role": "rollout"},
                     object_store_memory=STORE)
    cluster.add_node(num_cpus=2, resources={"learner_node": 2}, labels={"role": "learner"},
                     object_store_memory=STORE)
    cluster.wait_for_nodes()
    return cluster


def roles() -> dict[str, str]:
    """Node id by role: the head, the node with ``rollout_node`` and the one with ``learner_node``."""
    import ray

    out = {}
    for n in ray.nodes():
        res = n["Resources"]
        role = ("rollout" if "rollout_node" in res else "learner" if "learner_node" in res
                else "head" if "node:__internal_head__" in res else "other")
        out[role] = n["NodeID"]
    return out


def job(model: str, placement: dict[str, Any], **over: Any) -> JobConfig:
    data: dict[str, Any] = {
        "name": "placement", "seed": 0, "steps": 2, "model": {"path": model},
        "tasks": [{"id": "math/digit_parity"}],
        "rollout": {"engine": "hf", "num_actors": 2, "prompts_per_step": 2, "samples_per_prompt": 2,
                    "max_tokens": 6, "max_model_len": 64},
        "learner": {"num_ranks": 2, "lr": 0.01, "micro_batch": 4, "filter_uniform_groups": False},
        "warmup": {"steps": 0},
        "eval": {"problems_per_task": 0},
        "logging": {"progress": False, "tensorboard": False, "plot": False},
        "placement": placement,
        **over,
    }
    return parse_config(data)


class PlacedTrainer(Trainer):
    """The Trainer, recording where its actors ran before it kills them."""

    nodes: dict[str, list[str]] = {}

    def close(self) -> None:
        if self.learners and self.rollout:
            self.nodes = {"rollout": actor_nodes(list(self.rollout)), "learner": actor_nodes(list(self.learners))}
        super().close()


def separate(model: str, run_dir: Path) -> dict[str, Any]:
    cfg = job(model, {"mode": "separate", "rollout": {"cpus": 0, "resources": {"rollout_node": 1}},
                      "learner": {"cpus": 1, "resources": {"learner_node": 1}}})
    trainer = PlacedTrainer(cfg, run_dir)
    trainer.run()
    rows = [json.loads(x) for x in (run_dir / "metrics.jsonl").read_text().splitlines()]
    return {"nodes": trainer.nodes, "steps": [r["step"] for r in rows if r.get("phase") == "rl"],
            "metrics": rows}


def labels(model: str) -> dict[str, Any]:
    cfg = job(model, {"mode": "separate", "rollout": {"cpus": 0.5, "labels": {"role": "rollout"}},
                      "learner": {"cpus": 0.5, "labels": {"role": "learner"}}})
    placement = reserve(cfg, timeout_s=60)
    try:
        out: dict[str, Any] = {"bundles": placement.nodes()}
    finally:
        placement.remove()
    learners_only = reserve(cfg, timeout_s=60, rollout=False)  # a job handed running rollout actors
    try:
        out["learners_only"] = {"groups": len(learners_only.groups), "bundles": learners_only.nodes()}
    finally:
        learners_only.remove()
    return out


def colocate(model: str) -> dict[str, Any]:
    from learner.cluster import start_learners, start_rollout, start_rollout_actor

    cfg = job(model, {"mode": "colocate", "rollout": {"cpus": 0.5}, "learner": {"cpus": 1}},
              learner={"num_ranks": 1, "lr": 0.01, "micro_batch": 4})
    placement = reserve(cfg, timeout_s=60)
    learners = rollout = None
    try:
        learners = start_learners(cfg, model, placement)
        rollout = start_rollout(cfg, model, placement)
        out: dict[str, Any] = {"bundles": placement.nodes(),
                               "nodes": {"rollout": actor_nodes(list(rollout)), "learner": actor_nodes(list(learners))}}
        # restart: kill rollout actor 1, start it again in the same bundle
        import ray

        old_pid = ray.get(rollout[1].pid.remote())
        ray.kill(rollout[1])
        handle = start_rollout_actor(cfg, model, 1, placement)
        ray.get(handle.ready.remote(), timeout=120)
        rollout.actors[1] = handle
        out["restart"] = {"old_pid": old_pid, "new_pid": ray.get(handle.pid.remote()),
                          "node": actor_nodes([handle])[0]}
        return out
    finally:
        for group in (rollout, learners):
            if group is not None:
                group.kill()
        placement.remove()


def impossible(model: str) -> dict[str, Any]:
    import ray

    cfg = job(model, {"mode": "separate", "rollout": {"resources": {"gpu_node": 1}},
                      "learner": {"cpus": 1, "resources": {"learner_node": 1}}})
    before = ray.available_resources().get("learner_node", 0.0)
    t0 = time.perf_counter()
    try:
        reserve(cfg, timeout_s=3)
    except RuntimeError as exc:
        error = str(exc)
    else:
        error = ""
    seconds = time.perf_counter() - t0
    time.sleep(1)  # group removal is asynchronous
    return {"error": error, "seconds": seconds, "learner_node_before": before,
            "learner_node_after": ray.available_resources().get("learner_node", 0.0)}


def main() -> None:
    import ray

    from rollout.cluster import ensure_ray

    model, run_dir = sys.argv[1], Path(sys.argv[2])
    t0 = time.perf_counter()
    cluster = start_cluster()
    try:
        ensure_ray(cluster.address)
        result: dict[str, Any] = {"roles": roles(), "seconds": {"cluster": time.perf_counter() - t0}}
        scenarios = (("separate", lambda: separate(model, run_dir)), ("labels", lambda: labels(model)),
                     ("colocate", lambda: colocate(model)), ("impossible", lambda: impossible(model)))
        for name, run in scenarios:
            t1 = time.perf_counter()
            result[name] = run()
            result["seconds"][name] = time.perf_counter() - t1
        print("RESULT " + json.dumps(result), flush=True)
    finally:
        ray.shutdown()
        cluster.shutdown()


if __name__ == "__main__":
    main()
