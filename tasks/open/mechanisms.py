"""Open-ended explanations of named organic reaction mechanisms (a bank with worked examples)."""

from __future__ import annotations

import random
import re
from typing import Any

from bootcamp.verifiers.rubric import point
from tasks.open._base import OpenTask

# name: (examples, reference body, key points as (name, alternatives...)); an alternative is a term or
# a list of terms required in one sentence.
MECHANISMS: dict[str, tuple[list[str], str, list[tuple[Any, ...]]]] = {
    "SN1": (["tert-butyl bromide in water", "2-chloro-2-methylbutane in ethanol", "trityl chloride in methanol"],
            "The SN1 reaction is a stepwise substitution. First the leaving group departs on its own, which is the "
            "slow, rate-determining step and forms a planar carbocation. The nucleophile (often the solvent) then "
            "attacks either face of the carbocation, so a stereocentre is largely racemised. The rate depends only "
            "on the substrate, and tertiary substrates in polar protic solvents react fastest.",
            [("name", "SN1"), ("carbocation", "carbocation", "carbenium"),
             ("rate-determining ionisation", "rate-determining", "rate-limiting", "slow step"),
             ("racemisation", "racemi*", "both faces", "either face", "loss of stereochemistry")]),
    "SN2": (["methyl iodide with hydroxide", "bromoethane with cyanide", "(R)-2-bromobutane with azide"],
            "The SN2 reaction is a concerted, one-step substitution. The nucleophile attacks the carbon from the "
            "side opposite the leaving group (backside attack) through a single five-coordinate transition state. "
            "The configuration at the carbon is therefore inverted (Walden inversion). The rate depends on both the "
            "substrate and the nucleophile, and it is fastest for methyl and primary substrates with little steric "
            "hindrance.",
            [("name", "SN2"), ("concerted", "concerted", "one step", "single step"),
             ("backside attack", "backside", "back side", "opposite the leaving group", "rear"),
             ("inversion", "inversion", "inverted", "Walden")]),
    "E1": (["tert-butanol heated with sulfuric acid", "2-bromo-2-methylpropane heated in ethanol",
            "cyclohexanol with phosphoric acid"],
           "The E1 elimination is stepwise. The leaving group departs first in the slow, rate-determining step "
           "to give a carbocation. A weak base (often the solvent) then removes a proton from a carbon next to the "
           "cationic centre, forming the C=C double bond. The more substituted (Zaitsev) alkene usually "
           "dominates, and the carbocation can rearrange before the proton is lost.",
           [("name", "E1"), ("carbocation", "carbocation", "carbenium"),
            ("deprotonation", "proton", "deprotonat*"), ("Zaitsev product", "Zaitsev", "Saytzeff",
                                                         "more substituted")]),
    "E2": (["2-bromopropane with sodium ethoxide", "bromocyclohexane with potassium tert-butoxide",
            "2-bromobutane with hydroxide"],
           "The E2 elimination is concerted: a strong base removes a beta proton while the leaving group departs "
           "in the same step. It needs an anti-periplanar arrangement of the proton and the leaving group. The "
           "rate depends on both the substrate and the base, and a bulky base can favour the less substituted "
           "(Hofmann) alkene.",
           [("name", "E2"), ("concerted", "concerted", "one step", "single step", "same step"),
            ("anti-periplanar", "anti-periplanar", "antiperiplanar", "anti periplanar", "anti"),
            ("strong base", "strong base", "base")]),
    "aldol reaction": (["acetaldehyde with dilute NaOH", "acetone with LDA then benzaldehyde",
                        "cyclohexanone with base"],
                       "In the aldol reaction a base removes an alpha hydrogen of a carbonyl compound to form an "
                       "enolate. The nucleophilic enolate carbon attacks the carbonyl carbon of a second molecule, "
                       "making a new carbon-carbon bond. Protonation gives a beta-hydroxy carbonyl compound (the "
                       "aldol), which on heating can lose water to give an alpha,beta-unsaturated carbonyl.",
                       [("enolate", "enolate", "enol"), ("alpha hydrogen", "alpha hydrogen", "alpha proton",
                                                         "alpha-hydrogen", "alpha carbon"),
                        ("C-C bond", "carbon-carbon bond", "C-C bond"),
                        ("beta-hydroxy product", "beta-hydroxy", "aldol", "hydroxy carbonyl")]),
    "Diels-Alder reaction": (["butadiene with maleic anhydride", "cyclopentadiene with acrolein",
                              "furan with dimethyl acetylenedicarboxylate"],
                             "The Diels-Alder reaction is a concerted [4+2] cycloaddition between a conjugated diene "
                             "and a dienophile. The diene must adopt the s-cis conformation, and two new sigma bonds "
                             "form at once through a cyclic transition state, giving a cyclohexene ring. The reaction "
                             "is stereospecific, electron-poor dienophiles react fastest, and the endo product is "
                             "usually favoured.",
                             [("cycloaddition", "cycloaddition", "[4+2]", "4+2"),
                              ("diene and dienophile", ["diene", "dienophile"]),
                              ("concerted", "concerted", "one step", "at once", "simultaneous*"),
                              ("six-membered ring", "cyclohexene", "six-membered ring", "6-membered ring")]),
    "Grignard addition": (["methylmagnesium bromide with acetone", "phenylmagnesium bromide with CO2",
                           "ethylmagnesium bromide with benzaldehyde"],
                          "A Grignard reagent contains a strongly polarised carbon-magnesium bond, so its carbon acts "
                          "as a nucleophile (a carbanion equivalent). It adds to the electrophilic carbonyl carbon, "
                          "forming a new carbon-carbon bond and a magnesium alkoxide. An acidic aqueous workup then "
                          "protonates the alkoxide to give the alcohol. The reagent must be kept dry because water "
                          "destroys it.",
                          [("nucleophilic carbon", "nucleophil*", "carbanion"),
                           ("carbonyl attack", "carbonyl"), ("alkoxide", "alkoxide"),
                           ("acidic workup", "workup", "work-up", "protonat*")]),
    "Fischer esterification": (["acetic acid with ethanol and H2SO4", "benzoic acid with methanol and acid",
                                "butanoic acid with propanol and HCl"],
                               "In Fischer esterification an acid catalyst protonates the carbonyl oxygen of the "
                               "carboxylic acid, making the carbonyl carbon more electrophilic. The alcohol attacks "
                               "to give a tetrahedral intermediate, and after proton transfer water is lost as the "
                               "leaving group. Every step is reversible, so the equilibrium is driven to the ester by "
                               "using excess alcohol or removing water.",
                               [("protonation", "protonat*"), ("tetrahedral intermediate", "tetrahedral"),
                                ("water lost", "water", "H2O"), ("equilibrium", "equilibrium", "reversib*",
                                                                 "Le Chatelier")]),
    "Friedel-Crafts acylation": (["benzene with acetyl chloride and AlCl3", "toluene with propanoyl chloride "
                                  "and AlCl3", "anisole with acetic anhydride and AlCl3"],
                                 "In Friedel-Crafts acylation the Lewis acid AlCl3 pulls the chloride off the acyl "
                                 "chloride to form a resonance-stabilised acylium ion. The aromatic ring attacks this "
                                 "electrophile, giving a non-aromatic arenium ion (sigma complex). Loss of a proton "
                                 "restores aromaticity and gives the aryl ketone, which is deactivated and so does not "
                                 "react a second time.",
                                 [("Lewis acid", "Lewis acid", "AlCl3"), ("acylium ion", "acylium"),
                                  ("sigma complex", "sigma complex", "arenium", "Wheland"),
                                  ("rearomatisation", "aromaticity", "rearomati*")]),
    "Wittig reaction": (["benzaldehyde with methylenetriphenylphosphorane", "cyclohexanone with Ph3P=CH2",
                         "acetone with a stabilised ylide"],
                        "The Wittig reaction turns a carbonyl compound into an alkene using a phosphorus ylide. The "
                        "nucleophilic ylide carbon adds to the carbonyl carbon, and a four-membered oxaphosphetane "
                        "ring forms. This ring collapses to the alkene and triphenylphosphine oxide. The very strong "
                        "P=O bond drives the reaction.",
                        [("ylide", "ylide"), ("oxaphosphetane", "oxaphosphetane", "four-membered ring"),
                         ("phosphine oxide", "phosphine oxide", "Ph3PO", "Ph3P=O", "P=O"),
                         ("alkene product", "alkene", "C=C")]),
    "Michael addition": (["diethyl malonate with methyl vinyl ketone", "nitromethane with acrylonitrile",
                          "lithium dimethylcuprate with cyclohexenone"],
                         "In the Michael addition a stabilised nucleophile, typically an enolate, adds to the beta "
                         "carbon of an alpha,beta-unsaturated carbonyl compound. This is a conjugate (1,4-) addition "
                         "because the electron-poor beta carbon is the electrophilic site. The resulting enolate is "
                         "then protonated to give the 1,5-dicarbonyl product.",
                         [("nucleophile", "enolate", "nucleophile"), ("beta carbon", "beta carbon", "beta-carbon",
                                                                      "beta position"),
                          ("conjugate addition", "conjugate", "1,4-addition", "1,4 addition", "1,4-"),
                          ("unsaturated acceptor", "unsaturated", "Michael acceptor")]),
    "hydroboration-oxidation": (["propene with BH3 then H2O2/NaOH", "1-methylcyclohexene with 9-BBN then "
                                 "H2O2/NaOH", "styrene with BH3-THF then H2O2/NaOH"],
                                "In hydroboration the B-H bond adds across the alkene in a single concerted step, "
                                "with boron going to the less substituted carbon. Both atoms add to the same face, "
                                "so the addition is syn. Oxidation with basic hydrogen peroxide then replaces the "
                                "boron by OH with retention of configuration, so the overall result is anti-Markovnikov "
                                "hydration.",
                                [("anti-Markovnikov", "anti-Markovnikov", "less substituted"),
                                 ("syn addition", "syn", "same face"),
                                 ("oxidation", "peroxide", "H2O2", "oxidation"),
                                 ("retention", "retention", "retained")]),
}


class NamedMechanism(OpenTask):
    id = "open/reaction_mechanism"
    description = "Explain the key steps of a named organic reaction mechanism, applied to an example."

    def build(self, rng: random.Random) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
        name = rng.choice(sorted(MECHANISMS))
        examples, body, points = MECHANISMS[name]
        example = rng.choice(examples)
        ref = f"{body} The same steps apply to {example}."
        substrate = re.split(r" (?:with|in|heated|then) ", example)[0]
        kps = [point(p[0], *p[1:]) for p in points] + [point("the example", substrate)]
        return {"reaction": name, "example": example}, ref, kps

    def question(self, identity: dict[str, Any]) -> str:
        return (f"Explain the mechanism of the {identity['reaction']}, using {identity['example']} as the example. "
                "Describe the key intermediates or transition state, the order of the steps, and any "
                "stereochemical or regiochemical consequence.")


def register(registry: Any) -> None:
    registry.register(NamedMechanism, NamedMechanism.id, {}, NamedMechanism.description)
