"""What generated substrates are made of: ring cores, growth pieces, spectator groups, role patterns.

Data only; :mod:`tasks.chem._substrates` assembles substrates from it.
"""

from __future__ import annotations

from dataclasses import dataclass

# (Hetero)aromatic ring systems; a scaffold bonds to one of their C-H atoms.
ARYL_CORES = ("c1ccccc1", "c1ccncc1", "c1cncnc1", "c1cnccn1", "c1ccnnc1", "c1ccsc1", "c1ccoc1", "c1cscn1", "c1ccsn1",
              "c1cocn1", "c1ccon1", "Cn1cccn1", "Cn1ccnc1", "Cn1cncn1", "c1ccc2ccccc2c1", "c1ccc2ncccc2c1",
              "c1ccc2cnccc2c1", "c1ccc2nccnc2c1", "c1ccc2ncncc2c1", "c1ccc2occc2c1", "c1ccc2sccc2c1", "c1ccc2ocnc2c1",
              "c1ccc2scnc2c1", "Cn1cnc2ccccc21", "Cn1ncc2ccccc21", "Cn1ccc2ccccc21", "c1ccc2c(c1)OCO2",
              "c1ccc2c(c1)OCCO2", "c1ccc2c(c1)CCC2", "c1ccc2c(c1)CCCC2", "c1ccc2c(c1)CCO2", "c1ccc2c(c1)CCCO2")
# Saturated rings; a scaffold bonds to one of their C-H atoms. A tag names what the ring carries (a basic
# tertiary amine, an amide, a carbamate) so that a reaction whose reagents attack it can refuse the ring.
RING_CORES = (("C1CC1", ""), ("C1CCC1", ""), ("C1CCCC1", ""), ("C1CCCCC1", ""), ("C1CCCCCC1", ""), ("C1COC1", ""),
              ("C1CCOC1", ""), ("C1CCOCC1", ""), ("C1CCCOC1", ""), ("C1COCCO1", ""), ("C1C2CC1C2", ""),
              ("C1CC2CCC1CC2", ""), ("C1C2CC3CC1CC(C2)C3", ""), ("CN1CCCCC1", "amine"), ("CN1CCCC1", "amine"),
              ("CN1CCOCC1", "amine"), ("CC(C)N1CCCCC1", "amine"), ("CC(=O)N1CCCCC1", "amide"),
              ("CN1CCCC1=O", "amide"), ("CC(C)(C)OC(=O)N1CCCCC1", "boc"), ("CS(=O)(=O)N1CCCC1", "sulfone"))
# Hydrocarbon (and aryl fluoride) pieces the scaffold grows by; they are not functional groups.
GROWTH = (("C", 4), ("CC", 2), ("CCC", 1), ("C(C)C", 1), ("C(C)(C)C", 1), ("C1CC1", 1), ("C1CCC1", 1), ("F", 2),
          ("c1ccccc1", 1), ("C1CCOCC1", 1))


@dataclass(frozen=True)
class Group:
    """A spectator functional group: its SMILES (first atom bonds to the scaffold) and where it may sit."""

    smiles: str
    aryl_only: bool = False


#: Spectator groups by name. A reaction names the ones its reagents would attack (``Reaction.forbid``).
GROUPS: dict[str, Group] = {
    "chloro": Group("Cl", aryl_only=True),
    "bromo": Group("Br", aryl_only=True),
    "methoxy": Group("OC"),
    "trifluoromethyl": Group("C(F)(F)F", aryl_only=True),
    "trifluoromethoxy": Group("OC(F)(F)F", aryl_only=True),
    "nitrile": Group("C#N"),
    "ester": Group("C(=O)OC"),
    "ketone": Group("C(C)=O"),
    "nitro": Group("[N+](=O)[O-]", aryl_only=True),
    "acetamide": Group("NC(C)=O"),
    "amide": Group("C(=O)N(C)C"),
    "sulfone": Group("S(C)(=O)=O"),
    "dimethylamino": Group("N(C)C", aryl_only=True),
    "alkene": Group("C=C"),
}

# Scaffold kinds a slot takes: any carbon scaffold, (hetero)aryl only, sp3-attached only, a small alkyl.
ANY, ARYL, ALKYL, SMALL = "any", "aryl", "alkyl", "small"

#: Substrate patterns per building-block role: (SMILES with [*:n] slots, the slots' scaffold kinds).
ROLE_PATTERNS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "acid": (("[*:1]C(=O)O", (ANY,)),),
    "acid_chloride": (("[*:1]C(=O)Cl", (ANY,)),),
    "sulfonyl_chloride": (("[*:1]S(=O)(=O)Cl", (ARYL,)), ("[*:1]CS(=O)(=O)Cl", (ANY,))),
    "isocyanate": (("[*:1]N=C=O", (ANY,)),),
    "alkyl_ester": (("[*:1]C(=O)OC", (ANY,)), ("[*:1]C(=O)OCC", (ANY,))),
    "amine": (("[*:1]N", (ANY,)), ("[*:1]CN", (ANY,)), ("[*:1]NC", (ANY,)), ("[*:1]CNC", (ANY,)),
              ("[*:1]C1CCNCC1", (ANY,)), ("[C:9]1[C:9][C:9]N[C:9][C:9]1", ()), ("[C:9]1[C:9][C:9]N[C:9]1", ()),
              ("[C:9]1[C:9]OCCN1", ()), ("[*:1]N1CCNCC1", (ARYL,)), ("[*:1]C(=O)N1CCNCC1", (ANY,))),
    "alcohol": (("[*:1]CO", (ANY,)), ("[*:1]CCO", (ANY,)), ("[*:1]O", (ALKYL,)), ("[*:1]C(C)O", (ANY,))),
    "sec_or_prim_alcohol": (("[*:1]CO", (ANY,)), ("[*:1]CCO", (ANY,)), ("[*:1]C(O)[*:2]", (ANY, SMALL)),
                            ("O[C:9]1[C:9][C:9][C:9][C:9][C:9]1", ())),
    "phenol": (("[*:1]O", (ARYL,)),),
    "alkyl_halide": (("[*:1]CBr", (ANY,)), ("[*:1]CCl", (ANY,)), ("[*:1]CI", (ANY,)), ("[*:1]CCBr", (ALKYL,))),
    "aryl_halide": (("[*:1]Br", (ARYL,)), ("[*:1]I", (ARYL,))),
    "boronic_acid": (("[*:1]B(O)O", (ARYL,)),),
    "aldehyde": (("[*:1]C=O", (ANY,)), ("[*:1]CC=O", (ANY,))),
    "ketone": (("[*:1]C(=O)[*:2]", (ANY, SMALL)), ("[*:1]C(=O)[*:2]", (ANY, ANY)), ("[*:1]C(C)=O", (ANY,)),
               ("O=C1[C:9][C:9][C:9][C:9][C:9]1", ()), ("O=C1[C:9][C:9][C:9][C:9]1", ()),
               ("O=C1[C:9][C:9]c2[c:9][c:9][c:9][c:9]c21", ()), ("O=C1CCN([*:1])CC1", (ALKYL,))),
    "alkyne": (("[*:1]C#C", (ANY,)), ("[*:1]CC#C", (ANY,))),
    "diene": (("C=CC=C", ()), ("C1=CC=C[C:9]1", ()), ("[*:1]C=CC=C", (ANY,)), ("C=C([*:1])C=C", (ANY,)),
              ("C=C(C)C([*:1])=C", (ANY,)), ("C1=CC=C[C:9][C:9]1", ())),
    "dienophile": (("C=CC(=O)O[*:1]", (ALKYL,)), ("C=CC([*:1])=O", (ANY,)), ("C=CC(=O)N([*:1])C", (ANY,)),
                   ("O=C1C=CC(=O)N1[*:1]", (ANY,)), ("O=C1C=CC(=O)O1", ()), ("C=C([*:1])C#N", (ANY,))),
    "nitroarene": (("[*:1][N+](=O)[O-]", (ARYL,)),),
    "boc_amine": (("[*:1]NC(=O)OC(C)(C)C", (ANY,)), ("[*:1]CNC(=O)OC(C)(C)C", (ANY,)),
                  ("[*:1]N(C)C(=O)OC(C)(C)C", (ANY,)), ("[C:9]1[C:9][C:9]N(C(=O)OC(C)(C)C)[C:9][C:9]1", ()),
                  ("[*:1]C1CCN(C(=O)OC(C)(C)C)CC1", (ANY,)), ("[*:1]N1CCN(C(=O)OC(C)(C)C)CC1", (ARYL,))),
    "azide": (("[*:1]CN=[N+]=[N-]", (ANY,)), ("[*:1]N=[N+]=[N-]", (ARYL,)), ("[*:1]CCN=[N+]=[N-]", (ANY,))),
    "thiol": (("[*:1]S", (ANY,)), ("[*:1]CS", (ANY,))),
    "grignard": (("[*:1][Mg]Br", (ANY,)), ("[*:1][Mg]Cl", (ANY,))),
    "ylide": (("[*:1]C=P(c1ccccc1)(c1ccccc1)c1ccccc1", (ANY,)),
              ("[*:1]OC(=O)C=P(c1ccccc1)(c1ccccc1)c1ccccc1", (ALKYL,))),
    "heck_alkene": (("C=CC(=O)O[*:1]", (ALKYL,)), ("C=CC(=O)N([*:1])C", (ANY,)), ("C=C[*:1]", (ARYL,)),
                    ("C=CC([*:1])=O", (ANY,))),
    "alkene": (("[*:1]C=C", (ANY,)), ("[*:1]CC=C", (ANY,)), ("[*:1]C(C)=C", (ANY,)), ("[*:1]C=C[*:2]", (ANY, SMALL)),
               ("C1=C[C:9][C:9][C:9][C:9]1", ()), ("[*:1]C1=CCCCC1", (ARYL,)), ("[*:1]C=C(C)C", (ANY,))),
    "amide": (("[*:1]C(=O)N[*:2]", (ANY, ANY)), ("[*:1]C(=O)N(C)[*:2]", (ANY, ALKYL)), ("[*:1]C(=O)N1CCCCC1", (ANY,)),
              ("[*:1]C(=O)N1CCOCC1", (ANY,)), ("[*:1]C(=O)N1CCCC1", (ANY,)), ("[*:1]C(=O)NC", (ANY,))),
    "nitrile": (("[*:1]C#N", (ANY,)), ("[*:1]CC#N", (ANY,))),
}

#: Pieces that bring a stereocentre wherever they are grafted (on an aryl ring too).
CHIRAL_PIECES = ("C(C)CC", "C(C)CCC", "C1CCOC1", "C1CCCO1", "C(C)C1CC1", "C(C)CC(C)C", "C1CCCC1C", "C(C)c1ccccc1")
