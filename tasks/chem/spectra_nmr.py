"""1H and 13C NMR from structure: signal counts, integrations, first-order multiplicities, DEPT editing.

Each question is posed per compound class (:data:`tasks.chem._spectra.CLASS_NAMES`), because the class
changes the reasoning: ring protons and para symmetry in substituted benzenes, the exchanging O-H of
alcohols and acids, N-H of amines and amides, vinyl protons of alkenes. The molecule is generated
(:mod:`tasks.chem._spectra`) and sized by level; each answer value is drawn first among a few
candidate molecules, so no count or multiplet is common enough to guess.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from rdkit import Chem

from bootcamp import Score, Task, invalid
from bootcamp.answers import INTEGER, Answer, Sequence, Set
from tasks.chem._spectra import (
    CLASS_NAMES,
    CLASSES,
    DEFAULT_SIZE,
    MULTIPLET,
    MoleculeLevels,
    balanced,
    carbon_classes,
    environments,
    molecule,
    parse_multiplicity,
)

#: The NMR model every prompt states (what "equivalent" means here).
EQUIVALENCE = ("Treat atoms as equivalent when the molecule's constitutional (topological) symmetry relates "
               "them; diastereotopic protons and the two protons of a =CH2 group count as equivalent, and no "
               "two inequivalent signals overlap by accident.")
EXCHANGE = "Each set of equivalent O-H or N-H protons gives one signal (a broad singlet)."
FIRST_ORDER = ("Use the first-order n+1 rule with all coupling constants equal: n is the number of protons on "
               "directly bonded carbon atoms (vicinal, three-bond couplings) that are not equivalent to the "
               "proton asked about. Ignore geminal and long-range couplings (meta, allylic, through O or N); "
               "O-H and N-H protons exchange fast and neither split nor are split.")


class _NmrTask(MoleculeLevels, Task):
    """A question about the NMR spectrum of one generated molecule of the compound class ``cls``."""

    version = 1
    default_params: dict[str, Any] = {"cls": "carbonyl", "size": DEFAULT_SIZE}
    #: Candidate molecules the answer value is spread over (1: a plain draw, for answers that rarely repeat).
    candidates: ClassVar[int] = 1
    #: The kind of answer (parsing, comparison, the reference's writing): one signal count unless a task says.
    _kind: ClassVar[Answer] = INTEGER

    def __init__(self, task_id: str | None = None, **params: Any) -> None:
        super().__init__(task_id, **params)
        if self.params["cls"] not in CLASSES:
            raise ValueError(f"cls must be one of {sorted(CLASSES)}, got {self.params['cls']!r}")

    def answer_of(self, smiles: str) -> Any:
        """The answer for the molecule ``smiles`` (what the draw spreads)."""
        raise NotImplementedError

    def generate(self, rng: random.Random) -> dict[str, Any]:
        cls, size = self.params["cls"], self.params["size"]
        smiles = balanced(rng, lambda r: molecule(r, cls, size), self.answer_of, self.candidates)
        return {"smiles": smiles}

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return self._kind.check(answer, self.answer_of(identity["smiles"]))

    def solve(self, identity: dict[str, Any]) -> str:
        return self._kind.write(self.answer_of(identity["smiles"]))

    def intro(self, identity: dict[str, Any]) -> str:
        return f"Consider the compound {identity['smiles']} (SMILES; one of the {CLASS_NAMES[self.params['cls']]})."


class HSignalCount(_NmrTask):
    description = "Number of chemically distinct proton environments (1H NMR signals) of a molecule."
    candidates = 4

    def answer_of(self, smiles: str) -> int:
        return len(environments(smiles))

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"{self.intro(identity)} How many signals does its 1H NMR spectrum show? {EQUIVALENCE} "
                f"{EXCHANGE} {INTEGER.instruction}")


class HIntegration(_NmrTask):
    description = "Integrations of the 1H NMR signals of a molecule: the multiset of proton counts per environment."
    _kind = Set(INTEGER, noun="proton counts")

    def answer_of(self, smiles: str) -> list[int]:
        return sorted((e.protons for e in environments(smiles)), reverse=True)

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"{self.intro(identity)} Give the integration of every signal of its 1H NMR spectrum as the number "
                f"of protons it stands for (e.g. 3, 2, 2, 1 for four signals of 3H, 2H, 2H and 1H; the counts add "
                f"up to all hydrogens of the molecule). {EQUIVALENCE} {EXCHANGE} List the proton counts, one per "
                f"signal, separated by commas and in any order, in \\boxed{{}}.")

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        want = self.answer_of(identity["smiles"])
        out = self._kind.near_misses(want) + [", ".join(map(str, [want[0] + 1, *want[1:]]))]
        return [w for w in out if self.check(w, identity) < 1.0]


class CSignalCount(_NmrTask):
    description = "Number of distinct carbon environments (13C NMR signals) of a molecule."
    candidates = 6  # carbon counts follow molecule size closely: more candidates to spread them

    def answer_of(self, smiles: str) -> int:
        return len(carbon_classes(smiles))

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"{self.intro(identity)} How many signals does its proton-decoupled 13C NMR spectrum show? "
                f"{EQUIVALENCE} {INTEGER.instruction}")


class Dept(_NmrTask):
    description = "13C signals by multiplicity (DEPT): how many CH3, CH2, CH and quaternary C signals."
    _kind = Sequence(INTEGER, noun="signal counts")

    def answer_of(self, smiles: str) -> list[int]:
        out = [0, 0, 0, 0]  # CH3, CH2, CH, C
        for hs, _ in carbon_classes(smiles):
            out[3 - min(hs, 3)] += 1
        return out

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"{self.intro(identity)} Its 13C NMR spectrum is edited by DEPT. How many distinct carbon signals "
                f"are CH3, how many CH2, how many CH and how many quaternary C (no attached hydrogen; carbonyl and "
                f"substituted ring carbons included)? {EQUIVALENCE} Give four integers in the order CH3, CH2, CH, "
                f"C, separated by commas, in \\boxed{{}} (e.g. 2, 3, 1, 1).")

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        want = self.answer_of(identity["smiles"])
        out = [", ".join(map(str, want[::-1])), ", ".join(map(str, [want[0] + 1, *want[1:]])),
               ", ".join(map(str, want[:3]))]
        return [w for w in out if self.check(w, identity) < 1.0]


def _coupled(smiles: str) -> list[tuple[int, int]]:
    """(atom, lines) of each proton environment that couples (C-H), one atom per environment."""
    return [(e.atoms[0], e.lines) for e in environments(smiles) if not e.exchangeable]


class HMultiplicity(_NmrTask):
    description = "First-order multiplicity (n+1 rule) of one proton environment, marked by an atom map in the SMILES."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        cls, size = self.params["cls"], self.params["size"]
        pool = [molecule(rng, cls, size, accept=lambda s: bool(_coupled(s))) for _ in range(8)]
        # The multiplet is drawn first (among those the candidates show), then a proton set with it.
        options = sorted({lines for s in pool for _, lines in _coupled(s)})
        want = rng.choice(options)
        hits = [(s, atom) for s in pool for atom, lines in _coupled(s) if lines == want]
        smiles, atom = rng.choice(hits)
        return {"smiles": smiles, "atom": atom}

    def lines(self, identity: dict[str, Any]) -> int:
        atom = identity["atom"]
        return next(e.lines for e in environments(identity["smiles"]) if atom in e.atoms)

    def complexity(self, identity: dict[str, Any]) -> float:
        """Molecule size and proton environments, plus the neighbours to count (lines - 1)."""
        return super().complexity(identity) + self.lines(identity) - 1

    def prompt(self, identity: dict[str, Any]) -> str:
        mol = Chem.Mol(Chem.MolFromSmiles(identity["smiles"]))
        mol.GetAtomWithIdx(identity["atom"]).SetAtomMapNum(1)
        marked = Chem.MolToSmiles(mol)
        return (f"In the 1H NMR spectrum of {marked} (SMILES; one of the {CLASS_NAMES[self.params['cls']]}), what "
                f"is the multiplicity of the signal of the protons on the atom labelled :1 (and on every atom "
                f"equivalent to it)? {EQUIVALENCE} {FIRST_ORDER} Give the multiplicity as s, d, t, q, quintet, "
                f"sextet, septet, octet or nonet (or as the number of lines), in \\boxed{{}}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        got = parse_multiplicity(answer)
        if got is None:
            return invalid("expected a multiplicity (s, d, t, q, quintet, ...) or a number of lines")
        return 1.0 if got == self.lines(identity) else Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any]) -> str:
        return MULTIPLET[self.lines(identity)]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        n = self.lines(identity)
        return [MULTIPLET[k] for k in (n - 1, n + 1, n + 2) if k in MULTIPLET] + [str(n + 1)]


#: (id stem, class) of each question; every question is asked per compound class.
QUESTIONS = {"h_nmr_signal_count": HSignalCount, "h_nmr_integration": HIntegration,
             "h_nmr_multiplicity": HMultiplicity, "c13_nmr_signal_count": CSignalCount, "c13_dept": Dept}


def register(registry: Any) -> None:
    for stem, cls in QUESTIONS.items():
        for compound in CLASSES:
            registry.register(cls, f"chem/{stem}_{compound}", {"cls": compound},
                              description=f"{cls.description} Molecules: {CLASS_NAMES[compound]}.")
