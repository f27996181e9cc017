"""Open-ended life-science explanations: trial results, experimental design critique, enzyme inhibition."""

from __future__ import annotations

import math
import random
from typing import Any

from bootcamp.verifiers.rubric import num, point
from tasks.open._base import OpenTask, cap

DRUGS = ["Cardiozan", "Neurovex", "Pulmorin", "Hepatrol", "Glycomet-X", "Renalor", "Osteofix", "Dermacyl"]
OUTCOMES = [  # (outcome, is a bad event: lower is better)
    ("major cardiovascular events within 2 years", True),
    ("hospital admission within 1 year", True),
    ("disease relapse within 12 months", True),
    ("complete symptom remission at 8 weeks", False),
    ("a clinical response at 6 months", False),
    ("wound closure by week 12", False),
]
SIGNIFICANT = ["statistically significant", "significant", "significantly"]
NOT_SIGNIFICANT = ["not statistically significant", "not significant", "non-significant", "nonsignificant",
                   "insignificant", "no significant", "not significantly", "could be due to chance",
                   "consistent with chance"]


class TrialResult(OpenTask):
    id = "open/trial_result"
    description = "Summarise a two-arm trial: better arm, absolute difference, number needed to treat, significance."

    def build(self, rng: random.Random) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
        drug = rng.choice(DRUGS)
        outcome, bad = rng.choice(OUTCOMES)
        n = rng.choice([150, 200, 250, 300, 400, 500])
        while True:
            ra, rb = rng.randint(10, 60), rng.randint(10, 60)
            if abs(ra - rb) >= 4:
                break
        p = round(rng.uniform(0.001, 0.04), 3) if abs(ra - rb) >= 8 else round(rng.uniform(0.08, 0.6), 2)
        arms = {drug: ra, "placebo": rb}
        better = min(arms, key=arms.get) if bad else max(arms, key=arms.get)
        worse = "placebo" if better == drug else drug
        arr = abs(ra - rb)
        nnt = math.ceil(100 / arr)
        sig = p < 0.05
        verdict = ("The difference is statistically significant (p = {p}), so it is unlikely to be due to chance."
                   if sig else "The difference is not statistically significant (p = {p}), so it could be due "
                   "to chance and the trial does not show a real benefit.").format(p=p)
        better_words = (("fewer", "lower", "reduced", "better", "more effective", "superior") if bad
                        else ("more", "higher", "greater", "better", "more effective", "superior"))
        nn = "number needed to treat" if better == drug else "number needed to harm"
        ref = (f"Patients in the {better} arm did better: {arms[better]}% had {outcome} compared with "
               f"{arms[worse]}% in the {worse} arm. The absolute difference is {arr} percentage points, which "
               f"corresponds to a {nn} of about {nnt}. {verdict}")
        kps = [
            point("better arm", *[[better, w] for w in better_words]),
            point("absolute difference", num(arr, 0.5)),
            point("number needed to treat", *[[num(nnt, 1.0), w] for w in ("number needed to", "NNT", "NNH")]),
            point("significance", *(SIGNIFICANT if sig else NOT_SIGNIFICANT),
                  none=NOT_SIGNIFICANT if sig else None),
        ]
        data = {"drug": drug, "outcome": outcome, "lower_is_better": bad, "n_per_arm": n, "rates": arms, "p": p}
        return data, ref, kps

    def question(self, identity: dict[str, Any]) -> str:
        rates = identity["rates"]
        return (f"In a randomised, double-blind trial ({identity['n_per_arm']} patients per arm), "
                f"{identity['drug']} was compared with placebo. The primary outcome was {identity['outcome']}: "
                f"{rates[identity['drug']]}% in the {identity['drug']} arm and {rates['placebo']}% in the placebo "
                f"arm (p = {identity['p']}).\n\nSummarise the result: which arm did better, the absolute difference "
                "in percentage points, the number needed to treat (or to harm, if the drug is worse; rounded up to a whole "
                "patient), and whether the "
                "difference is statistically significant at the 5% level.")


SCENARIOS = [
    {"setup": "A gardener tests whether a new fertiliser makes tomato plants grow taller",
     "unit": "plants", "treated": "fertilised plants", "confounder": "sunlight",
     "confound_text": "The fertilised plants were kept on a sunny windowsill and the others in a shaded corner",
     "confound_terms": ["sunlight", "light", "window*", "shade*", "sunny"]},
    {"setup": "A lab tests whether a new diet lowers blood pressure in mice", "unit": "mice",
     "treated": "mice on the diet", "confounder": "age",
     "confound_text": "The mice on the diet were all young adults, while the comparison mice were old",
     "confound_terms": ["age", "older", "younger", "young", "old"]},
    {"setup": "A school tests whether a new reading app improves test scores", "unit": "pupils",
     "treated": "pupils using the app", "confounder": "time of day",
     "confound_text": "The pupils using the app sat the test in the morning and the others late in the afternoon",
     "confound_terms": ["time of day", "morning", "afternoon", "tired*", "fatigue"]},
    {"setup": "A clinic tests whether a herbal tea shortens colds", "unit": "patients",
     "treated": "patients drinking the tea", "confounder": "season",
     "confound_text": "The tea drinkers were recruited in summer and the comparison patients in winter",
     "confound_terms": ["season*", "summer", "winter"]},
    {"setup": "A farm tests whether a probiotic feed increases egg production in hens", "unit": "hens",
     "treated": "hens on the feed", "confounder": "breed",
     "confound_text": "The hens on the probiotic feed were a high-laying breed and the others a different breed",
     "confound_terms": ["breed*", "genetic*", "strain"]},
    {"setup": "A lab tests whether a compound slows the growth of cultured tumour cells", "unit": "culture plates",
     "treated": "treated plates", "confounder": "incubator",
     "confound_text": "The treated plates were kept in an older incubator that runs cooler than the one used "
                      "for the others", "confound_terms": ["incubator", "temperature", "cooler"]},
]
FLAWS = {
    "control": ("There is no untreated control group, so the change cannot be attributed to the treatment.",
                [["no", "control"], ["lack*", "control"], ["missing", "control"], ["without", "control"],
                 ["absence", "control"], ["need*", "control"]]),
    "sample": ("The sample of only {n} {unit} is too small to detect a real effect reliably.",
               [["small", "sample"], ["too few"], ["sample size"], ["more {unit}"], ["underpowered"],
                ["larger", "sample"]]),
    "blinding": ("The person scoring the outcome applied the treatment and expects it to work, so the "
                 "assessment is not blinded and may be biased.", [["blind*"], ["knew", "bias*"], ["expect*", "bias*"], ["observer bias"]]),
    "random": ("The {unit} were not randomly assigned to groups.", [["random*"]]),
}


class DesignCritique(OpenTask):
    id = "open/design_critique"
    description = "Critique a generated experimental design: confounder, missing control, sample size, blinding."

    def build(self, rng: random.Random) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
        sc = rng.choice(SCENARIOS)
        primary = rng.choice(["confounder", "control"])
        extras = ["sample", "blinding"] + (["random"] if primary == "confounder" else [])
        flaws = sorted(rng.sample(extras, rng.choice([1, 2])))
        n = rng.randint(2, 4) if "sample" in flaws else rng.choice([40, 60, 80, 120])
        design = [f"{sc['setup']}."]
        if primary == "control":
            design.append(f"All {n} {sc['unit']} receive the treatment and are measured before and after.")
        else:
            design.append(f"{n} {sc['unit']} are split into a treated and an untreated group.")
            design.append(sc["confound_text"] + ".")
        design.append("The outcome is scored by the researcher who applied the treatment and expects it to work."
                      if "blinding" in flaws else
                      "The outcome is scored by an assessor who does not know who was treated.")
        if "random" in flaws:
            design.append(f"The researcher picks which {sc['unit']} go into each group by hand.")
        ref, kps = [], []
        if primary == "confounder":
            ref.append(f"The main problem is that the {sc['confounder']} differs between the groups and is a "
                       f"confounder, so it could explain any difference; it must be kept the same for all "
                       f"{sc['unit']}.")
            kps.append(point("confounder", *[[t, w] for t in sc["confound_terms"]
                                             for w in ("confound*", "differ*", "bias*", "explain")]))
        for f in ([] if primary == "confounder" else ["control"]) + flaws:
            text, alts = FLAWS[f]
            ref.append(text.format(n=n, unit=sc["unit"]))
            kps.append(point(f, *[[a.format(unit=sc["unit"]) for a in alt] for alt in alts]))
        if "sample" in flaws:
            kps.append(point("sample size", num(n, 0.01)))
        ref.append("Fixing these issues would make the comparison fair and the conclusion trustworthy.")
        return {"design": " ".join(design), "flaws": sorted([primary] + flaws)}, " ".join(ref), kps

    def question(self, identity: dict[str, Any]) -> str:
        return (f"Critique this experimental design:\n\n{identity['design']}\n\nIdentify every flaw that threatens "
                "the conclusion (for example a confounding variable, a missing control group, too small a sample, "
                "missing blinding or missing randomisation) and briefly say why each matters. Do not list flaws "
                "the design does not have.")


INHIBITION = {
    "competitive": ("increases", "unchanged", "binds the active site and competes with the substrate, so a high "
                    "substrate concentration can still reach the normal maximum rate"),
    "noncompetitive": ("unchanged", "decreases", "binds a site away from the active site on both the free enzyme "
                       "and the enzyme-substrate complex, lowering the amount of working enzyme"),
    "uncompetitive": ("decreases", "decreases", "binds only the enzyme-substrate complex, which lowers both "
                      "constants by the same factor"),
}
CHANGE = {"increases": ["increas*", "higher", "rises", "larger", "raised"],
          "decreases": ["decreas*", "lower*", "reduc*", "smaller", "falls"],
          "unchanged": ["stays", "remains", "unchanged", "unaffected", "the same", "does not change", "constant", "not change"]}
TYPE_WORDS = {"competitive": ["competitive"], "noncompetitive": ["noncompetitive", "non-competitive", "mixed"],
              "uncompetitive": ["uncompetitive", "un-competitive"]}


class EnzymeInhibition(OpenTask):
    id = "open/enzyme_inhibition"
    description = "Classify an enzyme inhibitor from Km and Vmax with and without it, and explain why."

    def build(self, rng: random.Random) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
        kind = rng.choice(sorted(INHIBITION))
        km_change, v_change, why = INHIBITION[kind]
        km0 = round(rng.uniform(0.5, 20.0), 1)
        v0 = rng.randint(20, 200)
        f = round(rng.uniform(1.8, 4.0), 1)
        km1 = {"increases": round(km0 * f, 1), "unchanged": km0, "decreases": round(km0 / f, 2)}[km_change]
        v1 = {"unchanged": v0, "decreases": round(v0 / f, 1)}[v_change]
        km_txt = f"stays at {km0} mM" if km_change == "unchanged" else f"{km_change} from {km0} to {km1} mM"
        v_txt = f"stays at {v0}" if v_change == "unchanged" else f"decreases from {v0} to {v1}"
        ref = (f"The inhibitor is {kind}: Km {km_txt}, while Vmax {v_txt} umol/min. This pattern arises because "
               f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} inhibitor {why}.")
        kps = [
            point("inhibition type", *TYPE_WORDS[kind],
                  none=[w for k, ws in TYPE_WORDS.items() if k != kind for w in ws if w != "competitive"]),
            point("Km change", *[["Km", w] for w in CHANGE[km_change]]),
            point("Vmax change", *[["Vmax", w] for w in CHANGE[v_change]]),
            point("Km with inhibitor", num(km1, 0.05)),
            point("Vmax with inhibitor", num(v1, 0.05)),
        ]
        if kind == "competitive":
            kps.append(point("mechanism", "active site", "compet*", "same site", "substrate binding site"))
        data = {"km0": km0, "km1": km1, "v0": v0, "v1": v1}
        return data, cap(ref), kps

    def question(self, identity: dict[str, Any]) -> str:
        return (f"Michaelis-Menten fits for an enzyme give Km = {identity['km0']} mM and Vmax = {identity['v0']} "
                f"umol/min without inhibitor, and Km = {identity['km1']} mM and Vmax = {identity['v1']} umol/min "
                "with an inhibitor present.\n\nWhat type of reversible inhibition is this (competitive, "
                "noncompetitive or uncompetitive)? Describe how Km and Vmax change and explain the mechanism.")


def register(registry: Any) -> None:
    for cls in (TrialResult, DesignCritique, EnzymeInhibition):
        registry.register(cls, cls.id, {}, cls.description)
