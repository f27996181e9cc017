"""Multi-step synthesis planning over a named reaction library and a building-block set.

Targets come from applying 1-5 library reactions (:mod:`tasks.chem._library`) to building blocks
(:mod:`tasks.chem._blocks`), linear or convergent (:mod:`tasks.chem._routegen`). Answers are replayed
(:mod:`tasks.chem._routes`): any valid route within the level's length scores 1.0, not only the generator's.
Variants: one-step retrosynthesis to building blocks, route repair (find the broken step and mend it, or give
a corrected route) and forward prediction along a route (two steps, A + B then + C, at the default level). Ids are per product class of the last step.
"""

from __future__ import annotations

import json
import random
from typing import Any

from rdkit import Chem

from bootcamp import Score, Task, invalid
from bootcamp.answers import Answer, Smiles, SmilesTask
from bootcamp.verifiers.smiles import molecule_set
from tasks.chem._blocks import block_set, blocks_for
from tasks.chem._common import variants
from tasks.chem._library import CLASSES, LIBRARY
from tasks.chem._routegen import make_route
from tasks.chem._routes import Step, check_step, first_invalid_step, parse_route, replay, route_json

#: Route classes (ids) and the library classes of their last step.
ROUTE_CLASSES: dict[str, tuple[str, ...]] = {
    "amide": ("amide",), "sulfonamide": ("sulfonamide",), "urea": ("urea",), "carbamate": ("carbamate",),
    "amine": ("amine",), "aryl_amine": ("aryl amine",), "cross_coupling": ("biaryl", "alkyne"),
    "alkene": ("alkene",), "alcohol": ("alcohol",), "heterocycle": ("heterocycle",), "ester": ("ester",),
    "ether": ("ether",),
}
_TITLES = {"amide": "an amide", "sulfonamide": "a sulfonamide", "urea": "a urea", "carbamate": "a carbamate",
           "amine": "an alkyl amine", "aryl_amine": "an aryl amine", "cross_coupling": "a cross-coupling product",
           "alkene": "an alkene", "alcohol": "an alcohol", "heterocycle": "a heterocycle (triazole, tetrazole, "
           "epoxide or Diels-Alder adduct)", "ester": "an ester", "ether": "an ether or thioether"}
#: Classes with a one-step retrosynthesis id: those whose one-step products are many enough to pose ~1,000
#: distinct targets at every size window (the others repeat targets within a few hundred seeds).
RETRO_CLASSES = ("amide", "sulfonamide", "aryl_amine", "ester", "ether")
BOX = "Put the final answer in \\boxed{}."
_EXAMPLE = ('{"steps": [{"reactants": ["OC(=O)c1ccc(Br)cc1", "NCc1ccccc1"], "product": "O=C(NCc1ccccc1)c1ccc(Br)cc1"}, '
            '{"reactants": ["O=C(NCc1ccccc1)c1ccc(Br)cc1", "OB(O)c1ccccc1"], '
            '"product": "O=C(NCc1ccccc1)c1ccc(-c2ccccc2)cc1"}]}')
_STEP_LEVELS = tuple({"steps": n} for n in range(1, 6))
_RULES = ("A step is valid when each reactant is a building block or an earlier step's product and one of the "
          "library reactions gives exactly this product from them (a step that would give a mixture of isomers, "
          "or whose reagents would attack another group of a reactant, does not count). Write only the main "
          "product; by-products are dropped. Stereochemistry of the building blocks is kept.")


def library_text() -> str:
    """The reaction library as the prompts list it: name (reagents)."""
    return "; ".join(f"{r.name.replace('_', ' ')} ({r.reagents})" for r in LIBRARY.values())


def _final_names(route_class: str | None) -> tuple[str, ...] | None:
    if route_class is None:
        return None
    return tuple(n for c in ROUTE_CLASSES[route_class] for n in CLASSES[c])


def _route(rng: random.Random, steps: int, route_class: str | None) -> list[dict[str, Any]]:
    # A class of several library classes draws one of them for the last step.
    cls = rng.choice(ROUTE_CLASSES[route_class]) if route_class else None
    return make_route(rng, steps, cls)


def _shown_blocks(route: list[dict[str, Any]], rng: random.Random) -> list[str]:
    """The route's building blocks and, for each, another block of the same role (a distractor), sorted."""
    blocks = block_set()
    shown = set()
    for step in route:
        for j, r in enumerate(step["reactants"]):
            if r in blocks:
                shown.add(r)
                shown.add(rng.choice(blocks_for(step["reaction"], j)) if r in blocks_for(step["reaction"], j) else r)
    return sorted(shown)


class _RouteBase(Task):
    """Shared by the route tasks: levels are the route length; complexity counts steps and blocks."""

    version = 1
    time_budget = 2.0
    default_params: dict[str, Any] = {"steps": 3, "route_class": None}
    levels = _STEP_LEVELS
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Steps of the generator's route plus a tenth per building block it uses."""
        route = identity["route"]
        used = {r for s in route for r in s["reactants"] if r in block_set()}
        return len(route) + 0.1 * len(used)

    def _class_text(self) -> str:
        c = self.params["route_class"]
        return f" It is {_TITLES[c]}." if c else ""


class SynthesisRoute(_RouteBase):
    """Plan a route of at most N steps from building blocks to a target."""

    description = "Multi-step synthesis planning: a route from building blocks to a target, replayed step by step."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        route = _route(rng, self.params["steps"], self.params["route_class"])
        return {"target": route[-1]["product"], "max_steps": self.params["steps"], "route": route,
                "shown": _shown_blocks(route, rng)}

    def prompt(self, identity: dict[str, Any]) -> str:
        n = identity["max_steps"]
        return (f"Plan a synthesis of {identity['target']} in at most {n} step{'s' if n > 1 else ''}.{self._class_text()} "
                f"Starting materials must come from the shipped building-block set of this task (about "
                f"{len(block_set())} purchasable-style molecules); these blocks are in it: {', '.join(identity['shown'])}. "
                f"Reactions allowed (one per step): {library_text()}. {_RULES} Answer with the route as JSON, "
                f'{{"steps": [{{"reactants": ["SMILES", ...], "product": "SMILES"}}, ...]}}, steps in order, the last '
                f"product the target; e.g. {_EXAMPLE}. Any valid route is accepted. {BOX}")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        steps = parse_route(answer)
        if not isinstance(steps, list):
            return steps
        return replay(steps, identity["target"], identity["max_steps"])

    def solve(self, identity: dict[str, Any]) -> str:
        return route_json(identity["route"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        route = identity["route"]
        out = [route_json(route[:-1])] if len(route) > 1 else []
        out.append(route_json(list(reversed(route))))
        out.append(route_json(route[:1] + route))  # one step too many
        out.append(answer.replace("steps", "step"))
        last = dict(route[-1])
        for v in variants(last["product"], limit=2):
            out.append(route_json(route[:-1] + [{**last, "product": v}]))
        first = route[0]
        for v in variants(first["reactants"][0], limit=2):
            out.append(route_json([{**first, "reactants": [v] + first["reactants"][1:]}] + route[1:]))
        return [a for a in out if self.check(a, identity) < 1.0]


def _corrupt(route: list[dict[str, Any]], rng: random.Random) -> tuple[list[dict[str, Any]], int] | None:
    """The route with one step broken (a block reactant swapped for another block or a near variant), and which."""
    blocks = block_set()
    order = list(range(len(route)))
    rng.shuffle(order)
    for k in order:
        step = route[k]
        slots = [j for j, r in enumerate(step["reactants"]) if r in blocks]
        if not slots:
            continue
        j = rng.choice(slots)
        pool = [b for b in blocks_for(step["reaction"], j) if b != step["reactants"][j]] if rng.random() < 0.6 else []
        options = [rng.choice(pool)] if pool else variants(step["reactants"][j], limit=3)
        for new in options:
            reactants = list(step["reactants"])
            reactants[j] = new
            broken = route[:k] + [{**step, "reactants": reactants}] + route[k + 1:]
            parsed = [Step(tuple(s["reactants"]), s["product"]) for s in broken]
            if first_invalid_step(parsed) == k + 1:
                return broken, k + 1
    return None


class SynthesisRepair(_RouteBase):
    """Repair a route with one broken step: name the step and mend it (``mode`` "step"), or give a valid route."""

    description = "Route repair: find the invalid step of a synthesis route and correct it."
    default_params: dict[str, Any] = {"steps": 3, "route_class": None, "mode": "step"}
    levels = tuple({"steps": n} for n in range(2, 6))
    default_level = 2

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            route = _route(rng, self.params["steps"], self.params["route_class"])
            made = _corrupt(route, rng)
            if made is not None:
                broken, k = made
                return {"target": route[-1]["product"], "max_steps": self.params["steps"], "route": route,
                        "broken": [{"reactants": s["reactants"], "product": s["product"]} for s in broken],
                        "bad_step": k}

    def prompt(self, identity: dict[str, Any]) -> str:
        shown = json.dumps({"steps": identity["broken"]}, separators=(",", ":"))
        head = (f"This route to {identity['target']} has exactly one invalid step: {shown}. Building blocks are the "
                f"shipped set of this task; reactions allowed: {library_text()}. {_RULES} ")
        if self.params["mode"] == "step":
            return head + ('Name the invalid step (numbered from 1) and give reactants that make that step valid, '
                           'as JSON {"step": N, "reactants": ["SMILES", ...]}; the rest of the route stays as it is. '
                           + BOX)
        return head + (f"Give a corrected route of at most {identity['max_steps']} steps as JSON in the same format "
                       f"(any valid route to the target is accepted). {BOX}")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if self.params["mode"] != "step":
            steps = parse_route(answer)
            return steps if not isinstance(steps, list) else replay(steps, identity["target"], identity["max_steps"])
        if not isinstance(answer, str) or len(answer) > 2000:
            return invalid("answer missing or too long")
        try:
            data = json.loads(answer)
        except (ValueError, RecursionError):
            return invalid("not valid JSON")
        if not isinstance(data, dict) or not isinstance(data.get("step"), int) or isinstance(data["step"], bool):
            return invalid('expected {"step": N, "reactants": [...]}')
        if data["step"] != identity["bad_step"]:
            return Score(0.0, "wrong", f"step {data['step']} is not the invalid step")
        route = [dict(s) for s in identity["broken"]]
        route[data["step"] - 1]["reactants"] = data.get("reactants")
        steps = parse_route(json.dumps({"steps": route}))
        if not isinstance(steps, list):
            return steps
        return replay(steps, identity["target"], identity["max_steps"])

    def solve(self, identity: dict[str, Any]) -> str:
        k = identity["bad_step"]
        if self.params["mode"] == "step":
            return json.dumps({"step": k, "reactants": identity["route"][k - 1]["reactants"]})
        return route_json(identity["route"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        k, n = identity["bad_step"], len(identity["route"])
        broken = identity["broken"]
        if self.params["mode"] == "step":
            out = [json.dumps({"step": k % n + 1, "reactants": identity["route"][k - 1]["reactants"]}),
                   json.dumps({"step": k, "reactants": broken[k - 1]["reactants"]})]
        else:
            out = [route_json(broken), route_json(identity["route"][:-1])]
        return [a for a in out if self.check(a, identity) < 1.0]


#: Heavy-atom windows of the retrosynthesis target per level; they overlap so that every class fills each of
#: them quickly, and their means still rise.
_RETRO_BINS = ((0, 21), (19, 26), (25, 60))


def _binned(rng: random.Random, steps: int, route_class: str | None, lo: int, hi: int) -> list[dict[str, Any]]:
    for _ in range(300):
        route = _route(rng, steps, route_class)
        if lo <= Chem.MolFromSmiles(route[-1]["product"]).GetNumHeavyAtoms() <= hi:
            return route
    raise RuntimeError(f"no {steps}-step route with a product of {lo}-{hi} heavy atoms")


class SynthesisRetro(Task):
    """One-step retrosynthesis: building blocks that make a target in one library step."""

    description = "One-step retrosynthesis to building blocks; any valid precursor set is accepted."
    version = 1
    default_params: dict[str, Any] = {"bin": 1, "route_class": None}
    levels = tuple({"bin": i} for i in range(len(_RETRO_BINS)))
    default_level = 2

    def generate(self, rng: random.Random) -> dict[str, Any]:
        lo, hi = _RETRO_BINS[self.params["bin"]]
        step = _binned(rng, 1, self.params["route_class"], lo, hi)[0]
        return {"target": step["product"], "reaction": step["reaction"], "reactants": step["reactants"]}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Heavy atoms of the target."""
        return float(Chem.MolFromSmiles(identity["target"]).GetNumHeavyAtoms())

    def prompt(self, identity: dict[str, Any]) -> str:
        c = self.params["route_class"]
        what = f" ({_TITLES[c]})" if c else ""
        return (f"Give building blocks that make {identity['target']}{what} in one step by one of these reactions: "
                f"{library_text()}. The building blocks must come from the shipped set of this task (about "
                f"{len(block_set())} purchasable-style molecules: simple aryl, heteroaryl, benzyl and alkyl "
                f"acids, acid chlorides, amines, halides, boronic acids, aldehydes, alcohols, phenols, alkynes, "
                f"azides, isocyanates, sulfonyl chlorides, nitro compounds, nitriles, esters, Grignard reagents...). "
                f"{_RULES} Give the reactants as SMILES separated by a dot. Any valid set is accepted. {BOX}")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if not isinstance(answer, str) or len(answer) > 1000:
            return invalid("answer missing or too long")
        smiles = molecule_set(answer)
        if not smiles or len(smiles) > 3:
            return invalid("not one to three valid SMILES")
        blocks = block_set()
        missing = [s for s in smiles if s not in blocks]
        if missing:
            return Score(0.0, "wrong", f"{missing[0]} is not a building block")
        name, why = check_step(tuple(smiles), identity["target"])
        return 1.0 if name is not None else Score(0.0, "wrong", why)

    def solve(self, identity: dict[str, Any]) -> str:
        return ".".join(identity["reactants"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        r = identity["reactants"]
        out = [identity["target"], r[0]] if len(r) > 1 else [identity["target"]]
        out += [".".join([v] + r[1:]) for v in variants(r[0], limit=3)]
        return [a for a in out if self.check(a, identity) < 1.0]


class SynthesisForward(SmilesTask):
    """Forward prediction along a route: A + B, then that product with C, and so on (level = steps)."""

    description = "Predict the final product of successive library reactions."
    version = 1
    default_params: dict[str, Any] = {"steps": 2, "route_class": None}
    levels = _STEP_LEVELS
    default_level = 2
    complexity = _RouteBase.complexity

    def generate(self, rng: random.Random) -> dict[str, Any]:
        route = _route(rng, self.params["steps"], self.params["route_class"])
        return {"route": route, "product": route[-1]["product"]}

    def question(self, identity: dict[str, Any]) -> str:
        route = identity["route"]
        made = {s["product"]: k for k, s in enumerate(route, start=1)}
        lines = []
        for k, step in enumerate(route, start=1):
            r = LIBRARY[step["reaction"]]
            names = [f"the product of step {made[x]}" if made.get(x, k) < k else x for x in step["reactants"]]
            lines.append(f"Step {k}: {' + '.join(names)} undergo{'es' if len(names) == 1 else ''} a {r.title} "
                         f"({r.reagents}).")
        return (" ".join(lines) + f" Give the main product of step {len(route)} as one SMILES (no by-products). "
                "Keep the stereochemistry of the starting materials.")

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        stereo = all(LIBRARY[s["reaction"]].stereo for s in identity["route"])
        return Smiles(stereo=stereo)

    def value(self, identity: dict[str, Any]) -> str:
        return identity["product"]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        out = variants(answer) + [s["product"] for s in identity["route"][:-1]]
        return [a for a in out if self.check(a, identity) < 1.0]


def register(registry: Any) -> None:
    registry.register(SynthesisRetro, "chem/synthesis_retro", {},
                      "One-step retrosynthesis to building blocks by any library reaction.")
    registry.register(SynthesisRoute, "chem/synthesis_route", {},
                      "Multi-step synthesis planning: a route from building blocks to a target.")
    for c, title in _TITLES.items():
        short = title.split(" (")[0]
        registry.register(SynthesisRoute, f"chem/synthesis_route_{c}", {"route_class": c},
                          f"Synthesis planning: a route to {short}.")
        if c in RETRO_CLASSES:
            registry.register(SynthesisRetro, f"chem/synthesis_retro_{c}", {"route_class": c},
                              f"One-step retrosynthesis of {short} to building blocks.")
        registry.register(SynthesisForward, f"chem/synthesis_forward_{c}", {"route_class": c},
                          f"Forward prediction along a route (two steps by default) ending in {short}.")
    registry.register(SynthesisRepair, "chem/synthesis_repair_step", {"mode": "step"},
                      "Route repair: name the invalid step of a route and mend it.")
    registry.register(SynthesisRepair, "chem/synthesis_repair_route", {"mode": "route"},
                      "Route repair: give a corrected synthesis route.")
