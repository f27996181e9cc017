"""Rebuild descriptors.json: which RDKit descriptors make good tasks, with tolerances.

Run from the repository root: ``python tasks/chem/data/build_descriptor_table.py``.
A descriptor is kept when it is fast (median < 4 ms, max < 100 ms on the pool), finite,
not near-constant over the pool, and a tolerance exists under which fewer than
4% of pairs of distinct answers collide. Integer descriptors are checked exactly.
"""

from __future__ import annotations

import json
import math
import pathlib
import random
import time
from collections import Counter

from rdkit import Chem, RDLogger
from rdkit.Chem import Descriptors

RDLogger.DisableLog("rdApp.*")
HERE = pathlib.Path(__file__).parent
# Covered by dedicated tasks in tasks/chem/properties.py; unstable or degenerate by nature.
SKIP = {"MolWt", "ExactMolWt", "HeavyAtomCount", "NHOHCount", "NOCount", "NumRotatableBonds",
        "RingCount", "NumAromaticRings", "NumAtomStereoCenters", "Ipc", "NumRadicalElectrons", "MaxAbsPartialCharge",
        "MinAbsPartialCharge"}
TOLERANCES = [(0.01, 1.0), (0.005, 0.5), (0.002, 0.2)]  # (rel, abs as a share of the 1% level)
MAX_COLLISION = 0.04


def load_pool() -> list[tuple[str, str]]:
    out = []
    for line in (HERE / "molecules.tsv").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, smi = line.split("\t")
            out.append((name, smi))
    return out


def fmt(v: float, integer: bool) -> str:
    return str(int(round(v))) if integer else f"{v:.6g}"


def main() -> None:
    pool = load_pool()
    mols = [(n, Chem.MolFromSmiles(s)) for n, s in pool]
    table = {}
    for name, fn in Descriptors._descList:
        if name in SKIP:
            continue
        for _, m in mols[:3]:
            fn(m)  # warm up: some descriptors build lookup tables on first use
        values, times = [], []
        for _, m in mols:
            t = time.perf_counter()
            try:
                v = float(fn(m))
            except Exception:  # noqa: BLE001
                v = float("nan")
            times.append(time.perf_counter() - t)
            values.append(v)
        times.sort()
        if times[len(times) // 2] > 0.004 or times[-1] > 0.1:
            continue
        ok = [(n, v) for (n, _), v in zip(mols, values, strict=True) if math.isfinite(v)]
        if len(ok) < 0.9 * len(mols):
            continue
        integer = all(float(v).is_integer() for _, v in ok)
        mode, mode_n = Counter(fmt(v, integer) for _, v in ok).most_common(1)[0]
        interesting = [n for n, v in ok if fmt(v, integer) != mode]
        if len(interesting) < 10:
            continue
        rng = random.Random(name)
        # Sample the way the task does: an interesting molecule 60% of the time.
        lookup = dict(ok)
        everyone = [n for n, _ in ok]
        draws = [lookup[rng.choice(interesting) if rng.random() < 0.6 else rng.choice(everyone)] for _ in range(8000)]
        pairs = list(zip(draws[::2], draws[1::2], strict=True))
        pairs = [(a, b) for a, b in pairs if fmt(a, integer) != fmt(b, integer)]
        if len(pairs) < 1000:
            continue
        entry = {"integer": integer, "interesting": interesting if mode_n > 0.4 * len(ok) else []}
        if integer:
            table[name] = {**entry, "rel_tol": 0.0, "abs_tol": 0.0}
            continue
        scale = sorted(abs(v) for _, v in ok)[len(ok) // 2] or 1.0
        for rel, abs_share in TOLERANCES:
            abs_tol = float(f"{0.01 * scale * abs_share:.1g}")
            hits = sum(math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol) for a, b in pairs)
            if hits / len(pairs) < MAX_COLLISION:
                table[name] = {**entry, "rel_tol": rel, "abs_tol": abs_tol}
                break
    lines = [f"{json.dumps(k)}: {json.dumps(table[k], sort_keys=True)}" for k in sorted(table)]
    (HERE / "descriptors.json").write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print(len(table), "descriptors kept of", len(Descriptors._descList))


if __name__ == "__main__":
    main()
