"""pymatgen tools: ``pymatgen_composition``, ``pymatgen_symmetry``, ``phase_diagram``.

Every input is checked before pymatgen sees it (formula length and element count, lattice and
coordinate values finite and bounded, a site cap), because pymatgen's parsers were written for
trusted files. ``phase_diagram`` builds the convex hull from the episode's own entries
(``context["identity"]["entries"]``, at most :data:`MAX_ENTRIES`), never from a database.
pymatgen is imported inside the tools; :data:`SANDBOX_PRELOAD` names what the sandbox runner imports
before the first call's clock starts.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from bootcamp.env.tools import ToolError, tool

#: Longest formula accepted, and most distinct elements in it.
MAX_FORMULA_CHARS = 60
MAX_ELEMENTS = 8
#: Most sites of a structure, largest lattice vector component (angstrom).
MAX_SITES = 64
MAX_LATTICE = 100.0
#: Most entries of a phase diagram, and most elements it may span.
MAX_ENTRIES = 30
MAX_PD_ELEMENTS = 6
#: Modules the sandbox runner imports, per tool, before it starts timing calls (the phase diagram module
#: pulls in matplotlib and scipy: about 1.8 s on a loaded 2-core machine).
SANDBOX_PRELOAD = {
    "pymatgen_composition": ("pymatgen.core",),
    "pymatgen_symmetry": ("pymatgen.core", "pymatgen.symmetry.analyzer"),
    "phase_diagram": ("pymatgen.core", "pymatgen.analysis.phase_diagram"),
}

_FORMULA_CHARS = re.compile(r"^[A-Za-z0-9().\[\] ]+$")


def _composition(formula: Any, what: str = "formula") -> Any:
    """A pymatgen Composition of a (checked) formula string."""
    if not isinstance(formula, str) or not formula.strip():
        raise ToolError(f"{what} must be a non-empty string")
    if len(formula) > MAX_FORMULA_CHARS:
        raise ToolError(f"{what} of {len(formula)} characters; at most {MAX_FORMULA_CHARS}")
    if not _FORMULA_CHARS.match(formula):
        raise ToolError(f"{what} {formula!r} has characters a chemical formula does not use")
    if formula.count("(") + formula.count("[") > 6:
        raise ToolError(f"{what} {formula!r} is nested too deeply")
    from pymatgen.core import Composition, Element

    try:
        comp = Composition(formula.strip())
    except Exception as exc:  # noqa: BLE001 - pymatgen raises many kinds on bad formulas
        raise ToolError(f"invalid {what} {formula!r}: {str(exc)[:100]}") from None
    fake = [str(el) for el in comp.elements if not Element.is_valid_symbol(str(el))]
    if fake:  # pymatgen reads X... as a dummy species
        raise ToolError(f"{what} {formula!r} has unknown element(s): {', '.join(fake)[:100]}")
    if len(comp) == 0 or comp.num_atoms <= 0:
        raise ToolError(f"{what} {formula!r} has no atoms")
    if len(comp) > MAX_ELEMENTS:
        raise ToolError(f"{what} {formula!r} has {len(comp)} elements; at most {MAX_ELEMENTS}")
    if any(not math.isfinite(float(n)) or n < 0 or n > 1e6 for n in comp.values()):
        raise ToolError(f"{what} {formula!r} has an out-of-range amount")
    return comp


@tool("pymatgen_composition",
      "Parse a chemical formula (pymatgen): reduced formula, elements, formula weight (g/mol) and atomic fractions.",
      {"type": "object", "properties": {"formula": {"type": "string", "description": "e.g. Fe2O3"}},
       "required": ["formula"], "additionalProperties": False}, timeout_s=10.0)
def pymatgen_composition(args: dict[str, Any], context: dict[str, Any]) -> str:
    comp = _composition(args["formula"])
    return json.dumps({
        "reduced_formula": comp.reduced_formula,
        "elements": [str(e) for e in comp.elements],
        "weight": round(float(comp.weight), 4),
        "atomic_fractions": {str(e): round(float(comp.get_atomic_fraction(e)), 6) for e in comp.elements},
    })


def _vector(value: Any, what: str, bound: float) -> list[float]:
    if not isinstance(value, list) or len(value) != 3:
        raise ToolError(f"{what} must be a list of 3 numbers")
    out = []
    for x in value:
        if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(float(x)) or abs(x) > bound:
            raise ToolError(f"{what} must hold 3 finite numbers of magnitude at most {bound:g}")
        out.append(float(x))
    return out


def _structure(spec: Any) -> Any:
    if not isinstance(spec, dict):
        raise ToolError('structure must be an object {"lattice": 3x3, "species": [...], "coords": [[...]]}')
    extra = sorted(set(spec) - {"lattice", "species", "coords"})
    if extra:
        raise ToolError(f"structure has unknown key(s): {', '.join(extra)}; it takes lattice, species, coords")
    lattice = spec.get("lattice")
    if not isinstance(lattice, list) or len(lattice) != 3:
        raise ToolError("structure.lattice must be 3 lattice vectors (a 3x3 list, angstrom)")
    rows = [_vector(r, "each lattice vector", MAX_LATTICE) for r in lattice]
    species, coords = spec.get("species"), spec.get("coords")
    if not isinstance(species, list) or not isinstance(coords, list) or not species:
        raise ToolError("structure.species and structure.coords must be non-empty lists")
    if len(species) != len(coords):
        raise ToolError(f"structure has {len(species)} species but {len(coords)} coordinates")
    if len(species) > MAX_SITES:
        raise ToolError(f"structure with {len(species)} sites; at most {MAX_SITES}")
    from pymatgen.core import Element, Lattice, Structure

    elements = []
    for s in species:
        if not isinstance(s, str) or not Element.is_valid_symbol(s):
            raise ToolError(f"unknown element symbol {str(s)[:20]!r} in structure.species")
        elements.append(s)
    frac = [_vector(c, "each fractional coordinate", 10.0) for c in coords]
    lat = Lattice(rows)
    if not lat.volume > 1e-3:
        raise ToolError("the lattice vectors are (nearly) coplanar: zero cell volume")
    try:
        return Structure(lat, elements, frac)
    except Exception as exc:  # noqa: BLE001
        raise ToolError(f"invalid structure: {str(exc)[:150]}") from None


@tool("pymatgen_symmetry",
      "Symmetry of a crystal structure (pymatgen/spglib, symprec 0.01 A): space group symbol and number, crystal "
      "system, cell volume (A^3) and density (g/cm^3). Coordinates are fractional.",
      {"type": "object",
       "properties": {"structure": {"type": "object", "description": '{"lattice": [[a1,a2,a3],[b..],[c..]], '
                                                                     '"species": ["Na", "Cl"], "coords": [[0,0,0], '
                                                                     '[0.5,0.5,0.5]]}'}},
       "required": ["structure"], "additionalProperties": False}, timeout_s=10.0)
def pymatgen_symmetry(args: dict[str, Any], context: dict[str, Any]) -> str:
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    struct = _structure(args["structure"])
    try:
        sga = SpacegroupAnalyzer(struct, symprec=0.01)
        out = {"space_group": sga.get_space_group_symbol(), "number": int(sga.get_space_group_number()),
               "crystal_system": sga.get_crystal_system()}
    except Exception as exc:  # noqa: BLE001 - spglib fails on degenerate structures (overlapping sites)
        raise ToolError(f"symmetry analysis failed: {str(exc)[:150]}") from None
    out["volume"] = round(float(struct.volume), 4)
    out["density"] = round(float(struct.density), 4)
    return json.dumps(out)


def _entries(context: dict[str, Any]) -> list[Any]:
    identity = context.get("identity") if isinstance(context, dict) else None
    raw = identity.get("entries") if isinstance(identity, dict) else None
    if not isinstance(raw, list) or not raw:
        raise ToolError("this environment has no phase-diagram entries")
    if len(raw) > MAX_ENTRIES:
        raise ToolError(f"the phase diagram has {len(raw)} entries; at most {MAX_ENTRIES}")
    from pymatgen.analysis.phase_diagram import PDEntry

    entries = []
    for i, e in enumerate(raw):
        if not isinstance(e, dict):
            raise ToolError(f"entry {i} is not an object")
        comp = _composition(e.get("composition"), f"entry {i} composition")
        energy = e.get("energy_per_atom")
        if isinstance(energy, bool) or not isinstance(energy, (int, float)) or not math.isfinite(energy) \
                or abs(energy) > 1000:
            raise ToolError(f"entry {i} energy_per_atom must be a finite number")
        entries.append(PDEntry(comp, float(energy) * comp.num_atoms, name=comp.reduced_formula))
    return entries


@tool("phase_diagram",
      "Thermodynamic stability of a composition on this problem's phase diagram: energy above the convex hull "
      "(eV/atom), whether it is stable, and the phases it decomposes into (with their fractions by atom).",
      {"type": "object", "properties": {"formula": {"type": "string", "description": "e.g. LiFeO2"}},
       "required": ["formula"], "additionalProperties": False}, timeout_s=10.0)
def phase_diagram(args: dict[str, Any], context: dict[str, Any]) -> str:
    from pymatgen.analysis.phase_diagram import PhaseDiagram

    comp = _composition(args["formula"])
    entries = _entries(context)
    system = sorted({str(el) for e in entries for el in e.composition.elements})
    if len(system) > MAX_PD_ELEMENTS:
        raise ToolError(f"the phase diagram spans {len(system)} elements; at most {MAX_PD_ELEMENTS}")
    outside = sorted({str(el) for el in comp.elements} - set(system))
    if outside:
        raise ToolError(f"{args['formula']!r} has element(s) {', '.join(outside)} outside the chemical system "
                        f"{'-'.join(system)}")
    try:
        pd = PhaseDiagram(entries)
    except Exception as exc:  # noqa: BLE001 - e.g. missing elemental (terminal) entries
        raise ToolError(f"cannot build the phase diagram: {str(exc)[:150]}") from None
    target = comp.reduced_formula
    mine = [e for e in entries if e.composition.reduced_formula == target]

    def fractions(decomp: dict[Any, float]) -> dict[str, float]:
        return {e.composition.reduced_formula: round(float(x), 6) for e, x in
                sorted(decomp.items(), key=lambda kv: -kv[1]) if x > 1e-9}

    if not mine:  # no energy for this composition: report what the hull predicts there
        decomp = pd.get_decomposition(comp)
        return json.dumps({"formula": target, "e_above_hull": None, "stable": False,
                           "note": f"no entry for {target}: its energy is unknown; shown: the hull at that "
                                   "composition",
                           "hull_energy_per_atom": round(float(pd.get_hull_energy_per_atom(comp)), 6),
                           "decomposition": fractions(decomp)})
    best = min(mine, key=lambda e: e.energy_per_atom)
    decomp, e_hull = pd.get_decomp_and_e_above_hull(best, allow_negative=True)
    return json.dumps({"formula": target, "e_above_hull": round(max(float(e_hull), 0.0), 6),
                       "stable": bool(e_hull <= 1e-8), "decomposition": fractions(decomp)})
