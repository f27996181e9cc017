"""Named reaction templates (RDKit reaction SMARTS) and the substrates they are run on.

``draw_generated`` builds substrates from :mod:`tasks.chem._substrates` (the named-reaction tasks);
``BLOCKS``/``draw_reactants`` keep the fixed building blocks the multiple-choice reaction tasks draw from.
"""

from __future__ import annotations

import functools
import itertools
import random
from dataclasses import dataclass

from rdkit import Chem
from rdkit.Chem import rdChemReactions

from bootcamp.verifiers.smiles import mol_to_smiles
from tasks.chem._substrates import GROUPS, added_atoms, assign_stereo, build_substrate, unspecified_stereo

# Building blocks: each has exactly one site for the templates that use it.
BLOCKS: dict[str, list[str]] = {
    "acid": ["CC(=O)O", "OC(=O)c1ccccc1", "OC(=O)c1ccc(Cl)cc1", "COc1ccc(C(=O)O)cc1", "OC(=O)Cc1ccccc1",
             "OC(=O)C1CCCCC1", "CC(C)C(=O)O", "OC(=O)c1cccnc1", "OC(=O)c1ccco1", "OC(=O)c1cccs1",
             "OC(=O)CCc1ccccc1", "OC(=O)/C=C/c1ccccc1", "OC(=O)c1ccc(F)cc1", "CC(C)(C)C(=O)O",
             "CC(C)(C)OC(=O)NCC(=O)O", "OC(=O)c1ccc([N+](=O)[O-])cc1", "OC(=O)c1ccc2ccccc2c1", "OC(=O)C1CC1"],
    "amine": ["NCc1ccccc1", "C1COCCN1", "C1CCNCC1", "C1CCNC1", "CN1CCNCC1", "NC1CCCCC1", "Nc1ccccc1",
              "Nc1ccc(F)cc1", "COc1ccc(N)cc1", "CC(C)N", "CCCCN", "CCNCC", "NCCc1ccccc1", "CC(C)(C)N",
              "CC(C)(C)OC(=O)N1CCNCC1", "NC1CCOCC1", "C[C@H](N)c1ccccc1", "COC(=O)[C@@H]1CCCN1", "COC(=O)CN",
              "Nc1ccncc1", "CNCc1ccccc1", "NCc1ccco1"],
    "alcohol": ["CO", "CCO", "CC(C)O", "CCCCO", "OCc1ccccc1", "OCCc1ccccc1", "OC1CCCCC1", "COCCO", "C=CCO",
                "CC(C)CCO", "CC[C@@H](C)O", "OCC1CC1"],
    "phenol": ["Oc1ccccc1", "COc1ccc(O)cc1", "Oc1ccc(Cl)cc1", "Oc1ccc2ccccc2c1", "O=[N+]([O-])c1ccc(O)cc1",
               "Cc1cccc(O)c1", "N#Cc1ccc(O)cc1", "COC(=O)c1ccc(O)cc1", "CC(=O)c1ccc(O)cc1", "Oc1ccc(F)cc1"],
    "alkyl_halide": ["CI", "CCBr", "BrCc1ccccc1", "C=CCBr", "C#CCBr", "CCCCBr", "COCCBr", "CCOC(=O)CBr",
                     "Fc1ccc(CCl)cc1", "BrCC1CC1", "O=[N+]([O-])c1ccc(CBr)cc1", "O=C(CBr)c1ccccc1", "CCCI",
                     "N#Cc1ccc(CBr)cc1"],
    "aryl_halide": ["Brc1ccccc1", "COc1ccc(Br)cc1", "Cc1ccc(Br)cc1", "N#Cc1ccc(Br)cc1", "Brc1cccnc1",
                    "Brc1cccs1", "CC(=O)c1ccc(Br)cc1", "COC(=O)c1ccc(Br)cc1", "Brc1cccc2ccccc12", "COc1ccc(I)cc1",
                    "Fc1ccc(Br)cc1", "Brc1ccccn1", "CN(C)c1ccc(Br)cc1", "FC(F)(F)c1ccc(Br)cc1", "Ic1ccccc1"],
    "boronic_acid": ["OB(O)c1ccccc1", "COc1ccc(B(O)O)cc1", "OB(O)c1ccc(F)cc1", "OB(O)c1cccnc1", "OB(O)c1cccs1",
                     "Cc1ccc(B(O)O)cc1", "O=Cc1ccc(B(O)O)cc1", "OB(O)c1cccc(Cl)c1", "OB(O)c1ccc(C(F)(F)F)cc1",
                     "OB(O)c1ccc2ccccc2c1", "CC(=O)c1ccc(B(O)O)cc1", "OB(O)c1ccoc1"],
    "aldehyde": ["O=Cc1ccccc1", "O=Cc1ccc(Cl)cc1", "COc1ccc(C=O)cc1", "CC(C)C=O", "O=CC1CCCCC1", "O=Cc1ccco1",
                 "O=Cc1cccnc1", "O=CCc1ccccc1", "CCCC=O", "O=Cc1ccc2ccccc2c1", "O=Cc1ccc(F)cc1", "CC(C)(C)C=O"],
    "ketone": ["CC(=O)c1ccccc1", "O=C1CCCCC1", "CCC(C)=O", "O=C(c1ccccc1)c1ccccc1", "CC(=O)c1ccc(Cl)cc1",
               "CCC(=O)c1ccccc1", "O=C1CCCC1", "O=C1CCCc2ccccc21", "CC(C)(C)OC(=O)N1CCC(=O)CC1", "CCC(=O)CC",
               "CC(=O)c1ccccn1", "CC1CCC(=O)CC1"],
    "alkyne": ["C#Cc1ccccc1", "C#CCCCC", "C#CCO", "C#C[Si](C)(C)C", "C#CC1CC1", "C#Cc1cccnc1",
               "C#Cc1ccc(OC)cc1", "C#CC(C)(C)O"],
    "diene": ["C=CC=C", "C=C(C)C(C)=C", "C1=CCC=C1", "C1=CCCC=C1", "C/C=C/C=C/C"],
    "dienophile": ["C=CC(=O)OC", "C=CC#N", "O=C1C=CC(=O)O1", "O=C1C=CC(=O)N1c1ccccc1", "C=CC(C)=O",
                   "COC(=O)/C=C/C(=O)OC", "C=CC=O", "C=CC(=O)OCC", "O=C1C=CC(=O)N1"],
    "isocyanate": ["O=C=Nc1ccccc1", "O=C=Nc1ccc(Cl)cc1", "CN=C=O", "O=C=NC1CCCCC1", "O=C=NCc1ccccc1",
                   "COc1ccc(N=C=O)cc1", "CC(C)N=C=O", "O=C=Nc1cccc(C(F)(F)F)c1"],
    "sulfonyl_chloride": ["Cc1ccc(S(=O)(=O)Cl)cc1", "CS(=O)(=O)Cl", "O=S(=O)(Cl)c1ccccc1",
                          "O=[N+]([O-])c1ccc(S(=O)(=O)Cl)cc1", "O=S(=O)(Cl)c1ccc(F)cc1",
                          "CN(C)c1cccc2c(S(=O)(=O)Cl)cccc12", "O=S(=O)(Cl)c1cccs1", "CC(=O)Nc1ccc(S(=O)(=O)Cl)cc1"],
    "acid_chloride": ["CC(=O)Cl", "O=C(Cl)c1ccccc1", "O=C(Cl)c1ccc([N+](=O)[O-])cc1", "CC(C)C(=O)Cl",
                      "O=C(Cl)C1CC1", "O=C(Cl)c1ccco1", "CC(C)(C)C(=O)Cl", "O=C(Cl)Cc1ccccc1", "COc1ccc(C(=O)Cl)cc1",
                      "O=C(Cl)/C=C/c1ccccc1"],
    "alkyl_ester": ["COC(=O)c1ccccc1", "CCOC(=O)c1ccccc1C", "COC(=O)C1CCOCC1", "CCOC(=O)Cc1ccccc1",
                    "COC(=O)c1ccc(OC)cc1", "CCOC(=O)C1CCCCC1", "COC(=O)c1cccnc1", "CCOC(=O)c1ccco1",
                    "COC(=O)CCc1ccccc1", "CCOC(=O)c1ccc(Cl)cc1"],
    "nitroarene": ["O=[N+]([O-])c1ccccc1", "Cc1ccc([N+](=O)[O-])cc1", "COc1ccc([N+](=O)[O-])cc1",
                   "O=[N+]([O-])c1ccc(Cl)cc1", "COC(=O)c1ccc([N+](=O)[O-])cc1", "O=[N+]([O-])c1cccnc1",
                   "O=[N+]([O-])c1ccc2ccccc2c1", "O=[N+]([O-])c1ccc(O)cc1", "CC(=O)c1ccc([N+](=O)[O-])cc1"],
    "boc_amine": ["CC(C)(C)OC(=O)NCc1ccccc1", "CC(C)(C)OC(=O)N1CCOCC1", "CC(C)(C)OC(=O)N1CCCCC1",
                  "CC(C)(C)OC(=O)NC1CCCCC1", "CC(C)(C)OC(=O)Nc1ccccc1", "CC(C)(C)OC(=O)NCCc1ccccc1",
                  "CC(C)(C)OC(=O)N[C@@H](C)c1ccccc1", "CC(C)(C)OC(=O)N1CCC[C@H]1C(=O)OC",
                  "CC(C)(C)OC(=O)NCC(=O)OC", "CC(C)(C)OC(=O)N1CCN(C)CC1", "CC(C)(C)OC(=O)NC1CCOCC1"],
    "azide": ["[N-]=[N+]=NCc1ccccc1", "CCCCN=[N+]=[N-]", "OCCN=[N+]=[N-]", "COc1ccc(CN=[N+]=[N-])cc1",
              "[N-]=[N+]=Nc1ccccc1", "CCOC(=O)CN=[N+]=[N-]"],
    "thiol": ["Sc1ccccc1", "SCc1ccccc1", "Cc1ccc(S)cc1", "CCS", "SC1CCCCC1", "Sc1ccc(Cl)cc1", "COC(=O)CS"],
    "grignard": ["C[Mg]Br", "CC[Mg]Br", "Br[Mg]c1ccccc1", "C=C[Mg]Br", "CC(C)[Mg]Cl", "C=CC[Mg]Br",
                 "COc1ccc([Mg]Br)cc1", "Br[Mg]C1CC1"],
    "ylide": ["C=P(c1ccccc1)(c1ccccc1)c1ccccc1", "CCOC(=O)C=P(c1ccccc1)(c1ccccc1)c1ccccc1",
              "c1ccc(C=P(c2ccccc2)(c2ccccc2)c2ccccc2)cc1", "CC=P(c1ccccc1)(c1ccccc1)c1ccccc1"],
    "heck_alkene": ["C=CC(=O)OC", "C=CC#N", "C=Cc1ccccc1", "C=CC(=O)OC(C)(C)C", "C=CC(N)=O", "C=CC(=O)N(C)C"],
    "alkene": ["C=Cc1ccccc1", "C1=CCCCC1", "C=CCCCCCC", "C/C=C/c1ccccc1", "C1=CCCC1", "C=C(C)C(=O)OC",
               "C=CCOc1ccccc1", "CC(C)=CC"],
    "amide": ["CC(=O)NCc1ccccc1", "O=C(c1ccccc1)N1CCOCC1", "O=C(NC1CCCCC1)c1ccccc1", "CC(C)C(=O)N1CCCCC1",
              "CCNC(=O)Cc1ccccc1", "CN(C)C(=O)c1ccc(Cl)cc1", "O=C(NCc1ccccc1)C1CC1", "CC(=O)N1CCCC1",
              "O=C(c1ccco1)N1CCCC1", "CC(C)(C)C(=O)NCCc1ccccc1"],
    "nitrile": ["N#Cc1ccccc1", "N#CCc1ccccc1", "CCCCC#N", "COc1ccc(C#N)cc1", "N#CC1CCCCC1", "N#Cc1cccnc1",
                "N#Cc1ccc(Cl)cc1", "N#CCCc1ccccc1", "CC(C)C#N", "N#Cc1ccc2ccccc2c1"],
    "sec_or_prim_alcohol": ["OCc1ccccc1", "OC1CCCCC1", "OCCc1ccccc1", "C[C@@H](O)c1ccccc1", "COc1ccc(CO)cc1",
                            "CCCCCCC(C)O", "OC/C=C/c1ccccc1", "OCc1cccnc1", "OCC1CCCCC1", "OC1CCc2ccccc21"],
}


@dataclass(frozen=True)
class Reaction:
    """A named one-step reaction: its template, building-block roles, reagents and condition class."""

    name: str
    title: str
    smarts: str
    roles: tuple[str, ...]
    reagents: str
    conditions: str  # the reagent/catalyst class the condition task asks for
    stereo: bool = True  # False when the reaction makes stereo the template cannot assign
    #: Spectator groups (``_substrates.GROUPS``) and ring-core tags the reagents would attack: never generated.
    forbid: frozenset[str] = frozenset()


_AMINE = "[N;H2,H1;!$(N[C,S]=[O,S,N]);!$(N-[!#6;!#1]);!$(N#*);!$(N=*):{n}]"
REACTIONS: dict[str, Reaction] = {r.name: r for r in (
    Reaction("amide_coupling", "amide coupling", f"[C:1](=[O:2])[OX2H1].{_AMINE.format(n=3)}>>[C:1](=[O:2])[N:3]",
             ("acid", "amine"), "HATU, DIPEA, DMF", "peptide coupling reagent with a tertiary amine base"),
    Reaction("acylation_acid_chloride", "N-acylation with an acid chloride (Schotten-Baumann)",
             f"[C:1](=[O:2])Cl.{_AMINE.format(n=3)}>>[C:1](=[O:2])[N:3]",
             ("acid_chloride", "amine"), "triethylamine, DCM, 0 °C", "acid chloride with an amine base"),
    Reaction("fischer_esterification", "Fischer esterification",
             "[C:1](=[O:2])[OX2H1].[OX2H1;$(O[CX4]):3]>>[C:1](=[O:2])[O:3]",
             ("acid", "alcohol"), "catalytic H2SO4, heat", "Brønsted acid catalyst",
             forbid=frozenset({"ester"})),
    Reaction("sulfonamide_formation", "sulfonamide formation",
             f"[S:1](=[O:2])(=[O:3])Cl.{_AMINE.format(n=4)}>>[S:1](=[O:2])(=[O:3])[N:4]",
             ("sulfonyl_chloride", "amine"), "pyridine, DCM",
             "sulfonyl chloride with an amine base (N-sulfonylation)"),
    Reaction("urea_formation", "urea formation from an isocyanate",
             f"{_AMINE.format(n=1)}.[N:2]=[C:3]=[O:4]>>[N:1][C:3](=[O:4])[N:2]",
             ("amine", "isocyanate"), "DCM, room temperature, no catalyst", "no catalyst needed (direct addition)"),
    Reaction("reductive_amination", "reductive amination",
             f"[CX3H1:1](=O)[#6:2].{_AMINE.format(n=3)}>>[C:1]([#6:2])[N:3]",
             ("aldehyde", "amine"), "NaBH(OAc)3, AcOH, DCE", "mild hydride reducing agent",
             forbid=frozenset({"ketone"})),
    Reaction("suzuki_coupling", "Suzuki-Miyaura coupling", "[c:1][Br,I].[c:2]B(O)O>>[c:1]-[c:2]",
             ("aryl_halide", "boronic_acid"), "Pd(PPh3)4, K2CO3, dioxane/water", "palladium(0) catalyst with a base",
             forbid=frozenset({"bromo"})),
    Reaction("buchwald_hartwig", "Buchwald-Hartwig amination", f"[c:1][Br,I].{_AMINE.format(n=2)}>>[c:1][N:2]",
             ("aryl_halide", "amine"), "Pd2(dba)3, XPhos, NaOtBu, toluene",
             "palladium catalyst with a bulky phosphine ligand and strong base",
             forbid=frozenset({"acetamide", "bromo", "ester", "ketone"})),
    Reaction("sonogashira_coupling", "Sonogashira coupling", "[c:1][Br,I].[CH:2]#[C:3]>>[c:1][C:2]#[C:3]",
             ("aryl_halide", "alkyne"), "PdCl2(PPh3)2, CuI, Et3N", "palladium catalyst with copper(I) co-catalyst",
             forbid=frozenset({"bromo"})),
    Reaction("heck_reaction", "Heck reaction", "[c:1][Br,I].[CH2:2]=[CH:3]>>[c:1][CH:2]=[CH:3]",
             ("aryl_halide", "heck_alkene"), "Pd(OAc)2, P(o-tol)3, Et3N, DMF, heat",
             "palladium(II) precatalyst with a base", stereo=False,
             forbid=frozenset({"alkene", "bromo"})),
    Reaction("williamson_ether", "Williamson ether synthesis",
             "[OX2H1;$(Oc):1].[CH2,CH3;X4:2][Cl,Br,I]>>[O:1][C:2]",
             ("phenol", "alkyl_halide"), "K2CO3, DMF", "weak inorganic base in a polar aprotic solvent",
             forbid=frozenset({"amine", "dimethylamino"})),
    Reaction("thioether_formation", "S-alkylation of a thiol",
             "[SX2H1:1].[CH2,CH3;X4:2][Cl,Br,I]>>[S:1][C:2]",
             ("thiol", "alkyl_halide"), "K2CO3, acetone", "weak base (thiolate formation)",
             forbid=frozenset({"amine", "dimethylamino"})),
    Reaction("sn2_azide", "SN2 substitution with sodium azide",
             "[CH2,CH3;X4:1][Cl,Br,I]>>[C:1]N=[N+]=[N-]", ("alkyl_halide",), "NaN3, DMF",
             "azide salt in a polar aprotic solvent",
             forbid=frozenset({"amine", "dimethylamino"})),
    Reaction("sn2_cyanide", "SN2 substitution with cyanide (Kolbe nitrile synthesis)",
             "[CH2,CH3;X4:1][Cl,Br,I]>>[C:1]C#N", ("alkyl_halide",), "NaCN, DMSO",
             "cyanide salt in a polar aprotic solvent",
             forbid=frozenset({"amine", "dimethylamino"})),
    Reaction("finkelstein", "Finkelstein reaction", "[CH2,CH3;X4:1][Cl,Br]>>[C:1]I", ("alkyl_halide",),
             "NaI, acetone", "iodide salt in acetone",
             forbid=frozenset({"amine", "dimethylamino"})),
    Reaction("diels_alder", "Diels-Alder cycloaddition",
             "[C:1]=[C:2]-[C:3]=[C:4].[C:5]=[C:6]>>[C:1]1-[C:2]=[C:3]-[C:4]-[C:5]-[C:6]-1",
             ("diene", "dienophile"), "toluene, heat (thermal, no catalyst)", "heat only (thermal pericyclic)",
             stereo=False,
             forbid=frozenset({"alkene"})),
    Reaction("cuaac_click", "copper-catalysed azide-alkyne cycloaddition (CuAAC)",
             "[#6:1][N:2]=[N+:3]=[N-:4].[CH:5]#[C:6]>>[#6:1][N:2]1[CH:5]=[C:6][N+0:4]=[N+0:3]1",
             ("azide", "alkyne"), "CuSO4, sodium ascorbate, tBuOH/water", "copper(I) catalyst"),
    Reaction("boc_protection", "Boc protection of an amine",
             f"{_AMINE.format(n=1)}>>[N:1]C(=O)OC(C)(C)C", ("amine",), "Boc2O, Et3N, DCM",
             "di-tert-butyl dicarbonate with a base"),
    Reaction("boc_deprotection", "Boc deprotection", "[N:1]C(=O)OC(C)(C)C>>[N:1]", ("boc_amine",),
             "TFA, DCM", "strong acid (TFA or HCl)"),
    Reaction("ester_hydrolysis", "ester hydrolysis (saponification)",
             "[C:1](=[O:2])O[CH3,$([CH2][CH3])]>>[C:1](=[O:2])O", ("alkyl_ester",), "LiOH, THF/water, then HCl",
             "hydroxide base, then acid work-up",
             forbid=frozenset({"ester"})),
    Reaction("nitro_reduction", "nitro group reduction", "[c:1][N+](=O)[O-]>>[c:1]N", ("nitroarene",),
             "Fe, NH4Cl, EtOH/water", "dissolving metal reductant (Fe or SnCl2)",
             forbid=frozenset({"nitro"})),
    Reaction("ketone_reduction", "ketone reduction with sodium borohydride",
             "[#6:1][CX3:2](=[O:3])[#6:4]>>[#6:1][C:2]([O:3])[#6:4]", ("ketone",), "NaBH4, MeOH",
             "borohydride hydride reagent", stereo=False,
             forbid=frozenset({"ketone"})),
    Reaction("grignard_addition", "Grignard addition to a ketone or aldehyde",
             "[#6:1][CX3;!$(C[O,N,S,Cl]):2]=[O:3].[#6:4][Mg][Cl,Br,I]>>[#6:1][C:2]([O:3])[#6:4]",
             ("ketone", "grignard"), "dry THF, then aqueous NH4Cl", "organomagnesium reagent in dry ether",
             stereo=False,
             forbid=frozenset({"acetamide", "amide", "bromo", "ester", "ketone", "nitrile", "nitro", "sulfone"})),
    Reaction("wittig_reaction", "Wittig olefination",
             "[CX3H1:1](=O)[#6:2].[C:3]=P>>[#6:2][C:1]=[C:3]",
             ("aldehyde", "ylide"), "THF (phosphonium ylide)", "phosphorus ylide", stereo=False,
             forbid=frozenset({"ketone"})),
    Reaction("epoxidation", "alkene epoxidation", "[C:1]=[C:2]>>[C:1]1[C:2]O1", ("alkene",), "mCPBA, DCM",
             "peroxy acid", stereo=False,
             forbid=frozenset({"alkene", "amine", "dimethylamino"})),
    Reaction("alcohol_oxidation", "oxidation of an alcohol to a carbonyl compound",
             "[CX4;H1,H2;!$(C[O,N,S]([#6])):1][OX2H1:2]>>[C:1]=[O:2]", ("sec_or_prim_alcohol",),
             "Dess-Martin periodinane, DCM", "mild oxidant (hypervalent iodine, PCC or Swern)", stereo=False),
    Reaction("amide_reduction", "amide reduction to an amine", "[#6:3][C:1](=O)[N:2]>>[#6:3][CH2:1][N:2]",
             ("amide",), "LiAlH4, THF, reflux", "strong aluminium hydride reducing agent",
             forbid=frozenset({"acetamide", "amide", "ester", "ketone", "nitrile", "nitro"})),
    Reaction("nitrile_reduction", "nitrile reduction to a primary amine", "[#6:2][C:1]#[N:3]>>[#6:2][CH2:1][NH2:3]",
             ("nitrile",), "H2, Raney nickel, NH3/MeOH", "heterogeneous nickel hydrogenation catalyst",
             forbid=frozenset({"alkene", "bromo", "ketone", "nitrile", "nitro"})),
    Reaction("nitrile_hydrolysis", "nitrile hydrolysis to a carboxylic acid", "[#6:2][C:1]#N>>[#6:2][C:1](=O)O",
             ("nitrile",), "aqueous H2SO4, reflux", "hot aqueous strong acid",
             forbid=frozenset({"acetamide", "amide", "ester", "nitrile"})),
    Reaction("ester_reduction", "ester reduction to a primary alcohol",
             "[#6:3][C:1](=[O:2])O[CH3,$([CH2][CH3])]>>[#6:3][CH2:1][O:2]", ("alkyl_ester",),
             "LiAlH4, THF, 0 °C, then aqueous work-up", "strong hydride reducing agent in dry ether",
             forbid=frozenset({"acetamide", "amide", "ester", "ketone", "nitrile", "nitro"})),
    Reaction("alkene_hydrogenation", "catalytic hydrogenation of an alkene", "[C:1]=[C:2]>>[C:1][C:2]",
             ("alkene",), "H2 (1 atm), Pd/C, EtOH", "palladium on carbon with hydrogen gas", stereo=False,
             forbid=frozenset({"alkene", "bromo", "nitro"})),
    Reaction("tbs_protection", "TBS protection of an alcohol",
             "[OX2H1;$(O[CX4]):1]>>[O:1][Si](C)(C)C(C)(C)C", ("alcohol",), "TBSCl, imidazole, DMF",
             "silyl chloride with imidazole"),
    Reaction("mesylation", "mesylation of an alcohol", "[OX2H1;$(O[CX4]):1]>>[O:1]S(C)(=O)=O", ("alcohol",),
             "MsCl, Et3N, DCM, 0 °C", "sulfonyl chloride with an amine base (O-sulfonylation)"),
)}


@functools.lru_cache(maxsize=64)
def reaction_of(name: str) -> rdChemReactions.ChemicalReaction:
    rxn = rdChemReactions.ReactionFromSmarts(REACTIONS[name].smarts)
    rxn.Initialize()
    return rxn


def run_template(name: str, reactants: list[Chem.Mol], max_products: int = 50) -> set[str]:
    """Canonical SMILES of every sanitisable product of the template on these reactants, in this order."""
    rxn = reaction_of(name)
    if len(reactants) != rxn.GetNumReactantTemplates():
        return set()
    out: set[str] = set()
    try:
        results = rxn.RunReactants(tuple(reactants), max_products)
    except Exception:  # noqa: BLE001 - a weird reactant is no product
        return set()
    stereo = REACTIONS[name].stereo
    for products in results:
        mol = products[0]
        try:
            Chem.SanitizeMol(mol)
            out.add(mol_to_smiles(Chem.MolFromSmiles(Chem.MolToSmiles(mol)), stereo))
        except Exception:  # noqa: BLE001
            continue
    return out


def products_any_order(name: str, reactants: list[Chem.Mol]) -> set[str]:
    """Products of the template over every assignment of the molecules to its reactant roles."""
    out: set[str] = set()
    for order in itertools.permutations(reactants):
        out |= run_template(name, list(order))
    return out


@functools.lru_cache(maxsize=4096)
def forward(name: str, reactants: tuple[str, ...]) -> tuple[str, ...]:
    """Sorted distinct products of the template on reactant SMILES (in role order)."""
    mols = [Chem.MolFromSmiles(s) for s in reactants]
    return tuple(sorted(run_template(name, mols)))


def draw_reactants(name: str, rng: random.Random) -> tuple[list[str], str]:
    """Reactants (one building block per role) whose template product is unique, and that product."""
    roles = REACTIONS[name].roles
    for _ in range(200):
        reactants = [rng.choice(BLOCKS[role]) for role in roles]
        products = forward(name, tuple(reactants))
        if len(products) == 1:
            return reactants, products[0]
    raise RuntimeError(f"{name}: no reactant combination gives a unique product")


@dataclass(frozen=True)
class SubstrateSpec:
    """How big and decorated a drawn problem's substrates are (a difficulty level's parameters)."""

    min_atoms: int  # heavy atoms each substrate's scaffold adds to its reacting group, at least...
    max_atoms: int  # ...and at most (a fixed reagent such as butadiene adds none)
    groups: int  # spectator functional groups over all substrates
    stereo: int  # stereo elements over all substrates, each with a drawn configuration


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    counts = [0] * parts
    for _ in range(total):
        counts[rng.randrange(parts)] += 1
    return counts


def _sensible_product(name: str, reactants: list[str]) -> str | None:
    """The one product of the template on ``reactants``, or None (several, none, or stereo left unassigned)."""
    products = forward(name, tuple(reactants))
    if len(products) != 1 or products[0] in reactants:
        return None
    if REACTIONS[name].stereo:
        if unspecified_stereo(Chem.MolFromSmiles(products[0])):
            return None  # the reaction made a stereo element the template cannot assign
    return products[0]


def reacting_sites(name: str, role: int, mol: Chem.Mol) -> int:
    """How many distinct sites of ``mol`` the template's reactant ``role`` would react at.

    Matches are told apart by their reacting atoms only, so a ketone matched from either side by
    ``[#6][C](=O)`` is one site, while a molecule with two ketones has two.
    """
    rxn = reaction_of(name)
    reacting = rxn.GetReactingAtoms()[role]
    matches = mol.GetSubstructMatches(rxn.GetReactantTemplate(role), maxMatches=64)
    return len({frozenset(m[j] for j in reacting) for m in matches})


def draw_generated(name: str, rng: random.Random, spec: SubstrateSpec) -> tuple[list[str], str, list[str]]:
    """Generated substrates for reaction ``name``, their single product, and the spectator groups they carry.

    Each substrate is built by :func:`tasks.chem._substrates.build_substrate`; a draw is kept only when
    every substrate's reacting group is matched exactly once by its role's template and the template
    gives exactly one sanitised product.

    Raises:
        RuntimeError: no draw worked out (a bug in the patterns for this reaction).
    """
    reaction = REACTIONS[name]
    allowed = [g for g in GROUPS if g not in reaction.forbid]
    n = len(reaction.roles)
    for _ in range(300):
        groups = [rng.choice(allowed) for _ in range(spec.groups)]
        group_split, stereo_split = _split(len(groups), n, rng), _split(spec.stereo, n, rng)
        mols: list[Chem.Mol] = []
        used: list[str] = []
        added = 0
        for i, role in enumerate(reaction.roles):
            mine, groups = groups[:group_split[i]], groups[group_split[i]:]
            # Sizes lean to the top of the range: small scaffolds are few, and repeats would shrink the space.
            size = max(rng.randint(spec.min_atoms, spec.max_atoms), rng.randint(spec.min_atoms, spec.max_atoms))
            built = build_substrate(role, rng, size, mine, stereo_split[i], reaction.forbid)
            # One reacting site per substrate: a second one would make the product ambiguous.
            if built is None or reacting_sites(name, i, built[0]) != 1:
                break
            mol = assign_stereo(built[0], rng)
            if mol is None:
                break
            mols.append(mol)
            used += built[1]
            added += added_atoms(built[0])
        else:
            if added < spec.min_atoms:
                continue  # only fixed reagents (butadiene + maleic anhydride): too few such problems
            reactants = [Chem.MolToSmiles(m) for m in mols]
            product = _sensible_product(name, reactants)
            if product is not None:
                return reactants, product, sorted(used)
    raise RuntimeError(f"{name}: no generated substrates give a unique product")
