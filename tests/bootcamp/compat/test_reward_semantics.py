"""Every statement of docs/reward_semantics.md, tested: bootcamp's scores and reasoning-gym's."""

import pytest

from bootcamp import Registry, Task
from bootcamp.extract import MAX_ANSWER_CHARS, MAX_ANSWERS
from bootcamp.task import MAX_RESPONSE_CHARS


class FortyTwo(Task):
    """The answer is 42."""

    id = "math/forty_two"

    def generate(self, rng):
        return {}

    def prompt(self, identity):
        return "What is 6 x 7? Put the answer in \\boxed{}."

    def check(self, answer, identity):
        return 1.0 if answer == "42" else 0.0

    def solve(self, identity):
        return "42"


T = FortyTwo()


def v(response):
    return T.verify(response, {})


@pytest.mark.parametrize(("response", "score", "reason"), [
    ("", 0.0, "no_answer"),  # empty response
    (None, 0.0, "no_answer"),  # not a string
    ("   ", 0.0, "no_answer"),  # whitespace, no final answer
    ("The answer is 42.", 0.0, "no_answer"),  # no \boxed{} / <answer>: nothing is guessed from prose
    ("<think>6 x 7 = 42, so \\boxed{42}", 0.0, "no_answer"),  # think-only: unclosed <think>
    ("<think>\\boxed{42}</think>", 0.0, "no_answer"),  # an answer inside the thinking does not count
    ("<think>x</think>\\boxed{}", 0.0, "no_answer"),  # an empty final answer
    ("<answer>  </answer>", 0.0, "no_answer"),
    ("\\boxed{42}", 1.0, "ok"),
    ("<THINK>hmm</Think> <answer> 42 </answer>", 1.0, "ok"),  # tags are case-insensitive, answers stripped
    ("<think>a</think>\\boxed{41}<think>b</think>\\boxed{42}", 1.0, "ok"),  # the last </think> counts
    ("\\boxed{42} and again <answer>42</answer>", 1.0, "ok"),  # several answers that agree
    ("\\boxed{41} no wait \\boxed{42}", 0.0, "format"),  # several that disagree: hedging, even if the last is right
    ("\\boxed{4 2} \\boxed{4  2}", 0.0, "wrong"),  # agreement ignores whitespace runs; then "4 2" is checked
    ("\\boxed{41}", 0.0, "wrong"),
])
def test_bootcamp_semantics(response, score, reason):
    verdict = v(response)
    assert (verdict.score, verdict.reason) == (score, reason)


def test_caps():
    assert v("\\boxed{42}" * MAX_ANSWERS).correct
    assert v("\\boxed{42}" * (MAX_ANSWERS + 1)).reason == "format"  # more than 16 answers is spam
    assert v("\\boxed{" + "4" * (MAX_ANSWER_CHARS + 1) + "}").reason == "format"
    assert v("x" * (MAX_RESPONSE_CHARS + 1)).reason == "too_long"


rg = pytest.importorskip("reasoning_gym")
from reasoning_gym.utils import extract_answer  # noqa: E402

from bootcamp.compat.reasoning_gym import (  # noqa: E402
    ReasoningGymParityTask,
    ReasoningGymTask,
    register_datasets,
)


def _entry(name, seed=1, index=3, size=100):
    ds = rg.create_dataset(name, size=size, seed=seed)
    return ds, ds[index], {"dataset": name, "seed": seed, "index": index, "size": size}


def test_reasoning_gym_extraction_differs():
    assert extract_answer("") is None
    assert extract_answer("<think>so <answer>42</answer>") == "42"  # thinking is not skipped
    assert extract_answer("<answer>41</answer> no wait <answer>42</answer>") == "42"  # the last one wins
    assert extract_answer("\\boxed{42}") is None  # \boxed{} is not read
    assert extract_answer("<answer></answer>") == ""


def test_reasoning_gym_scores_of_empty_answers_depend_on_the_dataset():
    ds, entry, _ = _entry("basic_arithmetic")  # the base class: None and "" score 0.0
    assert ds.score_answer(None, entry) == 0.0 and ds.score_answer("", entry) == 0.0
    ds, entry, _ = _entry("power_function")  # None scores 0.0, but "" and any wrong answer 0.01
    assert ds.score_answer(None, entry) == 0.0 and ds.score_answer("", entry) == 0.01
    ds, entry, _ = _entry("puzzle24")  # even no answer at all (None) scores 0.01
    assert ds.score_answer(None, entry) == 0.01 and ds.score_answer("", entry) == 0.01
    ds, entry, _ = _entry("sentence_reordering")  # "" scores 0.05, None 0.0
    assert ds.score_answer(None, entry) == 0.0 and ds.score_answer("", entry) == 0.05


def test_reasoning_gym_empty_answer_census():
    """The lists in docs/reward_semantics.md (seed 1, first entry of every dataset with answers)."""
    from reasoning_gym.factory import DATASETS

    empty, none = {}, {}
    for name in sorted(DATASETS):
        try:
            ds = rg.create_dataset(name, size=10, seed=1)
            entry = ds[0]
        except Exception:  # noqa: BLE001 - composite has no default datasets
            continue
        if entry.get("answer") is None:
            continue
        for out, answer in ((empty, ""), (none, None)):
            score = ds.score_answer(answer, entry)
            if score:
                out[name] = score
    assert empty == {**dict.fromkeys(["advanced_geometry", "color_cube_rotation", "countdown", "emoji_mystery",
                                      "fraction_simplification", "power_function", "prime_factorization",
                                      "puzzle24"], 0.01),
                     **dict.fromkeys(["arc_agi", "rearc", "sentence_reordering"], 0.05)}
    assert none == dict.fromkeys(["countdown", "fraction_simplification", "puzzle24"], 0.01)


@pytest.mark.parametrize("name", ["power_function", "basic_arithmetic", "chain_sum"])
def test_parity_task_matches_reasoning_gym_and_the_default_does_not(name):
    ds, entry, ident = _entry(name)
    parity = ReasoningGymParityTask(f"math/rg_{name}", dataset=name)
    ours = ReasoningGymTask(f"math/rg_{name}", dataset=name)
    right = str(entry["answer"])
    responses = ["", "<answer></answer>", f"<think>{right}", f"<think><answer>{right}</answer>",
                 f"<answer>1</answer><answer>{right}</answer>", f"\\boxed{{{right}}}", f"<answer>{right}</answer>",
                 "<answer>-3.5e9</answer>"]
    for response in responses:
        expected = ds.score_answer(extract_answer(response), entry)
        assert parity.verify(response, ident).score == pytest.approx(expected), response
    # bootcamp's default: no answer is 0 (never 0.01); answers in an unclosed <think> do not count
    assert ours.verify("", ident).score == 0.0
    assert ours.verify(f"<think><answer>{right}</answer>", ident).score == 0.0
    assert parity.verify(f"<think><answer>{right}</answer>", ident).correct
    assert parity.verify("", ident).reason == "no_answer"


def test_parity_registration():
    registry = Registry(load_plugins=False)
    register_datasets(["power_function"], registry=registry, checks="fast", parity=True)
    task = registry.get("math/rg_power_function")
    assert isinstance(task, ReasoningGymParityTask)
    p = task.problem(0, with_answer=True)
    assert task.verify("<answer></answer>", p.identity).score == 0.01
