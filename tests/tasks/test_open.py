"""Open-ended tasks: the key-point rubric, its anti-gaming caps, and the MoR reward spec."""

from __future__ import annotations

import pytest

import bootcamp
from bootcamp.verifiers.rubric import covered, grade, num, numbers, point, sentences
from tasks.open._base import keyword_list

OPEN_IDS = bootcamp.list_tasks("open/*")
SEEDS = range(6)


def _problem(task_id: str, seed: int) -> tuple[bootcamp.Task, bootcamp.Problem]:
    task = bootcamp.REGISTRY.get(task_id)
    return task, task.problem(seed, with_answer=True)


def _without_point(answer: str, kp: dict) -> str:
    """The answer minus every sentence that covers ``kp``."""
    return " ".join(s for s in sentences(answer) if not covered(kp, s, [s], [numbers(s)]))


def test_at_least_twelve_distinct_ids() -> None:
    assert len(OPEN_IDS) >= 12
    classes = {type(bootcamp.REGISTRY.get(t)).__name__ for t in OPEN_IDS}
    assert len(classes) == len(OPEN_IDS)  # each id is its own kind of question


@pytest.mark.parametrize("task_id", OPEN_IDS)
def test_reward_spec_has_similarity_part(task_id: str) -> None:
    spec = bootcamp.REGISTRY.get(task_id).reward
    kinds = {p.kind: p for p in spec.parts}
    assert spec.combine == "weighted"
    assert "similarity" in kinds and "rule" in kinds
    assert kinds["similarity"].weight == pytest.approx(0.5)


@pytest.mark.parametrize("task_id", OPEN_IDS)
def test_reference_scores_one_and_mentions_every_point(task_id: str) -> None:
    for seed in SEEDS:
        task, p = _problem(task_id, seed)
        assert p.identity["reference"] == p.answer
        v = task.verify(task.format_answer(p.answer), p.identity)
        assert v.correct, (seed, v.detail)
        assert "<answer></answer>" in p.prompt


@pytest.mark.parametrize("task_id", OPEN_IDS)
def test_missing_key_point_scores_below_one(task_id: str) -> None:
    for seed in SEEDS:
        task, p = _problem(task_id, seed)
        for kp in p.identity["keypoints"]:
            partial = _without_point(p.answer, kp)
            assert task.check(partial, p.identity) < 1.0, (seed, kp["name"])
        for wrong in task.perturb(p.answer, p.identity):
            assert task.check(wrong, p.identity) < 1.0


@pytest.mark.parametrize("task_id", OPEN_IDS)
def test_bare_keyword_list_is_capped(task_id: str) -> None:
    task, p = _problem(task_id, 0)
    listing = keyword_list(p.identity["keypoints"])
    assert task.check(listing, p.identity) <= 0.5
    # Every accepted term of every point, as a list, is still only a list.
    everything = ", ".join(t if isinstance(t, str) else f"{t['num']:g}"
                           for kp in p.identity["keypoints"] for alt in kp["any"] for t in alt).replace("*", "")
    assert task.check(everything, p.identity) <= 0.5


@pytest.mark.parametrize("task_id", OPEN_IDS)
def test_empty_and_unparseable_answers(task_id: str) -> None:
    task, p = _problem(task_id, 1)
    assert task.verify("", p.identity).reason == "no_answer"
    assert task.verify("I think it is about chemistry.", p.identity).reason == "no_answer"  # no tags
    assert task.verify("<answer>   </answer>", p.identity).reason == "no_answer"
    for junk in ("12345 678", "!!! ???", "\u202e\u200b"):
        v = task.verify(f"<answer>{junk}</answer>", p.identity)
        assert v.reason == "invalid_answer" and v.score == 0.0


@pytest.mark.parametrize("task_id", OPEN_IDS)
def test_length_caps(task_id: str) -> None:
    task, p = _problem(task_id, 2)
    padded = p.answer + " " + "This sentence only adds more words to the answer. " * 20
    assert task.check(padded, p.identity) <= 0.5
    v = task.verify(task.format_answer(p.answer + " filler" * 1000), p.identity)
    assert v.score == 0.0 and v.reason == "too_long"
    one_sentence = sentences(p.answer)[0]
    assert task.check(one_sentence, p.identity) < 1.0


# -- the rubric by hand -------------------------------------------------------------------------

KPS = [
    point("best", ["Pd", "highest"], ["Pd", "best"]),
    point("yield", num(92, 0.5)),
    point("trend", "increas*", none=["no increase"]),
]


def test_rubric_hand_cases() -> None:
    good = "Pd gave the highest yield of the series, 92 percent. The yield increased as the loading went up."
    assert grade(good, KPS) == 1.0
    # Paraphrase with other accepted synonyms still scores 1.0.
    assert grade("The best catalyst in the screen was Pd, which reached 92.3%. Conversion was increasing with time as well.", KPS) == 1.0
    # Number outside the tolerance, and co-occurrence in one sentence, are required.
    assert grade(good.replace("92", "93"), KPS) == pytest.approx(2 / 3)
    split = "Pd was used in the series at 92 percent. The highest value was seen there and it increased a lot."
    assert grade(split, KPS) == pytest.approx(2 / 3)
    # Whole-word matching: "Pd" inside "Pdx" and "increase" inside "nonincrease" do not count.
    assert grade("Pdx gave the highest yield, 92 percent. There was a nonincrease over the run.", KPS) < 0.5
    # A cancelling phrase removes the point.
    assert grade(good + " There was no increase at all.", KPS) == pytest.approx(2 / 3)
    # Keyword list: every point covered, but capped.
    assert grade("Pd highest. 92. increase.", KPS) == pytest.approx(0.5)
    assert grade("Pd, highest, 92, increasing", KPS).reason == "wrong"


def test_negation_of_significance() -> None:
    task = bootcamp.REGISTRY.get("open/trial_result")
    for seed in range(40):
        p = task.problem(seed, with_answer=True)
        if p.identity["p"] < 0.05:
            flipped = p.answer.replace("is statistically significant", "is not statistically significant")
            assert flipped != p.answer
            assert task.check(flipped, p.identity) < 1.0
            return
    pytest.fail("no significant trial in 40 seeds")


def test_catalyst_yields_by_hand() -> None:
    task = bootcamp.REGISTRY.get("open/catalyst_yields")
    p = task.problem(3, with_answer=True)
    rows = p.identity["rows"]
    best = max(rows, key=lambda r: r["yield"])
    worst = min(rows, key=lambda r: r["yield"])
    assert best["catalyst"] in p.answer and f"{best['yield']}%" in p.answer
    assert f"{best['yield'] - worst['yield']} percentage points" in p.answer
    own = (f"The best catalyst was {best['catalyst']}, giving {best['yield']}% of product. The worst was "
           f"{worst['catalyst']} with {worst['yield']}%, a difference of {best['yield'] - worst['yield']} points.")
    assert task.check(own, p.identity) == 1.0
    swapped = own.replace(best["catalyst"], "@@").replace(worst["catalyst"], best["catalyst"]).replace(
        "@@", worst["catalyst"])
    assert task.check(swapped, p.identity) < 1.0


def test_enzyme_inhibition_type_is_not_fooled_by_substrings() -> None:
    task = bootcamp.REGISTRY.get("open/enzyme_inhibition")
    for seed in range(40):
        p = task.problem(seed, with_answer=True)
        if "is competitive" in p.answer:
            wrong = p.answer.replace("is competitive", "is non-competitive")
            assert task.check(wrong, p.identity) < 1.0
            return
    pytest.fail("no competitive case in 40 seeds")


def test_seeds_give_different_problems() -> None:
    for task_id in OPEN_IDS:
        task = bootcamp.REGISTRY.get(task_id)
        refs = {task.problem(s, with_answer=True).answer for s in range(10)}
        assert len(refs) >= 5, task_id


def test_router_combines_rule_and_similarity() -> None:
    router_mod = pytest.importorskip("rewards.router")

    class StubSimilarity:
        def score(self, answers: list[str], references: list[str]) -> list[float]:
            return [1.0 if a.strip() == r.strip() else 0.2 for a, r in zip(answers, references, strict=True)]

    task, p = _problem("open/trial_result", 0)
    wrong = task.perturb(p.answer, p.identity)[0]
    rule = task.check(wrong, p.identity)
    router = router_mod.Router(backends={"similarity": StubSimilarity()})
    good_v, wrong_v = router.score([(p.task, p.identity, task.format_answer(p.answer)),
                                    (p.task, p.identity, task.format_answer(wrong))])
    assert good_v.score == pytest.approx(1.0)
    assert wrong_v.score == pytest.approx(0.5 * rule + 0.5 * 0.2)
    assert {part.kind for part in wrong_v.parts} == {"rule", "similarity"}
