"""Open-ended explanations: biological observations and a physics principle applied to given numbers."""

from __future__ import annotations

import math
import random
from typing import Any

from bootcamp.verifiers.rubric import num, point
from tasks.open._base import OpenTask

# observation template (with {x} filled from the choices), reference, key points
OBSERVATIONS: list[tuple[str, list[str], str, list[tuple[Any, ...]]]] = [
    ("Red blood cells placed in {x} swell and burst.", ["distilled water", "pure water", "deionised water"],
     "The surrounding water is hypotonic to the cytoplasm, so water moves into the cells by osmosis down its "
     "water potential gradient. Red blood cells have no cell wall to resist the pressure, so they swell until "
     "the membrane ruptures, which is called haemolysis.",
     [("osmosis", "osmosis", "osmotic"), ("hypotonic", "hypotonic", "lower solute", "higher water potential"),
      ("water enters", ["water", "into"], ["water", "enters"]), ("no wall", "no cell wall", "lack a cell wall",
                                                                  "without a cell wall")]),
    ("After years of heavy {x} use in a hospital, most isolates of a bacterium are resistant to it.",
     ["penicillin", "methicillin", "vancomycin", "ciprofloxacin"],
     "Random mutations (or genes gained by horizontal transfer) made a few bacteria resistant before the drug was "
     "widely used. The antibiotic kills the susceptible cells, so the resistant ones survive and reproduce. Over "
     "many generations this natural selection makes resistance common in the population.",
     [("variation", "mutation*", "horizontal", "plasmid*", "variation"), ("selection", "natural selection",
                                                                          "selective pressure", "selected"),
      ("survive and reproduce", ["resistant", "surviv*"], ["resistant", "reproduc*"]),
      ("generations", "generations", "over time")]),
    ("The activity of an enzyme from a {x} drops sharply when the assay is heated well above its optimum.",
     ["human liver", "mouse muscle", "pea seedling", "yeast cell"],
     "Above its optimum temperature the enzyme denatures. The heat breaks the hydrogen bonds and other weak "
     "interactions that hold its tertiary structure, so the active site changes shape. The substrate no longer "
     "fits the active site, so fewer enzyme-substrate complexes form and the rate falls.",
     [("denaturation", "denatur*"), ("bonds broken", "hydrogen bonds", "bonds break", "weak interactions"),
      ("active site shape", ["active site", "shape"]), ("substrate no longer binds", ["substrate", "fit*"],
                                                        ["substrate", "bind*"])]),
    ("The sickle-cell allele is common in {x}, where malaria is widespread, even though it causes disease "
     "in homozygotes.", ["parts of West Africa", "parts of central India", "parts of the Arabian peninsula"],
     "People heterozygous for the sickle-cell allele are partly protected against severe malaria. This "
     "heterozygote advantage means carriers survive and have more children than people without the allele. "
     "Natural selection therefore keeps the allele at a high frequency despite the disease it causes in "
     "homozygotes, an example of balancing selection.",
     [("heterozygote advantage", "heterozygote advantage", "heterozygous", "carriers"),
      ("malaria protection", ["malaria", "protect*"], ["malaria", "resist*"]),
      ("selection", "natural selection", "balancing selection", "selected")]),
    ("Yeast growing in a sealed flask of {x} keeps producing gas and the liquid starts to smell of alcohol.",
     ["grape juice", "sugar solution", "malt extract"],
     "Once the oxygen in the sealed flask is used up, the yeast switches to anaerobic respiration (fermentation). "
     "Glucose is broken down by glycolysis to pyruvate, which is converted to ethanol and carbon dioxide. The "
     "carbon dioxide is the gas, and the ethanol gives the alcoholic smell.",
     [("anaerobic", "anaerobic", "fermentation", "ferment*"), ("no oxygen", "oxygen"),
      ("ethanol", "ethanol", "alcohol"), ("carbon dioxide", "carbon dioxide", "CO2")]),
    ("{x} seedlings on a windowsill bend towards the window.", ["Oat", "Cress", "Sunflower", "Bean"],
     "This is phototropism. Light from one side causes the hormone auxin to move to the shaded side of the "
     "shoot tip. There auxin makes the cells elongate more, so the shaded side grows faster and the shoot bends "
     "towards the light.",
     [("phototropism", "phototropism", "phototropic"), ("auxin", "auxin", "IAA"),
      ("shaded side", "shaded side", "dark side", "shaded", "shady side"),
      ("elongation", "elongat*", "grow faster", "grows faster")]),
    ("During a {x}, a runner's muscles build up lactate and the runner keeps breathing hard after stopping.",
     ["400 m sprint", "hard 200 m sprint", "steep hill climb"],
     "The muscles need energy faster than oxygen can be delivered, so they also respire anaerobically. Pyruvate is "
     "reduced to lactate, which regenerates NAD+ so glycolysis can continue making ATP. After the run the extra "
     "oxygen taken in (the oxygen debt) is used to break down or convert the lactate.",
     [("anaerobic", "anaerobic*"), ("lactate from pyruvate", ["pyruvate", "lactate"], "lactic acid"),
      ("NAD regeneration", "NAD", "NAD+", "glycolysis"),
      ("oxygen debt", "oxygen debt", "EPOC", "excess post-exercise")]),
    ("Seedlings of {x} grown in complete darkness are tall, thin and pale yellow.", ["bean", "pea", "maize"],
     "This is etiolation. Without light the plant cannot make chlorophyll, so it stays pale. It puts its stored "
     "energy into rapid stem elongation to reach light, which makes the stems tall and thin.",
     [("etiolation", "etiolat*"), ("chlorophyll", "chlorophyll"),
      ("elongation to reach light", "elongat*", "reach light", "reach the light", "grow tall")]),
]


class BiologyObservation(OpenTask):
    id = "open/biology_observation"
    description = "Explain a biological observation (osmosis, selection, denaturation, tropisms, respiration...)."

    def build(self, rng: random.Random) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
        i = rng.randrange(len(OBSERVATIONS))
        template, choices, ref, points = OBSERVATIONS[i]
        observation = template.format(x=rng.choice(choices))
        return {"observation": observation}, ref, [point(p[0], *p[1:]) for p in points]

    def question(self, identity: dict[str, Any]) -> str:
        return f"Observation: {identity['observation']}\n\nExplain the biology behind this observation."


G = 9.81
OBJECTS = {"block of ice": (1.0, 50.0), "skateboarder": (40.0, 95.0), "sledge with rider": (30.0, 120.0),
           "toy car": (0.1, 2.0), "roller-coaster car": (300.0, 900.0), "steel ball": (0.1, 5.0)}


class EnergyConservation(OpenTask):
    id = "open/energy_conservation"
    description = "Apply energy conservation to given numbers: speed at the bottom of a frictionless slope."

    def build(self, rng: random.Random) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
        obj = rng.choice(sorted(OBJECTS))
        h = round(rng.uniform(1.0, 40.0), 1)
        m = round(rng.uniform(*OBJECTS[obj]), 1)
        v = math.sqrt(2 * G * h)
        ke = m * G * h
        ref = (f"With no friction, mechanical energy is conserved, so the gravitational potential energy mgh of "
               f"the {obj} is converted into kinetic energy as it slides down. At the bottom it has "
               f"{ke:.0f} J of kinetic energy. Setting mgh equal to (1/2)mv^2 gives v = sqrt(2gh) = {v:.2f} m/s. "
               "The mass cancels, so the speed does not depend on the mass and a heavier object would reach the "
               "same speed.")
        kps = [
            point("energy conservation", ["energy", "conserv*"], ["potential", "kinetic"]),
            point("speed", [num(round(v, 2), 0.01 * v + 0.005)]),
            point("kinetic energy", [num(round(ke), 0.01 * ke + 0.5)]),
            point("mass independence", ["mass", "cancel*"], ["independent", "mass"], ["not depend", "mass"],
                  ["regardless", "mass"], none=["depends on the mass", "depends on its mass"]),
        ]
        return {"object": obj, "height_m": h, "mass_kg": m}, ref, kps

    def question(self, identity: dict[str, Any]) -> str:
        return (f"A {identity['object']} of mass {identity['mass_kg']} kg starts from rest and slides down a "
                f"frictionless slope, descending a height of {identity['height_m']} m (take g = 9.81 m/s^2).\n\n"
                "Explain, using the conservation of energy, how fast it moves at the bottom (in m/s, within 1%), "
                "how much kinetic energy it has there (in J, within 1%), and whether the answer depends on its mass.")


def register(registry: Any) -> None:
    for cls in (BiologyObservation, EnergyConservation):
        registry.register(cls, cls.id, {}, cls.description)
