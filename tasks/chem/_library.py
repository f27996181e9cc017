"""The reaction library of the synthesis-planning tasks: named forward templates with their applicability rules.

Each :class:`LibReaction` is an RDKit reaction SMARTS in the forward direction (reactants >> main product),
with the functional groups each reactant must carry (``requires``, one per role), the groups whose presence
in any reactant rules the step out because a chemist would expect the reagents to attack them too
(``forbid``, names of :data:`GROUP_SMARTS`), the by-products the template drops, and one worked example.
The named reactions of :mod:`tasks.chem._reactions` are reused as they are (their SMARTS imported, not copied);
the rest are defined here. Templates are unmapped-by-product templates: leaving groups (water, HCl, Ph3PO...)
are simply not written.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from rdkit import Chem
from rdkit.Chem import rdChemReactions

import bootcamp.verifiers.smiles  # noqa: F401 - importing it silences RDKit's logging
from tasks.chem._reactions import REACTIONS as NAMED

#: Functional groups the library speaks of (requirements and forbidden groups), as SMARTS.
GROUP_SMARTS: dict[str, str] = {
    "carboxylic acid": "[CX3](=O)[OX2H1]",
    "acid chloride": "[CX3](=O)Cl",
    "amine N-H": "[NX3;H2,H1;!$(N[C,S]=[O,S,N]);!$(N-[!#6;!#1]);!$(N#*);!$(N=*)]",
    "secondary amine": "[NX3;H1;!$(N[C,S]=[O,S,N]);!$(Na);!$(N-[!#6;!#1])]",
    "alcohol": "[OX2H1][CX4]",
    "phenol": "[OX2H1]c",
    "thiol": "[SX2H1]",
    "aldehyde": "[CX3H1](=O)[#6]",
    "ketone": "[#6][CX3](=O)[#6]",
    "ester": "[#6][CX3](=O)[OX2][#6]",
    "tert-butyl ester": "[#6][CX3](=O)OC(C)(C)C",
    "methyl or ethyl ester": "[#6][CX3](=O)O[CH3,$([CH2][CH3])]",
    "Boc carbamate": "NC(=O)OC(C)(C)C",
    "Cbz carbamate": "NC(=O)OCc1ccccc1",
    "benzyl ether": "[#6][OX2][CH2]c1ccccc1",
    "amide": "[#6][CX3](=O)[NX3]",
    "nitrile": "[#6]C#N",
    "nitro": "[N+](=O)[O-]",
    "aryl bromide or iodide": "c[Br,I]",
    "aryl iodide": "cI",
    "activated aryl halide": "[c;$(cn),$(c:c[N+](=O)[O-]),$(c:c:c:c[N+](=O)[O-])][F,Cl]",
    "alkyl halide": "[CX4][Cl,Br,I]",
    "boronic acid": "[#6]B(O)O",
    "terminal alkyne": "[CH]#C",
    "alkene": "[CX3]=[CX3]",
    "azide": "N=[N+]=[N-]",
    "isocyanate": "N=C=O",
    "sulfonyl chloride": "S(=O)(=O)Cl",
    "Grignard reagent": "[#6][Mg]",
    "phosphorus ylide": "C=P",
    "chloroformate": "ClC(=O)O[#6]",
    "diene": "C=CC=C",
    "epoxide": "C1OC1",
}


@dataclass(frozen=True)
class LibReaction:
    """One library reaction (see the module docstring)."""

    name: str
    title: str
    smarts: str
    requires: tuple[str, ...]  # one GROUP_SMARTS name (or a role description) per reactant template
    reagents: str
    dropped: str  # by-products the template does not write
    example: tuple[tuple[str, ...], str]  # (reactants in role order, the product)
    forbid: tuple[str, ...] = ()
    stereo: bool = True  # False: the reaction makes (or may scramble) stereo the template cannot assign
    classes: tuple[str, ...] = ()  # product classes (route ids) a final step of this reaction makes


_AMINE = "[N;H2,H1;!$(N[C,S]=[O,S,N]);!$(N-[!#6;!#1]);!$(N#*);!$(N=*):{n}]"
_PROTIC = ("carboxylic acid", "alcohol", "phenol", "amine N-H", "thiol")


def _named(name: str, requires: tuple[str, ...], dropped: str, example: tuple[tuple[str, ...], str],
           forbid: tuple[str, ...] = (), classes: tuple[str, ...] = ()) -> LibReaction:
    """A library entry for a named reaction of :mod:`tasks.chem._reactions` (its SMARTS and reagents reused)."""
    r = NAMED[name]
    return LibReaction(name, r.title, r.smarts, requires, r.reagents, dropped, example, forbid, r.stereo, classes)


LIBRARY_LIST: tuple[LibReaction, ...] = (
    # -- C-N bond formation --------------------------------------------------------------------------------
    _named("amide_coupling", ("carboxylic acid", "amine N-H"), "H2O (as the coupling reagent's by-products)",
           (("OC(=O)c1ccccc1", "NCc1ccccc1"), "O=C(NCc1ccccc1)c1ccccc1"), classes=("amide",)),
    _named("acylation_acid_chloride", ("acid chloride", "amine N-H"), "HCl",
           (("CC(=O)Cl", "C1CCNCC1"), "CC(=O)N1CCCCC1"), forbid=("carboxylic acid",), classes=("amide",)),
    _named("sulfonamide_formation", ("sulfonyl chloride", "amine N-H"), "HCl",
           (("CS(=O)(=O)Cl", "Nc1ccccc1"), "CS(=O)(=O)Nc1ccccc1"), classes=("sulfonamide",)),
    _named("urea_formation", ("amine N-H", "isocyanate"), "nothing (addition)",
           (("C1CCNCC1", "O=C=Nc1ccccc1"), "O=C(Nc1ccccc1)N1CCCCC1"), forbid=("alcohol",), classes=("urea",)),
    _named("reductive_amination", ("aldehyde", "amine N-H"), "H2O",
           (("O=Cc1ccccc1", "C1COCCN1"), "c1ccc(CN2CCOCC2)cc1"), forbid=("ketone",), classes=("amine",)),
    _named("buchwald_hartwig", ("aryl bromide or iodide", "amine N-H"), "HBr/HI (as salt)",
           (("Brc1ccccc1", "C1COCCN1"), "c1ccc(N2CCOCC2)cc1"), forbid=("amide", "ester", "ketone", "aldehyde"),
           classes=("aryl amine",)),
    _named("boc_protection", ("amine N-H",), "CO2, tert-butanol",
           (("NCc1ccccc1",), "CC(C)(C)OC(=O)NCc1ccccc1"), classes=("carbamate",)),
    _named("boc_deprotection", ("Boc carbamate",), "CO2, isobutene",
           (("CC(C)(C)OC(=O)N1CCOCC1",), "C1COCCN1"), forbid=("tert-butyl ester",), classes=("deprotection",)),
    _named("nitro_reduction", ("nitro",), "H2O",
           (("O=[N+]([O-])c1ccccc1",), "Nc1ccccc1"), classes=("aryl amine",)),
    _named("nitrile_reduction", ("nitrile",), "nothing",
           (("N#Cc1ccccc1",), "NCc1ccccc1"), forbid=("alkene", "terminal alkyne", "nitro", "aryl bromide or iodide",
                                                    "ketone", "aldehyde"), classes=("amine",)),
    _named("amide_reduction", ("amide",), "H2O",
           (("O=C(c1ccccc1)N1CCOCC1",), "c1ccc(CN2CCOCC2)cc1"),
           forbid=("ester", "ketone", "aldehyde", "nitrile", "nitro", "carboxylic acid"), classes=("amine",)),
    # -- C-C bond formation --------------------------------------------------------------------------------
    _named("suzuki_coupling", ("aryl bromide or iodide", "boronic acid"), "B(OH)3, HBr (as salts)",
           (("Brc1ccccc1", "OB(O)c1ccccc1"), "c1ccc(-c2ccccc2)cc1"), classes=("biaryl",)),
    _named("sonogashira_coupling", ("aryl bromide or iodide", "terminal alkyne"), "HBr/HI (as salt)",
           (("Ic1ccccc1", "C#CCCCC"), "CCCCC#Cc1ccccc1"), classes=("alkyne",)),
    _named("heck_reaction", ("aryl bromide or iodide", "alkene"), "HBr (as salt)",
           (("Brc1ccccc1", "C=CC(=O)OC"), "COC(=O)C=Cc1ccccc1"), classes=("alkene",)),
    _named("grignard_addition", ("ketone or aldehyde", "Grignard reagent"), "Mg salts",
           (("CC(=O)c1ccccc1", "C[Mg]Br"), "CC(C)(O)c1ccccc1"),
           forbid=_PROTIC + ("ester", "nitrile", "nitro", "amide", "terminal alkyne"), classes=("alcohol",)),
    _named("wittig_reaction", ("aldehyde", "phosphorus ylide"), "Ph3PO",
           (("O=Cc1ccccc1", "CC=P(c1ccccc1)(c1ccccc1)c1ccccc1"), "CC=Cc1ccccc1"),
           forbid=("carboxylic acid", "ketone"), classes=("alkene",)),
    _named("diels_alder", ("diene", "alkene"), "nothing (cycloaddition)",
           (("C=CC=C", "C=CC#N"), "N#CC1CC=CCC1"), classes=("heterocycle",)),
    _named("sn2_cyanide", ("alkyl halide",), "halide salt",
           (("BrCc1ccccc1",), "N#CCc1ccccc1"), forbid=("amine N-H",)),
    # -- C-O and C-S bond formation --------------------------------------------------------------------------
    _named("fischer_esterification", ("carboxylic acid", "alcohol"), "H2O",
           (("CC(=O)O", "OCc1ccccc1"), "CC(=O)OCc1ccccc1"),
           forbid=("Boc carbamate", "tert-butyl ester", "amine N-H"), classes=("ester",)),
    _named("williamson_ether", ("phenol", "alkyl halide"), "HBr (as salt)",
           (("Oc1ccccc1", "BrCc1ccccc1"), "c1ccc(COc2ccccc2)cc1"),
           forbid=("amine N-H", "thiol", "carboxylic acid"), classes=("ether",)),
    _named("thioether_formation", ("thiol", "alkyl halide"), "HBr (as salt)",
           (("Sc1ccccc1", "CI"), "CSc1ccccc1"), forbid=("amine N-H",), classes=("ether",)),
    _named("tbs_protection", ("alcohol",), "HCl (as imidazolium salt)",
           (("OCc1ccccc1",), "CC(C)(C)[Si](C)(C)OCc1ccccc1"), forbid=("amine N-H", "carboxylic acid")),
    _named("mesylation", ("alcohol",), "HCl (as salt)",
           (("OCc1ccccc1",), "CS(=O)(=O)OCc1ccccc1"), forbid=("amine N-H", "phenol", "thiol")),
    _named("ester_hydrolysis", ("methyl or ethyl ester",), "methanol or ethanol",
           (("COC(=O)c1ccccc1",), "O=C(O)c1ccccc1"), classes=("deprotection",)),
    _named("ester_reduction", ("methyl or ethyl ester",), "methanol or ethanol",
           (("COC(=O)c1ccccc1",), "OCc1ccccc1"),
           forbid=("ketone", "aldehyde", "nitrile", "nitro", "amide", "carboxylic acid"), classes=("alcohol",)),
    _named("ketone_reduction", ("ketone",), "nothing",
           (("CC(=O)c1ccccc1",), "CC(O)c1ccccc1"), forbid=("aldehyde",), classes=("alcohol",)),
    _named("alcohol_oxidation", ("alcohol",), "reduced oxidant",
           (("OCc1ccccc1",), "O=Cc1ccccc1"), forbid=("thiol", "amine N-H", "aldehyde"), classes=("carbonyl",)),
    _named("nitrile_hydrolysis", ("nitrile",), "NH4+",
           (("N#Cc1ccccc1",), "O=C(O)c1ccccc1"), forbid=("ester", "amide", "Boc carbamate", "tert-butyl ester")),
    _named("epoxidation", ("alkene",), "3-chlorobenzoic acid",
           (("C=Cc1ccccc1",), "c1ccc(C2CO2)cc1"), forbid=("amine N-H", "thiol", "aldehyde", "ketone"),
           classes=("heterocycle",)),
    _named("alkene_hydrogenation", ("alkene",), "nothing",
           (("C=Cc1ccccc1",), "CCc1ccccc1"),
           forbid=("terminal alkyne", "nitro", "benzyl ether", "Cbz carbamate", "aryl bromide or iodide", "azide")),
    # -- heterocycles ----------------------------------------------------------------------------------------
    _named("cuaac_click", ("azide", "terminal alkyne"), "nothing (cycloaddition)",
           (("[N-]=[N+]=NCc1ccccc1", "C#Cc1ccccc1"), "c1ccc(Cn2cc(-c3ccccc3)nn2)cc1"), classes=("heterocycle",)),
    _named("sn2_azide", ("alkyl halide",), "halide salt",
           (("BrCc1ccccc1",), "[N-]=[N+]=NCc1ccccc1"), forbid=("amine N-H",)),
    # -- defined here ------------------------------------------------------------------------------------------
    LibReaction("ester_from_acid_chloride", "O-acylation with an acid chloride",
                "[C:1](=[O:2])Cl.[OX2H1;$(O[CX4]),$(Oc):3]>>[C:1](=[O:2])[O:3]", ("acid chloride", "alcohol or phenol"),
                "Et3N, DMAP, DCM", "HCl (as salt)", (("O=C(Cl)c1ccccc1", "Oc1ccccc1"), "O=C(Oc1ccccc1)c1ccccc1"),
                forbid=("amine N-H", "thiol", "carboxylic acid"), classes=("ester",)),
    LibReaction("carbamate_from_chloroformate", "carbamate formation from a chloroformate",
                f"Cl[C:1](=[O:2])[O:3][#6:4].{_AMINE.format(n=5)}>>[N:5][C:1](=[O:2])[O:3][#6:4]",
                ("chloroformate", "amine N-H"), "Et3N, DCM", "HCl (as salt)",
                (("CCOC(=O)Cl", "C1CCNCC1"), "CCOC(=O)N1CCCCC1"), forbid=("alcohol",), classes=("carbamate",)),
    LibReaction("carbamate_from_isocyanate", "carbamate formation from an isocyanate and an alcohol",
                "[OX2H1;$(O[CX4]):1].[N:2]=[C:3]=[O:4]>>[O:1][C:3](=[O:4])[N:2]", ("alcohol", "isocyanate"),
                "dibutyltin dilaurate (cat.), toluene", "nothing (addition)",
                (("OCc1ccccc1", "O=C=Nc1ccccc1"), "O=C(Nc1ccccc1)OCc1ccccc1"), forbid=("amine N-H", "thiol"),
                classes=("carbamate",)),
    LibReaction("cbz_deprotection", "Cbz deprotection by hydrogenolysis", "[N:1]C(=O)OCc1ccccc1>>[N:1]",
                ("Cbz carbamate",), "H2, Pd/C, MeOH", "toluene, CO2",
                (("O=C(OCc1ccccc1)N1CCCCC1",), "C1CCNCC1"),
                forbid=("alkene", "terminal alkyne", "nitro", "azide", "aryl iodide"), classes=("deprotection",)),
    LibReaction("tbu_ester_deprotection", "tert-butyl ester cleavage", "[#6:1][C:2](=[O:3])OC(C)(C)C>>[#6:1][C:2](=[O:3])O",
                ("tert-butyl ester",), "TFA, DCM", "isobutene",
                (("CC(C)(C)OC(=O)Cc1ccccc1",), "O=C(O)Cc1ccccc1"), forbid=("Boc carbamate",),
                classes=("deprotection",)),
    LibReaction("benzyl_ether_cleavage", "O-debenzylation by hydrogenolysis", "[#6:2][O:1][CH2]-c1ccccc1>>[#6:2][O:1]",
                ("benzyl ether",), "H2, Pd/C, EtOH", "toluene",
                (("COc1ccc(OCc2ccccc2)cc1",), "COc1ccc(O)cc1"),
                forbid=("alkene", "terminal alkyne", "nitro", "azide", "aryl iodide", "Cbz carbamate"),
                classes=("deprotection",)),
    LibReaction("mitsunobu_etherification", "Mitsunobu etherification of a phenol",
                "[c:5][OX2H1:1].[CX4;H1,H2;!$(C[O,N,S,Cl,Br,I][#6]);!$(C(O)[O,N,S]):3][OX2H1]>>[c:5][O:1][C:3]",
                ("phenol", "alcohol"), "PPh3, DIAD, THF", "Ph3PO, reduced DIAD",
                (("Oc1ccccc1", "OCC1CCCCC1"), "c1ccc(OCC2CCCCC2)cc1"),
                forbid=("amine N-H", "carboxylic acid", "thiol"), stereo=False, classes=("ether",)),
    LibReaction("claisen_schmidt", "Claisen-Schmidt (crossed aldol) condensation",
                "[CH1:1](=O)[c:2].[CH3:3][C:4](=[O:5])[#6:6]>>[c:2][CH:1]=[CH:3][C:4](=[O:5])[#6:6]",
                ("aromatic aldehyde", "methyl ketone"), "NaOH, EtOH", "H2O",
                (("O=Cc1ccccc1", "CC(=O)c1ccccc1"), "O=C(C=Cc1ccccc1)c1ccccc1"),
                forbid=("ester", "carboxylic acid"), stereo=False, classes=("alkene",)),
    LibReaction("snar_amination", "nucleophilic aromatic substitution (SNAr) with an amine",
                f"[c;$(cn),$(c:c[N+](=O)[O-]),$(c:c:c:c[N+](=O)[O-]):1][F,Cl].{_AMINE.format(n=2)}>>[c:1][N:2]",
                ("activated aryl halide", "amine N-H"), "K2CO3, DMSO, 80 °C", "HF/HCl (as salt)",
                (("O=[N+]([O-])c1ccc(F)cc1", "C1COCCN1"), "O=[N+]([O-])c1ccc(N2CCOCC2)cc1"),
                classes=("aryl amine",)),
    LibReaction("aldehyde_reduction", "aldehyde reduction with sodium borohydride",
                "[CX3H1:1](=[O:2])[#6:3]>>[CH2:1]([O:2])[#6:3]", ("aldehyde",), "NaBH4, MeOH", "borate salts",
                (("O=Cc1ccccc1",), "OCc1ccccc1"), forbid=("ketone",), classes=("alcohol",)),
    LibReaction("n_alkylation", "N-alkylation of a secondary amine",
                "[NX3;H1;!$(N[C,S]=[O,S,N]);!$(Na);!$(N-[!#6;!#1]):1].[CH2;X4;$(C[c,C]):2][Br,I]>>[N:1][C:2]",
                ("secondary amine", "alkyl halide"), "K2CO3, MeCN", "HBr (as salt)",
                (("C1CCNCC1", "BrCc1ccccc1"), "c1ccc(CN2CCCCC2)cc1"),
                forbid=("phenol", "thiol", "carboxylic acid"), classes=("amine",)),
    LibReaction("o_acetylation", "O-acetylation with acetic anhydride",
                "[OX2H1;$(O[CX4]),$(Oc):1]>>[O:1]C(C)=O", ("alcohol or phenol",), "Ac2O, pyridine", "acetic acid",
                (("OCc1ccccc1",), "CC(=O)OCc1ccccc1"), forbid=("amine N-H", "thiol"), classes=("ester",)),
    LibReaction("tetrazole_formation", "tetrazole formation from a nitrile and azide",
                "[#6:1][C:2]#[N:3]>>[#6:1][c:2]1[n:3][nH]nn1", ("nitrile",), "NaN3, ZnBr2, water/iPrOH, reflux",
                "nothing (cycloaddition)", (("N#Cc1ccccc1",), "c1ccc(-c2nn[nH]n2)cc1"),
                forbid=("alkyl halide",), classes=("heterocycle",)),
    LibReaction("miyaura_borylation", "Miyaura borylation (then pinacol ester hydrolysis)",
                "[c:1][Br,I]>>[c:1]B(O)O", ("aryl bromide or iodide",), "B2pin2, Pd(dppf)Cl2, KOAc; then NaIO4",
                "KBr, pinacol", (("Brc1ccccc1",), "OB(O)c1ccccc1"), forbid=("boronic acid", "aldehyde")),
    LibReaction("appel_bromination", "Appel bromination of a primary alcohol",
                "[CX4;H2;!$(C[O,N,S][#6]);!$(C(O)[O,N,S]):1][OX2H1]>>[C:1]Br", ("primary alcohol",),
                "CBr4, PPh3, DCM", "Ph3PO, CHBr3", (("OCc1ccccc1",), "BrCc1ccccc1"),
                forbid=("amine N-H", "carboxylic acid", "thiol", "phenol")),
    LibReaction("ketone_reductive_amination", "reductive amination of a ketone",
                f"[#6:1][CX3:2](=O)[#6:3].{_AMINE.format(n=4)}>>[#6:1][CH1:2]([#6:3])[N:4]",
                ("ketone", "amine N-H"), "NaBH3CN, AcOH, MeOH", "H2O",
                (("O=C1CCCCC1", "NCc1ccccc1"), "c1ccc(CNC2CCCCC2)cc1"), forbid=("aldehyde",), stereo=False,
                classes=("amine",)),
    LibReaction("acid_chloride_formation", "acid chloride formation", "[C:1](=[O:2])[OX2H1]>>[C:1](=[O:2])Cl",
                ("carboxylic acid",), "(COCl)2, DMF (cat.), DCM", "CO, CO2, HCl",
                (("OC(=O)c1ccccc1",), "O=C(Cl)c1ccccc1"), forbid=_PROTIC[1:]),
)

LIBRARY: dict[str, LibReaction] = {r.name: r for r in LIBRARY_LIST}
#: Library reactions by product class: the route ids' classes.
CLASSES: dict[str, tuple[str, ...]] = {}
for _r in LIBRARY_LIST:
    for _c in _r.classes:
        CLASSES[_c] = CLASSES.get(_c, ()) + (_r.name,)


@functools.lru_cache(maxsize=128)
def rxn_of(name: str) -> rdChemReactions.ChemicalReaction:
    """The initialised RDKit reaction of a library entry (cached)."""
    rxn = rdChemReactions.ReactionFromSmarts(LIBRARY[name].smarts)
    rxn.Initialize()
    return rxn


@functools.lru_cache(maxsize=128)
def role_templates(name: str) -> tuple[Chem.Mol, ...]:
    """The reactant templates (query molecules) of a library entry, in role order."""
    rxn = rxn_of(name)
    return tuple(rxn.GetReactantTemplate(i) for i in range(rxn.GetNumReactantTemplates()))


@functools.lru_cache(maxsize=64)
def group_query(group: str) -> Chem.Mol:
    """The query molecule of a :data:`GROUP_SMARTS` group."""
    return Chem.MolFromSmarts(GROUP_SMARTS[group])


def groups_of(mol: Chem.Mol) -> list[str]:
    """Names of the :data:`GROUP_SMARTS` groups ``mol`` carries, in table order."""
    return [g for g in GROUP_SMARTS if mol.HasSubstructMatch(group_query(g))]


def forbidden_in(name: str, mols: list[Chem.Mol]) -> str | None:
    """The first group of reaction ``name``'s ``forbid`` list that one of ``mols`` carries, else None."""
    for group in LIBRARY[name].forbid:
        if any(m.HasSubstructMatch(group_query(group)) for m in mols):
            return group
    return None
