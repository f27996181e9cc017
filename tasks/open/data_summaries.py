"""Open-ended summaries of generated data tables: yields, measured series, materials, phase stability."""

from __future__ import annotations

import random
from typing import Any

from bootcamp.verifiers.rubric import num, point
from tasks.open._base import OpenTask

CATALYSTS = ["Pd(OAc)2", "Pd(PPh3)4", "NiCl2(dppe)", "CuI", "FeCl3", "Co(acac)2", "RuCl3", "Rh2(OAc)4",
             "AuCl(PPh3)", "Ir(ppy)3", "Pt/C", "Zn(OTf)2"]
REACTIONS = ["Suzuki coupling", "Sonogashira coupling", "Heck reaction", "C-H arylation", "hydrosilylation",
             "Buchwald-Hartwig amination", "cyclopropanation", "transfer hydrogenation"]
BEST = ["highest", "best", "most effective", "largest", "greatest", "top", "most active", "outperform*"]
WORST = ["lowest", "worst", "least effective", "poorest", "smallest", "least active", "weakest"]


class CatalystYields(OpenTask):
    id = "open/catalyst_yields"
    description = "Summarise a table of reaction yields by catalyst: best, its yield, worst, spread."
    default_params = {"n_catalysts": 5}

    def build(self, rng: random.Random) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
        cats = rng.sample(CATALYSTS, self.params["n_catalysts"])
        yields = rng.sample(range(12, 97), len(cats))  # distinct so best and worst are unique
        rows = [{"catalyst": c, "yield": y} for c, y in zip(cats, yields, strict=True)]
        best = max(rows, key=lambda r: r["yield"])
        worst = min(rows, key=lambda r: r["yield"])
        spread = best["yield"] - worst["yield"]
        reaction = rng.choice(REACTIONS)
        ref = (f"In this {reaction} screen, {best['catalyst']} was the most effective catalyst and gave the "
               f"highest isolated yield of {best['yield']}%. At the other end, {worst['catalyst']} was the least "
               f"effective choice, with a yield of only {worst['yield']}%. The gap between the best and the worst "
               f"catalyst is therefore {spread} percentage points, so the choice of metal matters a great deal "
               "for this transformation.")
        kps = [
            point("best catalyst", *[[best["catalyst"], w] for w in BEST]),
            point("best yield", num(best["yield"], 0.5)),
            point("worst catalyst", *[[worst["catalyst"], w] for w in WORST]),
            point("spread", num(spread, 0.5)),
        ]
        return {"reaction": reaction, "rows": rows}, ref, kps

    def question(self, identity: dict[str, Any]) -> str:
        table = "\n".join(f"| {r['catalyst']} | {r['yield']} |" for r in identity["rows"])
        return (f"A {identity['reaction']} was run under identical conditions with different catalysts. "
                f"Isolated yields:\n\n| catalyst | yield (%) |\n|---|---|\n{table}\n\n"
                "Summarise the result: which catalyst worked best and with what yield, which worked worst, "
                "and how large the difference between them is (in percentage points).")


SERIES = [
    {"quantity": "enzyme activity", "unit": "U/mg", "x": "temperature", "xunit": "°C", "x0": 20, "dx": 5},
    {"quantity": "photosynthesis rate", "unit": "µmol O2/min", "x": "light intensity step", "xunit": "",
     "x0": 1, "dx": 1},
    {"quantity": "bacterial biomass", "unit": "mg/L", "x": "time", "xunit": "h", "x0": 0, "dx": 2},
    {"quantity": "product selectivity", "unit": "%", "x": "catalyst loading", "xunit": "mol%", "x0": 1, "dx": 1},
    {"quantity": "drug plasma concentration", "unit": "mg/L", "x": "time", "xunit": "h", "x0": 1, "dx": 1},
    {"quantity": "solubility", "unit": "g/100 mL", "x": "temperature", "xunit": "°C", "x0": 10, "dx": 10},
]
SHAPES = {
    "increase": (["increas*", "ris*", "grow*", "upward", "climb*"], "rises steadily"),
    "decrease": (["decreas*", "declin*", "fall*", "fell", "drop*", "downward"], "falls steadily"),
    "peak": (["peak*", "maximum", "rises and then falls", "rise and then fall", "optimum"], "rises to a peak "
             "and then falls"),
}


class SeriesTrend(OpenTask):
    id = "open/series_trend"
    description = "Describe the trend of a measured series: direction or peak, where, and the extreme values."
    default_params = {"points": 8}

    def build(self, rng: random.Random) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
        s = rng.choice(SERIES)
        n = self.params["points"]
        shape = rng.choice(sorted(SHAPES))
        xs = [s["x0"] + i * s["dx"] for i in range(n)]
        steps = [round(rng.uniform(1.0, 6.0), 1) for _ in range(n - 1)]
        ys = [round(rng.uniform(5, 30), 1)]
        peak_at = rng.randrange(2, n - 2)
        for i, d in enumerate(steps):
            up = shape == "increase" or (shape == "peak" and i < peak_at)
            ys.append(round(ys[-1] + (d if up else -d), 1))
        if min(ys) < 0.5:
            ys = [round(y - min(ys) + 1.0, 1) for y in ys]
        imax = ys.index(max(ys))
        imin = ys.index(min(ys))
        xu = f" {s['xunit']}" if s["xunit"] else ""
        words, phrase = SHAPES[shape]
        if shape == "peak":
            ref = (f"The {s['quantity']} {phrase}: it reaches its maximum of {ys[imax]} at {s['x']} {xs[imax]}{xu} "
                   f"and declines on both sides of that point. The lowest value in the data, {ys[imin]}, is "
                   f"found at {s['x']} {xs[imin]}{xu}, so the series has a clear optimum rather than a "
                   "monotonic trend.")
            where = point("location of maximum", num(xs[imax], 0.01))
        else:
            ref = (f"The {s['quantity']} {phrase} over the whole range, so the trend is monotonic. It goes from "
                   f"{ys[0]} at {s['x']} {xs[0]}{xu} to {ys[-1]} at {s['x']} {xs[-1]}{xu}. The maximum is "
                   f"{ys[imax]} and the minimum is {ys[imin]}, at the two ends of the series.")
            where = point("end value", num(ys[-1], 0.05))
        kps = [
            point("shape", *words),
            where,
            point("maximum value", num(ys[imax], 0.05)),
            point("minimum value", num(ys[imin], 0.05)),
        ]
        if shape == "increase":
            kps[0]["none"] = ["decreas*", "declin*"]
        elif shape == "decrease":
            kps[0]["none"] = ["increas*"]
        data = {"quantity": s["quantity"], "unit": s["unit"], "x": s["x"], "xunit": s["xunit"],
                "xs": xs, "ys": ys, "shape": shape}
        return data, ref, kps

    def question(self, identity: dict[str, Any]) -> str:
        xu = f" ({identity['xunit']})" if identity["xunit"] else ""
        yu = f" ({identity['unit']})" if identity["unit"] else ""
        rows = "\n".join(f"| {x} | {y} |" for x, y in zip(identity["xs"], identity["ys"], strict=True))
        return (f"The {identity['quantity']} was measured as a function of {identity['x']}:\n\n"
                f"| {identity['x']}{xu} | {identity['quantity']}{yu} |\n|---|---|\n{rows}\n\n"
                "Describe the trend: does it increase, decrease, or rise to a peak and fall? Say where the "
                "maximum (or the end value, for a monotonic series) lies and give the maximum and minimum values.")


MATERIALS = {  # name: (band gap eV, density g/cm3), rounded literature values
    "Si": (1.12, 2.33), "Ge": (0.66, 5.32), "GaAs": (1.42, 5.32), "GaN": (3.4, 6.15), "ZnO": (3.37, 5.61),
    "diamond": (5.47, 3.51), "SiC": (3.26, 3.21), "TiO2": (3.0, 4.23), "MgO": (7.8, 3.58), "NaCl": (8.5, 2.17),
    "InP": (1.34, 4.81), "CdTe": (1.5, 5.85), "AlN": (6.0, 3.26), "ZnS": (3.6, 4.09), "InAs": (0.35, 5.67),
    "PbS": (0.41, 7.6), "Cu2O": (2.1, 6.0), "CdS": (2.42, 4.82),
}


class MaterialsTable(OpenTask):
    id = "open/materials_table"
    description = "Summarise a materials property table: widest and narrowest band gap, densest material."
    default_params = {"n_materials": 5}

    def build(self, rng: random.Random) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
        names = sorted(MATERIALS)
        while True:
            pick = rng.sample(names, self.params["n_materials"])
            gaps = [MATERIALS[m][0] for m in pick]
            dens = [MATERIALS[m][1] for m in pick]
            if len(set(gaps)) == len(gaps) and len(set(dens)) == len(dens):
                break
        rows = [{"material": m, "gap": g, "density": d} for m, g, d in zip(pick, gaps, dens, strict=True)]
        wide = max(rows, key=lambda r: r["gap"])
        narrow = min(rows, key=lambda r: r["gap"])
        dense = max(rows, key=lambda r: r["density"])
        ref = (f"{wide['material']} has the widest band gap in the set, {wide['gap']} eV, so it is the most "
               f"insulating and would be transparent to visible light. {narrow['material']} has the narrowest gap, "
               f"{narrow['gap']} eV, which makes it the best candidate for absorbing infrared or visible light. "
               f"The densest material is {dense['material']} at {dense['density']} g/cm3.")
        kps = [
            point("widest gap", *[[wide["material"], w] for w in ("widest", "largest", "highest", "biggest",
                                                                   "most insulating")]),
            point("widest gap value", num(wide["gap"], 0.005)),
            point("narrowest gap", *[[narrow["material"], w] for w in ("narrowest", "smallest", "lowest",
                                                                       "least insulating")]),
            point("densest", *[[dense["material"], w] for w in ("densest", "highest density", "most dense",
                                                                "largest density", "heaviest")]),
        ]
        return {"rows": rows}, ref, kps

    def question(self, identity: dict[str, Any]) -> str:
        rows = "\n".join(f"| {r['material']} | {r['gap']} | {r['density']} |" for r in identity["rows"])
        return ("Here are room-temperature properties of some materials:\n\n| material | band gap (eV) | "
                f"density (g/cm3) |\n|---|---|---|\n{rows}\n\nSummarise the table: which material has the widest "
                "band gap (and its value), which the narrowest, and which is the densest.")


SYSTEMS = [
    ["LiFeO2", "Li5FeO4", "LiFe5O8", "Li2FeO3", "Li3FeO4", "LiFe2O4"],
    ["NaCoO2", "Na2CoO3", "NaCo2O4", "Na3CoO4", "Na4CoO4", "NaCo3O6"],
    ["MgAl2O4", "Mg2AlO4", "MgAl4O7", "Mg3Al2O6", "MgAlO2", "Mg2Al6O11"],
    ["CaTiO3", "Ca2TiO4", "CaTi2O5", "Ca3Ti2O7", "Ca4Ti3O10", "CaTi4O9"],
    ["ZnGa2O4", "Zn2GaO4", "ZnGaO2", "Zn3Ga2O6", "ZnGa4O7", "Zn2Ga2O5"],
]


class PhaseStability(OpenTask):
    id = "open/phase_stability"
    description = "Interpret energies above the convex hull: stable, metastable and most unstable phase."
    default_params = {"n_phases": 5}

    def build(self, rng: random.Random) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
        phases = rng.sample(rng.choice(SYSTEMS), self.params["n_phases"])
        e = [0, rng.randint(3, 20)] + rng.sample(range(60, 400), len(phases) - 2)
        rows = [{"phase": p, "e_hull": v} for p, v in zip(phases, e, strict=True)]
        rng.shuffle(rows)
        stable, meta = phases[0], phases[1]
        worst = max(rows, key=lambda r: r["e_hull"])
        ref = (f"{stable} lies on the convex hull (0 meV/atom), so it is the thermodynamically stable phase of "
               f"this set. {meta} is only {e[1]} meV/atom above the hull, so it is metastable and could plausibly "
               f"be synthesised. {worst['phase']} is the least stable phase, {worst['e_hull']} meV/atom above the "
               "hull, and would be expected to decompose into the stable neighbouring phases.")
        kps = [
            point("stable phase", *[[stable, w] for w in ("on the hull", "on the convex hull", "stable",
                                                          "ground state", "0 meV")],
                  none=[f"{stable} is unstable", f"{stable} is metastable"]),
            point("metastable phase", *[[meta, w] for w in ("metastable", "synthesi*", "slightly above",
                                                            "close to the hull", "near the hull")]),
            point("least stable phase", *[[worst["phase"], w] for w in ("least stable", "most unstable",
                                                                        "decompos*", "highest energy",
                                                                        "furthest", "farthest", "unstable")]),
            point("its energy above hull", num(worst["e_hull"], 0.5)),
        ]
        return {"rows": rows}, ref, kps

    def question(self, identity: dict[str, Any]) -> str:
        rows = "\n".join(f"| {r['phase']} | {r['e_hull']} |" for r in identity["rows"])
        return ("DFT calculations give these energies above the convex hull for phases of one chemical system:\n\n"
                f"| phase | E above hull (meV/atom) |\n|---|---|\n{rows}\n\nInterpret the result: which phase is "
                "thermodynamically stable, which one is metastable (within about 25 meV/atom of the hull) and "
                "might still be made, and which is the least stable (with its energy above the hull).")


def register(registry: Any) -> None:
    for cls in (CatalystYields, SeriesTrend, MaterialsTable, PhaseStability):
        registry.register(cls, cls.id, {}, cls.description)
