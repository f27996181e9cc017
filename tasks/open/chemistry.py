"""Open-ended chemistry explanations: comparing molecules, reading IR peaks, reagent safety."""

from __future__ import annotations

import random
from typing import Any

from rdkit import Chem
from rdkit.Chem import Crippen, Descriptors, rdMolDescriptors

from bootcamp.verifiers.rubric import num, point
from tasks.open._base import OpenTask, cap

MOLECULES = {
    "ethanol": "CCO", "hexane": "CCCCCC", "acetic acid": "CC(=O)O", "toluene": "Cc1ccccc1",
    "glycerol": "OCC(O)CO", "benzene": "c1ccccc1", "phenol": "Oc1ccccc1", "acetone": "CC(C)=O",
    "aniline": "Nc1ccccc1", "naphthalene": "c1ccc2ccccc2c1", "glucose": "OCC1OC(O)C(O)C(O)C1O",
    "octanol": "CCCCCCCCO", "urea": "NC(N)=O", "caffeine": "Cn1cnc2c1c(=O)n(C)c(=O)n2C",
    "ibuprofen": "CC(C)Cc1ccc(cc1)C(C)C(=O)O", "cyclohexane": "C1CCCCC1", "nitrobenzene": "O=[N+]([O-])c1ccccc1",
    "ethylene glycol": "OCCO", "decane": "CCCCCCCCCC", "aspirin": "CC(=O)Oc1ccccc1C(=O)O",
    "chlorobenzene": "Clc1ccccc1", "pyridine": "c1ccncc1", "dimethyl sulfoxide": "CS(C)=O",
    "butyric acid": "CCCC(=O)O",
}


def _props(smiles: str) -> dict[str, float]:
    mol = Chem.MolFromSmiles(smiles)
    return {"mw": round(Descriptors.MolWt(mol), 1), "logp": round(Crippen.MolLogP(mol), 2),
            "tpsa": round(rdMolDescriptors.CalcTPSA(mol), 1), "hbd": rdMolDescriptors.CalcNumHBD(mol)}


PROPS = {name: _props(smi) for name, smi in MOLECULES.items()}


class MoleculeCompare(OpenTask):
    id = "open/molecule_compare"
    description = "Compare two molecules from given properties: heavier, more polar, more lipophilic."

    def build(self, rng: random.Random) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
        names = sorted(MOLECULES)
        while True:
            a, b = rng.sample(names, 2)
            pa, pb = PROPS[a], PROPS[b]
            if abs(pa["mw"] - pb["mw"]) >= 5 and abs(pa["tpsa"] - pb["tpsa"]) >= 5 and abs(pa["logp"] - pb["logp"]) >= 0.3:
                break
        heavy, light = (a, b) if pa["mw"] > pb["mw"] else (b, a)
        polar, apolar = (a, b) if pa["tpsa"] > pb["tpsa"] else (b, a)
        lipo = apolar if PROPS[apolar]["logp"] > PROPS[polar]["logp"] else polar
        diff = round(abs(pa["mw"] - pb["mw"]), 1)
        polar_note = ("and, as expected, the less polar molecule is also the more lipophilic one" if lipo == apolar
                      else "although, unusually, the more polar molecule also has the higher logP")
        ref = (f"{cap(heavy)} is the heavier molecule, with a molecular weight {diff} g/mol higher than that of {light}. "
               f"{cap(polar)} is more polar, because its topological polar surface area ({PROPS[polar]['tpsa']} A^2) is "
               f"larger than that of {apolar}. {cap(lipo)} is more lipophilic, with a logP of {PROPS[lipo]['logp']}, "
               f"{polar_note}.")
        kps = [
            point("heavier", *[[heavy, w] for w in ("heavier", "higher molecular weight", "larger molecular weight",
                                                    "greater molecular weight", "higher molar mass", "more massive")]),
            point("mass difference", num(diff, 0.15)),
            point("more polar", *[[polar, w] for w in ("more polar", "higher polarity", "greater polarity",
                                                       "larger polar surface", "higher TPSA", "larger TPSA")]),
            point("more lipophilic", *[[lipo, w] for w in ("more lipophilic", "higher logP", "larger logP",
                                                           "more hydrophobic", "greater lipophilicity")]),
        ]
        data = {"molecules": [{"name": n, "smiles": MOLECULES[n], **PROPS[n]} for n in (a, b)]}
        return data, ref, kps

    def question(self, identity: dict[str, Any]) -> str:
        rows = "\n".join(f"| {m['name']} | {m['smiles']} | {m['mw']} | {m['logp']} | {m['tpsa']} | {m['hbd']} |"
                         for m in identity["molecules"])
        return ("Compare these two molecules:\n\n| name | SMILES | MW (g/mol) | logP | TPSA (A^2) | H-bond donors |\n"
                f"|---|---|---|---|---|---|\n{rows}\n\nExplain which one is heavier (and by how many g/mol), "
                "which is more polar, and which is more lipophilic, using the numbers given.")


# Functional group: (peaks as (low, high, description), accepted names, diagnostic peak index)
IR_GROUPS = {
    "alcohol": ([(3200, 3550, "broad, strong"), (1050, 1150, "strong")],
                ["alcohol", "hydroxyl", "O-H", "OH group"]),
    "carboxylic acid": ([(2500, 3300, "very broad"), (1700, 1725, "strong")],
                        ["carboxylic acid", "COOH", "carboxyl*"]),
    "ketone": ([(1705, 1725, "strong, sharp")], ["ketone", "carbonyl", "C=O"]),
    "aldehyde": ([(1720, 1740, "strong"), (2700, 2760, "weak")], ["aldehyde", "CHO", "formyl"]),
    "ester": ([(1735, 1750, "strong"), (1150, 1250, "strong")], ["ester"]),
    "nitrile": ([(2210, 2260, "medium, sharp")], ["nitrile", "cyano", "C≡N", "C#N", "CN triple bond"]),
    "terminal alkyne": ([(3260, 3320, "sharp"), (2100, 2140, "weak")], ["alkyne", "C≡C", "C#C", "triple bond"]),
    "alkene": ([(1640, 1680, "medium"), (3020, 3100, "medium")], ["alkene", "C=C", "olefin*", "vinyl*"]),
    "aromatic ring": ([(1590, 1610, "medium"), (1490, 1510, "medium")], ["aromatic", "benzene ring", "arene",
                                                                         "phenyl"]),
    "primary amine": ([(3350, 3500, "two medium bands"), (1580, 1650, "medium")], ["amine", "NH2", "N-H"]),
    "nitro": ([(1510, 1560, "strong"), (1340, 1380, "strong")], ["nitro", "NO2"]),
}
# Groups whose peaks would overlap and make the assignment ambiguous are never drawn together.
CLASHES = [{"alcohol", "carboxylic acid"}, {"ketone", "aldehyde", "ester", "carboxylic acid"},
           {"alcohol", "primary amine"}, {"alkene", "aromatic ring"}, {"nitrile", "terminal alkyne"},
           {"nitro", "aromatic ring"}, {"primary amine", "alkene"}, {"terminal alkyne", "alcohol"},
           {"terminal alkyne", "primary amine"}, {"primary amine", "aromatic ring"}, {"alkene", "nitro"}]


def _a(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


class IrSpectrum(OpenTask):
    id = "open/ir_spectrum"
    description = "Interpret listed IR peaks: name the functional groups and their diagnostic bands."
    default_params = {"n_groups": 2}

    def build(self, rng: random.Random) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
        names = sorted(IR_GROUPS)
        while True:
            groups = rng.sample(names, self.params["n_groups"])
            if not any(len(set(groups) & c) > 1 for c in CLASHES):
                break
        peaks, sentences, kps = [], [], []
        for g in groups:
            bands, accepted = IR_GROUPS[g]
            wn = [rng.randrange(lo, hi + 1, 5) for lo, hi, _ in bands]
            peaks += [{"wavenumber": w, "shape": d} for w, (_, _, d) in zip(wn, bands, strict=True)]
            sentences.append(f"The band at {wn[0]} cm-1 ({bands[0][2]}) is diagnostic of {_a(g)} {g}"
                             + (f", and the band near {wn[1]} cm-1 supports this assignment." if len(wn) > 1
                                else "."))
            kps.append(point(g, *accepted))
            kps.append(point(f"{g} band", [num(wn[0], 10.0)]))
        peaks.append({"wavenumber": rng.randrange(2850, 2960, 5), "shape": "medium (C-H stretch)"})
        peaks.sort(key=lambda p: -p["wavenumber"])
        ref = (" ".join(sentences) + f" The compound therefore contains both {_a(groups[0])} {groups[0]} and "
               f"{_a(groups[1])} {groups[1]}, while the absorption just below 3000 cm-1 only shows ordinary sp3 C-H bonds.")
        return {"peaks": peaks, "groups": groups}, ref, kps

    def question(self, identity: dict[str, Any]) -> str:
        peaks = "\n".join(f"- {p['wavenumber']} cm-1: {p['shape']}" for p in identity["peaks"])
        return ("An organic compound shows these IR absorptions:\n\n" + peaks + "\n\nWhich functional groups "
                f"does it contain? Name the {len(identity['groups'])} functional groups (besides ordinary C-H "
                "bonds) and the wavenumber of the band that identifies each (within 10 cm-1).")


# Reagent: (hazard words used in the reference, accepted hazard terms, handling advice)
HAZARDS = {
    "diethyl ether": ("highly flammable and can form explosive peroxides", ["flammable", "peroxide*"]),
    "concentrated sulfuric acid": ("highly corrosive and reacts violently when water is added to it",
                                   ["corrosive", "burns"]),
    "sodium metal": ("water-reactive, releasing flammable hydrogen gas", ["water-reactive", "reacts with water",
                                                                         "hydrogen", "react violently with water"]),
    "sodium hydroxide": ("corrosive to skin and eyes", ["corrosive", "caustic", "burns"]),
    "benzene": ("a carcinogen and flammable", ["carcinogen*", "cancer"]),
    "hydrogen peroxide (30%)": ("a strong oxidiser that is corrosive", ["oxidi*"]),
    "potassium permanganate": ("a strong oxidiser", ["oxidi*"]),
    "hydrofluoric acid": ("acutely toxic and causes deep tissue burns by absorbing through the skin",
                          ["toxic", "fluoride", "calcium gluconate", "deep burns", "deep tissue"]),
    "mercury(II) chloride": ("highly toxic", ["toxic", "poison*"]),
    "acetone": ("highly flammable", ["flammable"]),
    "methanol": ("flammable and toxic if swallowed, inhaled or absorbed through the skin", ["toxic", "poison*",
                                                                                           "blindness"]),
    "chloroform": ("toxic and a suspected carcinogen", ["toxic", "carcinogen*", "liver"]),
    "n-butyllithium": ("pyrophoric, igniting spontaneously in air", ["pyrophoric", "ignites in air",
                                                                     "ignite spontaneously", "air-sensitive"]),
    "sodium azide": ("acutely toxic and can form explosive metal azides", ["toxic", "explosive", "azide*"]),
}
INCOMPATIBLE = {  # pairs that must never be mixed, with why
    frozenset({"diethyl ether", "potassium permanganate"}): "an oxidiser with a flammable solvent",
    frozenset({"acetone", "hydrogen peroxide (30%)"}): "an oxidiser with a flammable solvent",
    frozenset({"methanol", "potassium permanganate"}): "an oxidiser with a flammable solvent",
    frozenset({"sodium metal", "methanol"}): "an alkali metal with a protic solvent",
    frozenset({"concentrated sulfuric acid", "sodium hydroxide"}): "a strong acid with a strong base",
    frozenset({"n-butyllithium", "methanol"}): "an organolithium with a protic solvent",
}
INCOMPAT_WORDS = ["incompatib*", "never be mixed", "must not be mixed", "should not be mixed", "do not mix",
                  "not be combined", "kept apart", "separately", "violent*", "separate"]


class LabSafety(OpenTask):
    id = "open/lab_safety"
    description = "Explain the hazards of given reagents and whether they may be stored or mixed together."

    def build(self, rng: random.Random) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
        if rng.random() < 0.5:
            pair = sorted(rng.choice(sorted(INCOMPATIBLE, key=sorted)))
        else:
            names = sorted(HAZARDS)
            while True:
                pair = sorted(rng.sample(names, 2))
                if frozenset(pair) not in INCOMPATIBLE:
                    break
        why = INCOMPATIBLE.get(frozenset(pair))
        kps = [point(f"{r} hazard", *[[r, h] for h in HAZARDS[r][1]]) for r in pair]
        text = [f"{cap(r)} is {HAZARDS[r][0]}." for r in pair]
        if why:
            text.append(f"The two are incompatible because this is {why}, so they must never be mixed "
                        "and should be stored apart.")
            kps.append(point("incompatibility", *INCOMPAT_WORDS, none=["compatible with each other"]))
        else:
            text.append("They are not a classic incompatible pair, but each should still be handled on its own "
                        "terms and stored in a suitable cabinet.")
        text.append("Handle both in a fume hood while wearing gloves, goggles and a lab coat.")
        kps.append(point("protection", "fume hood", "gloves", "goggles", "glove*", "PPE", "protective"))
        return {"reagents": pair, "incompatible": bool(why)}, " ".join(text), kps

    def question(self, identity: dict[str, Any]) -> str:
        a, b = identity["reagents"]
        return (f"A student plans to use {a} and {b} in the same experiment. Explain the main hazard of each "
                "reagent, say whether the two are incompatible (must not be mixed or stored together) and why, "
                "and name the basic protective measures.")


def register(registry: Any) -> None:
    for cls in (MoleculeCompare, IrSpectrum, LabSafety):
        registry.register(cls, cls.id, {}, cls.description)
