"""Where a job's actors run: Ray placement groups built from per-role resources and node labels.

Three modes (``placement.mode``):

- ``none``: no placement group; Ray schedules each actor where it fits (the actors reserve no CPU).
- ``colocate``: one placement group with a bundle per rollout actor and per learner rank, ``STRICT_PACK``:
  every actor lands on one node.
- ``separate``: two placement groups. The learners' is reserved first; the rollout group is then
  created with a node label selector that excludes the learners' nodes (``ray.io/node-id: !in(...)``),
  so the two sets of nodes cannot overlap, and :func:`reserve` checks it once both are ready.

A bundle is what one actor asks for: ``cpus`` CPUs, the role's GPUs (``rollout.num_gpus_per_actor`` /
``learner.num_gpus_per_rank``) and its custom ``resources``; ``labels`` select the nodes it may use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

if TYPE_CHECKING:
    from learner.config import JobConfig

#: The label every Ray node carries with its own id (``ray.util.placement_group.NODE_ID_LABEL_KEY``).
NODE_ID_LABEL = "ray.io/node-id"

Strategy = Literal["PACK", "SPREAD", "STRICT_PACK", "STRICT_SPREAD"]


class RolePlacement(BaseModel):
    """The bundle of one actor of a role (a rollout actor or a learner rank) and where it may go."""

    model_config = ConfigDict(extra="forbid")

    cpus: float = Field(1.0, ge=0, description=(
        "CPUs reserved per actor (its bundle). 0 is allowed when the bundle has GPUs or custom resources."))
    resources: dict[str, float] = Field(default_factory=dict, description=(
        "Custom Ray resources per actor, e.g. {rollout_node: 1} for nodes started with "
        "--resources '{\"rollout_node\": 8}'. CPUs and GPUs are set by `cpus` and the role's GPU field."))
    labels: dict[str, str] = Field(default_factory=dict, description=(
        "Ray node label selector per actor, e.g. {accelerator: H100} or {zone: 'in(a,b)'}; "
        "nodes carry labels from `ray start --labels`."))
    strategy: Strategy | None = Field(None, description=(
        "How the role's bundles spread over nodes (mode separate): PACK (default), SPREAD, STRICT_PACK, "
        "STRICT_SPREAD. Mode colocate is always STRICT_PACK."))

    @field_validator("resources")
    @classmethod
    def _resources(cls, value: dict[str, float]) -> dict[str, float]:
        for name, amount in value.items():
            if name in ("CPU", "GPU"):
                raise ValueError(f"resource {name!r} is set by `cpus` or the role's GPU field "
                                 "(rollout.num_gpus_per_actor, learner.num_gpus_per_rank), not in `resources`")
            if not name:
                raise ValueError("resource names must not be empty")
            if amount <= 0:
                raise ValueError(f"resource {name!r} must be > 0, got {amount:g}")
        return value

    @field_validator("labels")
    @classmethod
    def _labels(cls, value: dict[str, str]) -> dict[str, str]:
        for key, selector in value.items():
            if not key or not selector:
                raise ValueError(f"label {key!r}: keys and selectors must be non-empty strings")
        if value:
            from ray._private.label_utils import validate_label_selector

            error = validate_label_selector(value)
            if error:
                raise ValueError(error)
        return value

    def is_default(self) -> bool:
        """Whether nothing was set (a role setting has no effect in mode ``none``)."""
        return self == RolePlacement()

    def bundle(self, gpus: float) -> dict[str, float]:
        """One actor's bundle: CPUs, GPUs and custom resources (zero amounts left out)."""
        out = {"CPU": self.cpus, "GPU": gpus, **self.resources}
        return {k: float(v) for k, v in out.items() if v > 0}


def _plain(selector: str) -> bool:
    """A selector that names one value (no operator): two different plain values cannot both hold."""
    return not selector.startswith("!") and not selector.startswith("in(")


class PlacementConfig(BaseModel):
    """How rollout actors and learner ranks are placed on the cluster's nodes."""

    model_config = ConfigDict(extra="forbid")

    mode: Literal["none", "colocate", "separate"] = Field("none", description=(
        "none: Ray's default scheduling; colocate: every actor on one node; separate: rollout actors and "
        "learner ranks on different nodes."))
    rollout: RolePlacement = Field(default_factory=RolePlacement, description="Each rollout actor's bundle.")
    learner: RolePlacement = Field(default_factory=RolePlacement, description="Each learner rank's bundle.")
    timeout_s: float = Field(300.0, gt=0, description=(
        "How long to wait for the cluster to hold the bundles before the job fails (with what was asked "
        "and what the cluster has)."))

    @model_validator(mode="after")
    def _consistent(self) -> PlacementConfig:
        if self.mode == "none":
            for role in ("rollout", "learner"):
                if not getattr(self, role).is_default():
                    raise ValueError(f"placement.{role}: has no effect with placement.mode 'none'; "
                                     "set placement.mode to 'colocate' or 'separate'")
            return self
        if self.mode == "colocate":
            for role in ("rollout", "learner"):
                s = getattr(self, role).strategy
                if s not in (None, "STRICT_PACK"):
                    raise ValueError(f"placement.{role}.strategy: {s} conflicts with mode 'colocate' "
                                     "(every actor on one node: STRICT_PACK)")
            r, lr = self.rollout.labels, self.learner.labels
            for key in r.keys() & lr.keys():
                if _plain(r[key]) and _plain(lr[key]) and r[key] != lr[key]:
                    raise ValueError(f"placement.labels: mode 'colocate' puts every actor on one node, but "
                                     f"rollout wants {key}={r[key]} and learner {key}={lr[key]}")
        if self.mode == "separate" and NODE_ID_LABEL in self.rollout.labels:
            raise ValueError(f"placement.rollout.labels: {NODE_ID_LABEL} is set by mode 'separate' "
                             "(it keeps rollout actors off the learners' nodes); select nodes by other labels")
        return self


# -- placement groups on a live cluster -----------------------------------------------------------
def _describe(n: int, bundle: dict[str, float], labels: dict[str, str]) -> str:
    """``2 x {'CPU': 1.0}`` and the label selector, for error messages."""
    return f"{n} x {bundle}" + (f" on nodes with labels {labels}" if labels else "")


def cluster_summary() -> str:
    """Each alive node of the connected cluster: id, resources available of total, labels."""
    import ray

    lines = []
    avail_by_node = _available_by_node()
    for n in ray.nodes():
        if not n.get("Alive"):
            continue
        nid = n["NodeID"]
        total = {k: v for k, v in n["Resources"].items()
                 if not k.startswith("node:") and k not in ("memory", "object_store_memory")}
        avail = avail_by_node.get(nid, {})
        res = ", ".join(f"{k} {avail.get(k, 0):g}/{v:g}" for k, v in sorted(total.items()))
        labels = {k: v for k, v in (n.get("Labels") or {}).items() if k != NODE_ID_LABEL}
        lines.append(f"    node {nid[:12]}: {res} (available/total); labels {labels or '{}'}")
    return "\n".join(lines) or "    (no alive nodes)"


def _available_by_node() -> dict[str, dict[str, float]]:
    try:
        from ray._private.state import available_resources_per_node

        return {nid: dict(res) for nid, res in available_resources_per_node().items()}
    except Exception:  # noqa: BLE001 - a private API: the summary then shows 0 available
        return {}


@dataclass
class Placement:
    """Placement groups reserved for one job; hands out each actor's Ray ``.options(...)``.

    ``rollout_bundles[i]`` / ``learner_bundles[rank]`` are ``(group, bundle index)``; with mode ``none``
    both are empty and every options call returns ``{}`` (Ray's default scheduling).
    """

    config: PlacementConfig
    rollout_gpus: float = 0.0
    learner_gpus: float = 0.0
    groups: list[Any] = field(default_factory=list)
    rollout_bundles: list[tuple[Any, int]] = field(default_factory=list)
    learner_bundles: list[tuple[Any, int]] = field(default_factory=list)

    @property
    def mode(self) -> str:
        return self.config.mode

    def _options(self, role: str, where: list[tuple[Any, int]], i: int, gpus: float) -> dict[str, Any]:
        if self.mode == "none":
            return {}
        if not 0 <= i < len(where):
            raise ValueError(f"placement: no {role} bundle {i}; {len(where)} were reserved")
        from ray.util.scheduling_strategies import PlacementGroupSchedulingStrategy

        pg, index = where[i]
        spec: RolePlacement = getattr(self.config, role)
        return {"scheduling_strategy": PlacementGroupSchedulingStrategy(pg, placement_group_bundle_index=index),
                "num_cpus": spec.cpus, "num_gpus": gpus, "resources": dict(spec.resources)}

    def rollout_options(self, index: int) -> dict[str, Any]:
        """Ray actor options that put rollout actor ``index`` in its bundle (``{}`` in mode none)."""
        return self._options("rollout", self.rollout_bundles, index, self.rollout_gpus)

    def learner_options(self, rank: int) -> dict[str, Any]:
        """Ray actor options that put learner ``rank`` in its bundle (``{}`` in mode none)."""
        return self._options("learner", self.learner_bundles, rank, self.learner_gpus)

    def nodes(self) -> dict[str, list[str]]:
        """The node id of each reserved bundle by role: ``{"rollout": [...], "learner": [...]}``."""
        return {"rollout": [_bundle_node(pg, i) for pg, i in self.rollout_bundles],
                "learner": [_bundle_node(pg, i) for pg, i in self.learner_bundles]}

    def remove(self) -> None:
        """Release the placement groups (their actors should be killed first). Safe to call twice."""
        if not self.groups:
            return
        import ray
        from ray.util import remove_placement_group

        if ray.is_initialized():
            for pg in self.groups:
                try:
                    remove_placement_group(pg)
                except Exception:  # noqa: BLE001 - already removed, or the cluster is gone
                    pass
        self.groups = []
        self.rollout_bundles = []
        self.learner_bundles = []


def _bundle_node(pg: Any, index: int) -> str:
    from ray.util import placement_group_table

    return placement_group_table(pg)["bundles_to_node_id"][index]


def _missing(bundle: dict[str, float]) -> list[str]:
    """The resources of ``bundle`` that no alive node has at all."""
    import ray

    have = {k for n in ray.nodes() if n.get("Alive") for k in n["Resources"]}
    return sorted(k for k in bundle if k not in have)


def _wait(pg: Any, timeout_s: float, asked: str, bundle: dict[str, float], made: list[Any]) -> None:
    """Wait for ``pg``; on timeout remove every group made so far and raise with the cluster's state."""
    import ray
    from ray.util import remove_placement_group

    try:
        ray.get(pg.ready(), timeout=timeout_s)
    except ray.exceptions.GetTimeoutError:
        summary = cluster_summary()
        missing = _missing(bundle)
        for g in made:
            remove_placement_group(g)
        raise RuntimeError(
            f"placement: the cluster could not hold the job's bundles within {timeout_s:g} s "
            f"(placement.timeout_s).\n  asked: {asked}\n"
            + (f"  no node has: {', '.join(missing)}\n" if missing else "")
            + f"  cluster:\n{summary}\n"
            "Add nodes with these resources/labels, or lower placement.*.cpus, the GPUs per actor, "
            "rollout.num_actors or learner.num_ranks.") from None


def reserve(cfg: JobConfig, timeout_s: float | None = None, rollout: bool = True) -> Placement:
    """Create and wait for the job's placement groups (none in mode ``none``) on the connected Ray.

    Args:
        cfg: the job; uses ``placement``, ``rollout.num_actors``, ``rollout.num_gpus_per_actor``,
            ``learner.num_ranks`` and ``learner.num_gpus_per_rank``.
        timeout_s: overrides ``placement.timeout_s``.
        rollout: reserve the rollout actors' bundles too; False when the job is handed rollout actors
            that already run (only the learners are placed then).

    Raises:
        ValueError: a bundle would be empty (no CPUs, GPUs or custom resources).
        RuntimeError: the cluster cannot hold the bundles in time (lists what was asked and what each
            node has), or the two roles of mode ``separate`` share a node.
    """
    from ray.util import placement_group

    pc = cfg.placement
    out = Placement(pc, cfg.rollout.num_gpus_per_actor, cfg.learner.num_gpus_per_rank)
    if pc.mode == "none":
        return out
    wait_s = pc.timeout_s if timeout_s is None else timeout_s
    n_roll, n_learn = (cfg.rollout.num_actors if rollout else 0), cfg.learner.num_ranks
    rb, lb = pc.rollout.bundle(out.rollout_gpus), pc.learner.bundle(out.learner_gpus)
    for role, b, n in (("rollout", rb, n_roll), ("learner", lb, n_learn)):
        if n and not b:
            raise ValueError(f"placement.{role}: the bundle is empty (cpus 0, no GPUs, no resources); "
                             f"give placement.{role}.cpus > 0 or a custom resource")
    roll_sel, learn_sel = [dict(pc.rollout.labels)] * n_roll, [dict(pc.learner.labels)] * n_learn
    asked_roll = _describe(n_roll, rb, pc.rollout.labels)
    asked_learn = _describe(n_learn, lb, pc.learner.labels)
    roll_strategy, learn_strategy = pc.rollout.strategy or "PACK", pc.learner.strategy or "PACK"

    if pc.mode == "colocate":
        pg = placement_group([rb] * n_roll + [lb] * n_learn, strategy="STRICT_PACK",
                             bundle_label_selector=roll_sel + learn_sel)
        out.groups.append(pg)
        _wait(pg, wait_s, f"one node (STRICT_PACK) for rollout {asked_roll} and learner {asked_learn}",
              rb | lb, out.groups)
        out.rollout_bundles = [(pg, i) for i in range(n_roll)]
        out.learner_bundles = [(pg, n_roll + k) for k in range(n_learn)]
        return out

    learn_pg = placement_group([lb] * n_learn, strategy=learn_strategy, bundle_label_selector=learn_sel)
    out.groups.append(learn_pg)
    _wait(learn_pg, wait_s, f"learner {asked_learn} ({learn_strategy})", lb, out.groups)
    out.learner_bundles = [(learn_pg, k) for k in range(n_learn)]
    if not n_roll:
        return out
    learner_nodes = sorted(set(out.nodes()["learner"]))
    avoid = {NODE_ID_LABEL: f"!in({','.join(learner_nodes)})"}
    roll_pg = placement_group([rb] * n_roll, strategy=roll_strategy,
                              bundle_label_selector=[{**s, **avoid} for s in roll_sel])
    out.groups.append(roll_pg)
    _wait(roll_pg, wait_s, f"rollout {asked_roll} ({roll_strategy}) on nodes other than the learners' "
                           f"({', '.join(n[:12] for n in learner_nodes)}), where learner {asked_learn} is "
                           "already reserved", rb, out.groups)
    out.rollout_bundles = [(roll_pg, i) for i in range(n_roll)]
    nodes = out.nodes()
    shared = set(nodes["rollout"]) & set(nodes["learner"])
    if shared:
        out.remove()
        raise RuntimeError(f"placement: mode 'separate' but rollout actors and learner ranks share node(s) "
                           f"{', '.join(sorted(shared))}; rollout on {nodes['rollout']}, learner on "
                           f"{nodes['learner']}")
    return out


def actor_nodes(handles: Sequence[Any]) -> list[str]:
    """The node id each actor runs on, in order.

    Asks the actor (``node_id()`` on rollout and learner workers); an actor without that method is
    looked up in Ray's state API.
    """
    import ray

    refs: list[Any] = []
    for h in handles:
        try:
            refs.append(h.node_id.remote())
        except AttributeError:
            refs.append(None)
    out: list[str] = []
    for h, ref in zip(handles, refs, strict=True):
        if ref is not None:
            out.append(ray.get(ref))
        else:
            from ray.util.state import get_actor

            state = get_actor(h._actor_id.hex())
            if state is None or not state.node_id:
                raise RuntimeError(f"placement: actor {h} is not known to Ray's state API")
            out.append(state.node_id)
    return out
