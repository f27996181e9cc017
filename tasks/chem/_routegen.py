"""Generating synthesis routes: library reactions applied forward to building blocks.

A route of ``n`` steps grows a main chain: the first step joins building blocks, each later step takes the
previous product into one role of a reaction whose other roles are building blocks or, in a convergent
route, the product of a one-step branch made from blocks. Each step must pass :func:`tasks.chem._routes.
unique_product` (one product, no forbidden group), the same rule the verifier replays; a product that is a
building block, repeats an earlier molecule or has over :data:`MAX_PRODUCT_ATOMS` heavy atoms is rejected
and the step drawn again. When a product class is asked for, the last step is one of the class's reactions.
"""

from __future__ import annotations

import functools
import random
from typing import Any

from rdkit import Chem

from tasks.chem._blocks import block_set, blocks_for, load_blocks
from tasks.chem._library import CLASSES, GROUP_SMARTS, LIBRARY, role_templates
from tasks.chem._routes import unique_product

#: Largest target or intermediate (heavy atoms).
MAX_PRODUCT_ATOMS = 60
#: Chance that a two-reactant step (with room for it) takes a one-step branch product instead of a block.
CONVERGENT_SHARE = 0.35
_ATTEMPTS = 10
_ALL: tuple[str, ...] = tuple(LIBRARY)


@functools.lru_cache(maxsize=64)
def _start_weight(name: str) -> float:
    """How often a route starts with ``name``: its number of block combinations (so that reactions of few
    combinations, which would repeat problems, are drawn rarely)."""
    size = 1
    for j in range(len(role_templates(name))):
        size *= len(blocks_for(name, j))
    return float(size)


@functools.lru_cache(maxsize=4096)
def fits(smiles: str) -> tuple[tuple[str, int], ...]:
    """``(reaction, role)`` pairs whose role template matches the molecule ``smiles`` at exactly one site."""
    mol = Chem.MolFromSmiles(smiles)
    return tuple((name, j) for name in LIBRARY for j, t in enumerate(role_templates(name))
                 if len(mol.GetSubstructMatches(t, maxMatches=4)) == 1)


def _acceptable(product: str | None, seen: set[str]) -> bool:
    if product is None or product in seen or product in block_set():
        return False
    return Chem.MolFromSmiles(product).GetNumHeavyAtoms() <= MAX_PRODUCT_ATOMS


@functools.lru_cache(maxsize=64)
def _class_groups(names: tuple[str, ...]) -> frozenset[str]:
    """Functional groups (``GROUP_SMARTS`` names) some role of the reactions ``names`` requires."""
    out = set()
    for n in names:
        for req in LIBRARY[n].requires:
            out.update(g for g in req.split(" or ") if g in GROUP_SMARTS)
    return frozenset(out)


@functools.lru_cache(maxsize=1024)
def _blocks_bringing(name: str, role: int, names: tuple[str, ...]) -> tuple[str, ...]:
    """Blocks for ``role`` of ``name`` that also carry a group one of the reactions ``names`` needs."""
    groups = dict(load_blocks())
    want = _class_groups(names)
    return tuple(b for b in blocks_for(name, role) if len(want.intersection(groups[b].split(";"))) > 0)


@functools.lru_cache(maxsize=256)
def _rich_blocks(name: str, role: int) -> tuple[str, ...]:
    """Blocks for ``role`` of ``name`` with a second functional group (so the route can go on)."""
    groups = dict(load_blocks())
    return tuple(b for b in blocks_for(name, role) if ";" in groups[b])


def _fill(rng: random.Random, name: str, fixed: dict[int, str],
          ahead: tuple[str, ...] | None = None) -> tuple[str, ...] | None:
    n = len(role_templates(name))
    free = [j for j in range(n) if j not in fixed]
    # Before a further step, one partner (not all: that would narrow the draws) preferably brings the handle
    # the next step needs, or a second group for the route to go on.
    steer = rng.choice(free) if free and ahead is not None and rng.random() < 0.7 else None
    out = []
    for j in range(n):
        if j in fixed:
            out.append(fixed[j])
            continue
        choices: tuple[str, ...] = ()
        if j == steer:
            choices = _rich_blocks(name, j) if ahead is _ALL else _blocks_bringing(name, j, ahead)
        choices = choices or blocks_for(name, j)
        if not choices:
            return None
        out.append(rng.choice(choices))
    return tuple(out)


def _step(name: str, reactants: tuple[str, ...], product: str) -> dict[str, Any]:
    return {"reaction": name, "reactants": list(reactants), "product": product}


def _branch(rng: random.Random, name: str, role: int, seen: set[str]) -> dict[str, Any] | None:
    """A one-step branch from blocks whose product fits role ``role`` of ``name`` at one site."""
    for _ in range(4):
        block = rng.choice(blocks_for(name, role))
        options = [(n, j) for n, j in fits(block) if n != name]
        if not options:
            continue
        n2, j2 = rng.choice(options)
        reactants = _fill(rng, n2, {j2: block})
        product = unique_product(n2, reactants) if reactants else None
        if _acceptable(product, seen) and (name, role) in fits(product):
            return _step(n2, reactants, product)
    return None


def _leads_on(product: str, ahead: tuple[str, ...] | None) -> bool:
    if ahead is None:
        return True
    if ahead is _ALL:
        return bool(fits(product))
    return any(n in ahead for n, _ in fits(product))


def _first(rng: random.Random, names: list[str], seen: set[str], ahead: tuple[str, ...] | None) -> dict[str, Any] | None:
    weights = [_start_weight(n) for n in names]
    for _ in range(_ATTEMPTS * (3 if ahead else 1)):
        name = rng.choices(names, weights)[0]
        reactants = _fill(rng, name, {}, ahead)
        product = unique_product(name, reactants) if reactants else None
        if _acceptable(product, seen) and _leads_on(product, ahead):
            return _step(name, reactants, product)
    return None


def grow_route(rng: random.Random, n_steps: int, product_class: str | None = None,
               convergent: float = CONVERGENT_SHARE) -> list[dict[str, Any]] | None:
    """One attempt at a route of ``n_steps`` steps (each ``{"reaction", "reactants", "product"}``), or None."""
    final_names = list(CLASSES[product_class]) if product_class else list(LIBRARY)
    steps: list[dict[str, Any]] = []
    seen: set[str] = set()
    current = None
    while len(steps) < n_steps:
        remaining = n_steps - len(steps)
        # A branch never feeds the last step, so a route's last step always continues the main chain.
        branch = remaining >= 3 and current is not None and rng.random() < convergent
        final = remaining == 1
        names = final_names if final else list(LIBRARY)
        # The step before the last must make something a last-step reaction takes.
        # ...and every earlier step something some reaction takes (no dead ends).
        ahead = tuple(final_names) if remaining == (3 if branch else 2) else (None if final else _ALL)
        if current is None:
            made = _first(rng, names, seen, ahead)
            if made is None:
                return None
            new = [made]
        else:
            options = [(n, j) for n, j in fits(current) if n in names
                       and (not branch or len(role_templates(n)) == 2)]
            new = []
            for _ in range((_ATTEMPTS * (3 if ahead else 1)) if options else 0):
                name, j = rng.choice(options)
                fixed = {j: current}
                extra = []
                if branch:
                    other = 1 - j
                    made = _branch(rng, name, other, seen | {current})
                    if made is None:
                        continue
                    fixed[other] = made["product"]
                    extra = [made]
                reactants = _fill(rng, name, fixed, ahead)
                product = unique_product(name, reactants) if reactants else None
                if _acceptable(product, seen | {x["product"] for x in extra}) and _leads_on(product, ahead):
                    new = extra + [_step(name, reactants, product)]
                    break
            if not new:
                return None
        for s in new:
            seen.update(s["reactants"])
            seen.add(s["product"])
        steps += new
        current = steps[-1]["product"]
    return steps


def make_route(rng: random.Random, n_steps: int, product_class: str | None = None) -> list[dict[str, Any]]:
    """A route of exactly ``n_steps`` steps (retrying :func:`grow_route`).

    Raises:
        RuntimeError: no route came out of many attempts (a library or block-set bug).
    """
    for _ in range(200):
        steps = grow_route(rng, n_steps, product_class)
        if steps is not None:
            return steps
    raise RuntimeError(f"no {n_steps}-step route to a {product_class or 'any'} product")
