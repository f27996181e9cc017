"""Open-ended tasks: an explanation scored by the key-point rubric (``bootcamp.verifiers.rubric``)
plus a reference-similarity reward model."""

from __future__ import annotations

from typing import Any, ClassVar

from bootcamp import RewardPart, RewardSpec, Task
from bootcamp.verifiers.rubric import covered, grade, numbers, sentences

SIMILARITY_SPEC = RewardSpec(
    parts=[
        RewardPart(name="coverage", kind="rule", weight=0.5),
        RewardPart(name="similarity", kind="similarity", weight=0.5),
    ],
    combine="weighted",
)


class OpenTask(Task):
    """An open-ended explanation scored by a key-point rubric plus a similarity model.

    Subclasses implement ``build(rng) -> (data, reference, keypoints)`` and
    ``question(identity)``; the identity holds ``reference`` and ``keypoints``.
    """

    reward: ClassVar[RewardSpec] = SIMILARITY_SPEC

    def build(self, rng: Any) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
        raise NotImplementedError

    def question(self, identity: dict[str, Any]) -> str:
        raise NotImplementedError

    def generate(self, rng: Any) -> dict[str, Any]:
        data, reference, keypoints = self.build(rng)
        return {**data, "reference": reference, "keypoints": keypoints}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (
            self.question(identity).rstrip()
            + "\n\nWrite a short explanation of 2-6 complete sentences (at most 150 words) and put it "
            "inside <answer></answer> tags. Quote numbers to the precision given in the question. "
            "A bare list of keywords does not count as an explanation."
        )

    def format_answer(self, answer: str) -> str:
        return f"<answer>{answer}</answer>"

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return grade(answer, identity["keypoints"])

    def solve(self, identity: dict[str, Any]) -> str:
        return identity["reference"]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        """The reference with each key point's sentences removed in turn, plus a keyword list."""
        sents = sentences(answer)
        nums = [numbers(s) for s in sents]
        out = []
        for kp in identity["keypoints"]:
            kept = [s for s, n in zip(sents, nums, strict=True) if not covered(kp, s, [s], [n])]
            if kept != sents:
                out.append(" ".join(kept) or "nothing")
        out.append(keyword_list(identity["keypoints"]))
        return out


def cap(text: str) -> str:
    """``text`` with its first letter upper-cased (the rest untouched, unlike ``str.capitalize``)."""
    return text[:1].upper() + text[1:]


def keyword_list(keypoints: list[dict[str, Any]]) -> str:
    """A bare list of the first alternative of every key point (a gaming attempt)."""
    terms = []
    for kp in keypoints:
        for t in kp["any"][0]:
            terms.append(f"{t['num']:g}" if isinstance(t, dict) else t.rstrip("*"))
    return ", ".join(terms)
