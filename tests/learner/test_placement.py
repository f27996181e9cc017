"""Placement of a job's actors: the config's validation, and real placement groups on a 3-node cluster.

The cluster tests share one run of ``_placement_job.py`` in a subprocess (the test session's own
local Ray must not be disturbed); see that script for the nodes and scenarios.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from learner.config import parse_config
from learner.placement import NODE_ID_LABEL, Placement, PlacementConfig, RolePlacement, reserve

ROOT = Path(__file__).resolve().parents[2]
JOB = Path(__file__).with_name("_placement_job.py")

#: The example in the deployment docs.
DOC_EXAMPLE = """
placement:
  mode: separate
  timeout_s: 600
  rollout:
    cpus: 1
    resources: {rollout_node: 1}
  learner:
    cpus: 4
    labels: {accelerator: H100}
    strategy: STRICT_PACK
"""


def _job(placement: dict[str, Any] | None = None, **rollout: Any) -> Any:
    data: dict[str, Any] = {"tasks": ["math/digit_parity"], "rollout": {"num_actors": 2, **rollout},
                            "learner": {"num_ranks": 2}}
    if placement is not None:
        data["placement"] = placement
    return parse_config(data)


# -- config (no cluster) ------------------------------------------------------------------------
def test_default_is_none_and_gives_no_options():
    cfg = _job()
    assert cfg.placement.mode == "none"
    placement = reserve(cfg)  # mode none: no placement group, no Ray call
    assert placement.groups == [] and placement.rollout_options(0) == {} and placement.learner_options(1) == {}


def test_doc_example_parses():
    cfg = _job(yaml.safe_load(DOC_EXAMPLE)["placement"])
    p = cfg.placement
    assert p.mode == "separate" and p.timeout_s == 600
    assert p.rollout.bundle(0.0) == {"CPU": 1.0, "rollout_node": 1.0}
    assert p.learner.bundle(1.0) == {"CPU": 4.0, "GPU": 1.0} and p.learner.strategy == "STRICT_PACK"


@pytest.mark.parametrize("placement, message", [
    ({"rollout": {"cpus": 2}}, "placement.rollout: has no effect with placement.mode 'none'"),
    ({"mode": "colocate", "learner": {"strategy": "SPREAD"}}, "conflicts with mode 'colocate'"),
    ({"mode": "colocate", "rollout": {"labels": {"zone": "a"}}, "learner": {"labels": {"zone": "b"}}},
     "rollout wants zone=a and learner zone=b"),
    ({"mode": "separate", "rollout": {"labels": {NODE_ID_LABEL: "abc"}}}, "is set by mode 'separate'"),
    ({"mode": "separate", "rollout": {"resources": {"GPU": 1}}}, "num_gpus_per_actor"),
    ({"mode": "separate", "rollout": {"resources": {"rollout_node": 0}}}, "placement.rollout.resources: resource 'rollout_node' must be > 0"),
    ({"mode": "separate", "rollout": {"labels": {"zone": "bad value!"}}}, "Invalid label selector value"),
    ({"mode": "separate", "rollout": {"strategy": "ANYWHERE"}}, "placement.rollout.strategy"),
    ({"mode": "spread"}, "placement.mode"),
    ({"mode": "separate", "rolout": {}}, "placement.rolout"),
    ({"mode": "separate", "timeout_s": 0}, "placement.timeout_s"),
])
def test_bad_configs_name_the_field(placement, message):
    with pytest.raises(ValueError, match="invalid job config") as info:
        _job(placement)
    assert message in str(info.value)


def test_compatible_colocate_labels_pass():
    cfg = _job({"mode": "colocate", "rollout": {"labels": {"zone": "a"}},
                "learner": {"labels": {"zone": "in(a,b)", "gpu": "H100"}}})
    assert cfg.placement.learner.labels == {"zone": "in(a,b)", "gpu": "H100"}


def test_empty_bundle_is_an_error_before_touching_ray():
    cfg = _job({"mode": "separate", "rollout": {"cpus": 0}})
    with pytest.raises(ValueError, match=r"placement.rollout: the bundle is empty"):
        reserve(cfg)
    # a GPU makes the same bundle non-empty
    assert RolePlacement(cpus=0).bundle(1.0) == {"GPU": 1.0}


def test_options_point_at_the_role_bundle():
    pc = PlacementConfig(mode="separate", rollout=RolePlacement(cpus=0, resources={"rollout_node": 1}),
                         learner=RolePlacement(cpus=2))
    roll_pg, learn_pg = object(), object()
    placement = Placement(pc, rollout_gpus=0.5, learner_gpus=1.0, groups=[learn_pg, roll_pg],
                          rollout_bundles=[(roll_pg, 0), (roll_pg, 1)], learner_bundles=[(learn_pg, 0)])
    opts = placement.rollout_options(1)
    strategy = opts.pop("scheduling_strategy")
    assert strategy.placement_group is roll_pg and strategy.placement_group_bundle_index == 1
    assert opts == {"num_cpus": 0, "num_gpus": 0.5, "resources": {"rollout_node": 1}}
    learner = placement.learner_options(0)
    assert learner["scheduling_strategy"].placement_group is learn_pg and learner["num_gpus"] == 1.0
    with pytest.raises(ValueError, match="no rollout bundle 2; 2 were reserved"):
        placement.rollout_options(2)


# -- a simulated 3-node cluster (one subprocess for all scenarios) ------------------------------------
@pytest.fixture(scope="module")
def cluster_run(tiny_model: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    run_dir = tmp_path_factory.mktemp("placement") / "run"
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    env.pop("RAY_ADDRESS", None)
    proc = subprocess.run([sys.executable, str(JOB), tiny_model, str(run_dir)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-4000:]
    lines = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
    assert lines, proc.stdout[-2000:] + proc.stderr[-2000:]
    return json.loads(lines[-1].removeprefix("RESULT "))


@pytest.mark.slow
def test_separate_puts_each_role_on_its_own_node(cluster_run):
    roles, run = cluster_run["roles"], cluster_run["separate"]
    assert len({roles["head"], roles["rollout"], roles["learner"]}) == 3
    assert run["nodes"]["rollout"] == [roles["rollout"]] * 2
    assert run["nodes"]["learner"] == [roles["learner"]] * 2
    assert run["steps"] == [0, 1]
    rl = [m for m in run["metrics"] if m.get("phase") == "rl"]
    assert all(m["effective_batch"] == 4 and m["gen_tokens"] > 0 and m["grad_norm"] >= 0 for m in rl)


@pytest.mark.slow
def test_separate_by_node_labels(cluster_run):
    roles, bundles = cluster_run["roles"], cluster_run["labels"]["bundles"]
    assert bundles == {"rollout": [roles["rollout"]] * 2, "learner": [roles["learner"]] * 2}
    only = cluster_run["labels"]["learners_only"]
    assert only == {"groups": 1, "bundles": {"rollout": [], "learner": [roles["learner"]] * 2}}


@pytest.mark.slow
def test_colocate_puts_every_actor_on_one_node_and_restarts_in_its_bundle(cluster_run):
    roles, run = cluster_run["roles"], cluster_run["colocate"]
    # 2 CPUs in all: only the 2-CPU learner node holds every bundle
    assert run["nodes"] == {"rollout": [roles["learner"]] * 2, "learner": [roles["learner"]]}
    assert run["bundles"] == run["nodes"]
    restart = run["restart"]
    assert restart["node"] == roles["learner"] and restart["new_pid"] != restart["old_pid"]


@pytest.mark.slow
def test_impossible_request_fails_fast_with_what_was_asked(cluster_run):
    roles, run = cluster_run["roles"], cluster_run["impossible"]
    error = run["error"]
    assert error.startswith("placement: the cluster could not hold the job's bundles within 3 s")
    assert "'gpu_node': 1.0" in error and "no node has: gpu_node" in error
    for node in roles.values():
        assert f"node {node[:12]}" in error
    assert run["seconds"] < 20
    # the learners' group, already reserved when the rollout one timed out, was released again
    assert run["learner_node_after"] == run["learner_node_before"] == 2.0
