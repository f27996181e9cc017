"""Weight sync without disk: real Ray, 2 FSDP2 learner ranks on gloo, the hf engine and the session vLLM engine.

Every bucketed push must leave each engine with exactly the weights the object_store path
(the original one) gives for the same learner weights; the fingerprint is
``RolloutWorker.probe`` (greedy log-probs of a fixed prompt).
"""

import pytest

from learner.group import ActorGroup
from rollout import testing
from rollout.weight_transport import ALIGN, TensorSpec, plan_buckets

METHODS = ["collective", "shared_memory"]


# -- the bucket plan (pure) ---------------------------------------------------------------------
def _specs():
    return [TensorSpec("a", (10, 10), "float32", 400), TensorSpec("big", (1000,), "float32", 4000),
            TensorSpec("c", (3,), "int64", 24), TensorSpec("scalar", (), "float32", 4)]


def test_plan_splits_large_tensors_and_keeps_small_ones_whole():
    plan = plan_buckets(_specs(), 1024)
    assert plan.capacity == 1024 and plan.nbytes == 4428
    assert all(b.nbytes <= 1024 for b in plan.buckets)
    assert all(p.offset % ALIGN == 0 for b in plan.buckets for p in b.pieces)
    big = [p for b in plan.buckets for p in b.pieces if p.name == "big"]
    assert len(big) >= 4 and sum(p.nbytes for p in big) == 4000 and [p.last for p in big][-1]
    assert [p.start for p in big] == sorted(p.start for p in big) and big[0].start == 0
    for name in ("a", "c", "scalar"):
        (piece,) = [p for b in plan.buckets for p in b.pieces if p.name == name]
        assert piece.start == 0 and piece.last
    assert plan.names() == ["a", "big", "c", "scalar"]


def test_plan_of_a_name_subset_and_unknown_names():
    plan = plan_buckets(_specs(), 1 << 20, names=["c", "a"])
    assert plan.names() == ["a", "c"] and len(plan.buckets) == 1 and plan.nbytes == 424
    with pytest.raises(ValueError, match="not parameters of the policy: \\['nope'\\]"):
        plan_buckets(_specs(), 1 << 20, names=["a", "nope"])


def test_unpack_roundtrip_through_split_buckets():
    import torch

    from rollout.weight_transport import tensor_specs, unpack

    state = {"w": torch.randn(33, 17), "i": torch.arange(5), "h": torch.randn(300, dtype=torch.float64)}
    specs = tensor_specs(state.items())
    plan = plan_buckets(specs, 256)
    buckets = []
    for b in plan.buckets:  # what a sender packs
        buf = torch.zeros(b.nbytes, dtype=torch.uint8)
        for p in b.pieces:
            raw = state[p.name].reshape(-1).view(torch.uint8)
            buf[p.offset:p.offset + p.nbytes] = raw[p.start:p.start + p.nbytes]
        buckets.append(buf)
    got = dict(unpack(plan, {s.name: s for s in specs}, lambda i, b: buckets[i], "cpu"))
    assert set(got) == set(state) and all(torch.equal(got[k], v) for k, v in state.items())


def test_unknown_method_names_the_config_field():
    from learner.config import parse_config
    from learner.weight_sync import make_weight_sync

    with pytest.raises(ValueError, match=r"learner\.weight_sync: unknown 'rdma'; valid: collective, "
                                         r"object_store, shared_memory"):
        make_weight_sync("rdma", ActorGroup(), ActorGroup(), 1)
    with pytest.raises(ValueError, match=r"learner\.weight_sync"):
        parse_config({"name": "x", "model": {"path": "m"}, "tasks": [{"id": "math/digit_add", "weight": 1}],
                      "learner": {"weight_sync": "rdma"}})


# -- real actors ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cluster(tiny_model, vllm_rollout):
    """2 FSDP2 learner ranks (gloo) and two rollout actors: a fresh hf one and the session vLLM one."""
    import ray
    from safetensors.torch import load_file

    from learner.cluster import start_learners
    from learner.config import parse_config
    from rollout.actor import rollout_actor

    testing.shared_ray()
    cfg = parse_config({"name": "ws", "seed": 0, "model": {"path": tiny_model},
                        "tasks": [{"id": "math/digit_add", "weight": 1}],
                        "learner": {"num_ranks": 2, "lr": 0.05, "micro_batch": 4}})
    learners = start_learners(cfg, tiny_model)
    hf = rollout_actor().remote("hf", tiny_model, max_model_len=128, seed=0)
    ray.get(hf.ready.remote())
    yield learners, ActorGroup([hf, vllm_rollout])
    learners.kill()
    ray.kill(hf)
    # the session vLLM actor goes back to the initial weights for the tests after these
    ray.get(vllm_rollout.load_weights.remote(load_file(f"{tiny_model}/model.safetensors"), 0))


def _train(learners, seed):
    """One real supervised train_step on both ranks (random token sequences), so the weights move."""
    import random

    from learner.batch import TrainBatch, TrainItem

    rng = random.Random(seed)
    items = [TrainItem([rng.randrange(3, 259) for _ in range(6)], [rng.randrange(3, 259) for _ in range(8)])
             for _ in range(8)]
    shards = [TrainBatch(items[r::2]) for r in range(2)]
    learners.call_each("train_step", [(s,) for s in shards], n_micro=1, norm=8.0, temperature=1.0, max_tokens=8,
                       sft=True)


def _probes(rollout):
    return rollout.call("probe")


def _versions(rollout):
    import ray

    problem = {"task": "t", "seed": 0, "prompt": "1+1", "identity": {}}
    return [trajs[0].policy_version for trajs, _ in ray.get([a.generate.remote([problem], 1, 0.0, 1.0, 1, 0)
                                                             for a in rollout])]


def _reference(learners, rollout, version):
    """What the object_store path gives for the learners' current weights."""
    from learner.weight_sync import make_weight_sync

    sync = make_weight_sync("object_store", learners, rollout, 1)
    stats = sync.push(version)
    assert stats["sync_bytes"] > 0 and stats["sync_seconds"] > 0
    return _probes(rollout)


def _same(a, b):
    return all(x == pytest.approx(y, abs=1e-6) for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("method", METHODS)
def test_push_matches_object_store(cluster, method):
    from learner.weight_sync import make_weight_sync

    learners, rollout = cluster
    before = _reference(learners, rollout, 1)
    sync = make_weight_sync(method, learners, rollout, 1)
    try:
        _train(learners, seed=1)
        stats = sync.push(7)
        assert set(stats) == {"sync_seconds", "sync_bytes"} and stats["sync_seconds"] > 0
        assert stats["sync_bytes"] == sum(s.nbytes for s in sync.specs())
        got = _probes(rollout)
        assert _versions(rollout) == [7, 7]
        assert not _same(got, before), "the train step must change the engines' fingerprint"
        assert _same(got, _reference(learners, rollout, 7))

        # a second push, after another step, with the same connection
        _train(learners, seed=2)
        sync.push(8)
        got = _probes(rollout)
        assert _versions(rollout) == [8, 8]
        assert _same(got, _reference(learners, rollout, 8))
    finally:
        sync.close()


@pytest.mark.parametrize("method", METHODS)
def test_tiny_buckets_split_tensors(cluster, method):
    """Buckets of 16 KiB: most tensors of the tiny model span several buckets."""
    from learner.weight_sync import make_weight_sync

    learners, rollout = cluster
    sync = make_weight_sync(method, learners, rollout, 1 / 64)
    try:
        split = {p.name for b in sync.plan.buckets for p in b.pieces if not (p.start == 0 and p.last)}
        assert len(sync.plan.buckets) >= 10 and len(split) >= 4
        _train(learners, seed=3)
        sync.push(9)
        got = _probes(rollout)
        assert _versions(rollout) == [9, 9]
        assert _same(got, _reference(learners, rollout, 9))
    finally:
        sync.close()


def test_subset_pushes_compose(cluster):
    """Two pushes of disjoint name subsets give the same engines as one full push (room for LoRA)."""
    from learner.weight_sync import make_weight_sync

    learners, rollout = cluster
    sync = make_weight_sync("collective", learners, rollout, 1)
    try:
        names = [s.name for s in sync.specs()]
        before = _reference(learners, rollout, 10)
        _train(learners, seed=4)
        head = [n for n in names if n.startswith("lm_head")]
        assert head and sync.push(11, names=head)["sync_bytes"] < sum(s.nbytes for s in sync.specs())
        partial = _probes(rollout)
        assert not _same(partial, before)
        sync.push(11, names=[n for n in names if n not in head])
        got = _probes(rollout)
        assert not _same(got, partial)
        assert _same(got, _reference(learners, rollout, 11))
    finally:
        sync.close()


def test_a_missing_sender_times_out_with_a_clear_error(cluster):
    import ray

    from learner.weight_sync import make_weight_sync

    learners, rollout = cluster
    hf_only = ActorGroup([rollout[0]])
    sync = make_weight_sync("collective", learners, hf_only, 1, timeout_s=3)
    try:
        with pytest.raises(ray.exceptions.RayTaskError, match=r"learner\.weight_sync.*bucket 0"):
            ray.get(hf_only[0].ws_receive.remote(sync.token, sync.plan, 1, 99), timeout=60)
        assert _versions(hf_only) != [99]
    finally:
        sync.close()
