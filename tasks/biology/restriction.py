"""Restriction digests with named enzymes from a shipped table: sites and fragment lengths."""

from __future__ import annotations

import random
from typing import Any

from bootcamp.answers import SetTask
from tasks.biology._seq import random_dna

#: Enzyme -> (recognition site 5'->3', top-strand cut offset: the cut is after this many bases of the site).
#: All sites are palindromic, so one strand tells where both strands are cut.
ENZYMES: dict[str, tuple[str, int]] = {
    "EcoRI": ("GAATTC", 1), "BamHI": ("GGATCC", 1), "HindIII": ("AAGCTT", 1), "NotI": ("GCGGCCGC", 2),
    "XhoI": ("CTCGAG", 1), "PstI": ("CTGCAG", 5), "SmaI": ("CCCGGG", 3), "KpnI": ("GGTACC", 5),
    "SacI": ("GAGCTC", 5), "NcoI": ("CCATGG", 1), "NdeI": ("CATATG", 2), "XbaI": ("TCTAGA", 1),
    "SalI": ("GTCGAC", 1), "EcoRV": ("GATATC", 3), "SpeI": ("ACTAGT", 1), "ClaI": ("ATCGAT", 2),
    "BglII": ("AGATCT", 1), "ApaI": ("GGGCCC", 5), "NheI": ("GCTAGC", 1), "HaeIII": ("GGCC", 2),
    "AluI": ("AGCT", 2), "TaqI": ("TCGA", 1), "MspI": ("CCGG", 1), "MboI": ("GATC", 0),
}
_SIX = tuple(e for e, (site, _) in ENZYMES.items() if len(site) >= 6)


def enzyme_text(names: list[str]) -> str:
    """How a prompt states the enzymes' sites and cuts (^ marks the top-strand cut)."""
    parts = []
    for n in names:
        site, cut = ENZYMES[n]
        parts.append(f"{n} {site[:cut]}^{site[cut:]}")
    return ", ".join(parts)


def sites(seq: str, enzyme: str, circular: bool = False) -> list[int]:
    """0-based starts of the enzyme's recognition site (wrapping round the origin when circular)."""
    site = ENZYMES[enzyme][0]
    text = seq + seq[: len(site) - 1] if circular else seq
    return [i for i in range(len(seq) if circular else len(seq) - len(site) + 1) if text.startswith(site, i)]


def cut_positions(seq: str, enzymes: list[str], circular: bool = False) -> list[int]:
    """Sorted top-strand cut positions (number of bases before each cut)."""
    cuts = {(i + ENZYMES[e][1]) % len(seq) for e in enzymes for i in sites(seq, e, circular)}
    return sorted(cuts)


def fragments(seq: str, enzymes: list[str], circular: bool = False) -> list[int]:
    """Sorted fragment lengths (top strand) after complete digestion."""
    cuts, n = cut_positions(seq, enzymes, circular), len(seq)
    if not cuts:
        return [n]
    if circular:
        return sorted((cuts[(i + 1) % len(cuts)] - c) % n or n for i, c in enumerate(cuts))
    bounds = [0] + [c for c in cuts if 0 < c < n] + [n]
    return sorted(b - a for a, b in zip(bounds, bounds[1:], strict=False))


class Restriction(SetTask):
    """Sites or fragments of a digest; ``answer`` ('sites' or 'fragments'), ``enzymes``, ``circular`` in params."""

    version = 3

    description = "Restriction digest of a DNA sequence."
    # ``planted``: how many recognition sites at most are written into the random sequence (at least half
    # as many), so that levels add sites and fragments to find whatever the enzymes and length of the id.
    default_params = {"answer": "sites", "enzymes": 1, "circular": False, "length": 240, "planted": 3}
    levels = ({"planted": 2}, {"planted": 3}, {"planted": 5}, {"planted": 7}, {"planted": 10})
    default_level = 2

    def complexity(self, identity: dict[str, Any]) -> float:
        """Sites to find, or fragments to measure."""
        return float(len(self._value(identity)))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        pool = list(ENZYMES) if self.params["answer"] == "sites" else list(_SIX)
        names = sorted(rng.sample(pool, self.params["enzymes"]))
        while True:
            seq = list(random_dna(rng, self.params["length"]))
            planted = self.params["planted"]
            for _ in range(rng.randint(max(1, planted // 2), planted)):
                site = ENZYMES[rng.choice(names)][0]
                pos = rng.randrange(len(seq) - len(site))
                seq[pos:pos + len(site)] = site
            dna = "".join(seq)
            if self.params["circular"] and len(sites(dna, names[0], True)) != len(sites(dna, names[0])):
                continue  # keep sites off the origin: the question stays about reading, not wrapping
            value = self._value({"sequence": dna, "enzymes": names})
            if self.params["circular"] and len(value) < 2:
                continue  # one cut leaves the whole plasmid: its length would be a constant answer
            if value:
                return {"sequence": dna, "enzymes": names}

    def prompt(self, identity: dict[str, Any]) -> str:
        seq, names = identity["sequence"], identity["enzymes"]
        enz = enzyme_text(names)
        if self.params["answer"] == "sites":
            return (f"Find every recognition site of {enz} (^ marks the cut) in the DNA 5'-{seq}-3' (top strand "
                    "only; the site is palindromic). List the 1-based position of the first base of each site, in "
                    "increasing order, separated by commas, in \\boxed{}.")
        shape = "circular plasmid" if self.params["circular"] else "linear DNA molecule"
        return (f"The {shape} whose top strand is 5'-{seq}-3' ({len(seq)} bp) is digested to completion with "
                f"{enz} (^ marks the top-strand cut). List the lengths in bp of all resulting fragments (measured "
                "on the top strand), separated by commas, in \\boxed{}.")

    def _value(self, identity: dict[str, Any]) -> list[int]:
        seq, names = identity["sequence"], identity["enzymes"]
        if self.params["answer"] == "sites":
            return [i + 1 for i in sites(seq, names[0])]
        return fragments(seq, names, self.params["circular"])

    def value(self, identity: dict[str, Any]) -> list[int]:
        return self._value(identity)

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        v = self._value(identity)
        out = [", ".join(map(str, [x + 1 for x in v])), ", ".join(map(str, v + [7]))]
        if len(v) > 1:
            out.append(", ".join(map(str, [v[0] + v[1]] + v[2:])))
        return out


def register(registry: Any) -> None:
    registry.register(Restriction, "biology/restriction_sites", {"answer": "sites", "length": 300},
                      "Positions of a named restriction enzyme's sites.")
    registry.register(Restriction, "biology/restriction_fragments_linear", {"answer": "fragments"},
                      "Fragment lengths after digesting linear DNA with one enzyme.")
    registry.register(Restriction, "biology/restriction_fragments_circular", {"answer": "fragments", "circular": True},
                      "Fragment lengths after digesting a circular plasmid with one enzyme.")
    registry.register(Restriction, "biology/restriction_double_digest", {"answer": "fragments", "enzymes": 2,
                                                                          "length": 300},
                      "Fragment lengths after a double digest of linear DNA.")
