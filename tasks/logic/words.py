"""Word puzzles over the shipped word list: word ladders and anagrams (any valid answer scores)."""

from __future__ import annotations

import random
import re
from collections import deque
from typing import Any

from bootcamp import Score, Task, invalid
from bootcamp.answers import IntegerTask, unwrap
from tasks.logic._common import INT_HINT, too_long
from tasks.logic._words import ALL_WORDS, WORDS4, WORDS_LONG

_WORDSET = set(ALL_WORDS)
_BUCKETS: dict[str, list[str]] = {}
for _w in WORDS4:
    for _i in range(4):
        _BUCKETS.setdefault(_w[:_i] + "_" + _w[_i + 1:], []).append(_w)


def neighbours(word: str) -> list[str]:
    """Four-letter words of the list one letter away from ``word``."""
    return [w for i in range(len(word)) for w in _BUCKETS.get(word[:i] + "_" + word[i + 1:], []) if w != word]


def ladder(start: str, goal: str) -> list[str] | None:
    prev: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        w = queue.popleft()
        if w == goal:
            out = [w]
            while prev[out[-1]] is not None:
                out.append(prev[out[-1]])  # type: ignore[arg-type]
            return out[::-1]
        for v in neighbours(w):
            if v not in prev:
                prev[v] = w
                queue.append(v)
    return None


def _words_of(answer: str) -> list[str] | None:
    if too_long(answer, 500):
        return None
    words = re.findall(r"[A-Za-z]+", unwrap(answer).replace("->", " "))
    return [w.lower() for w in words] or None


class WordLadder(Task):
    """Change one letter at a time, every step a listed word, in the fewest steps."""

    version = 2

    description = "Word ladder over the shipped word list."
    default_params: dict[str, Any] = {"min_steps": 3, "max_steps": 6}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            start = rng.choice(WORDS4)
            dist = {start: 0}
            queue = deque([start])
            while queue:
                w = queue.popleft()
                if dist[w] >= self.params["max_steps"]:
                    continue
                for v in neighbours(w):
                    if v not in dist:
                        dist[v] = dist[w] + 1
                        queue.append(v)
            far = sorted(w for w, d in dist.items() if d >= self.params["min_steps"])
            if far:
                goal = rng.choice(far)
                return {"start": start, "goal": goal, "steps": dist[goal]}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Word ladder: turn {identity['start'].upper()} into {identity['goal'].upper()} by changing one letter "
                f"at a time, every intermediate being a common English word, in exactly {identity['steps']} changes "
                "(the shortest possible). List the words from start to goal, separated by spaces, inside "
                "<answer></answer>. Accepted words are those of the checker's common-word list.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        words = _words_of(answer)
        if words is None:
            return invalid("expected a list of words")
        if words[0] != identity["start"] or words[-1] != identity["goal"] or len(words) != identity["steps"] + 1:
            return Score(0.0)
        for a, b in zip(words, words[1:], strict=False):
            if b not in _WORDSET or len(a) != len(b) or sum(x != y for x, y in zip(a, b, strict=False)) != 1:
                return Score(0.0)
        return 1.0

    def solve(self, identity: dict[str, Any]) -> str:
        return " ".join(w.upper() for w in ladder(identity["start"], identity["goal"]) or [])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        words = answer.split()
        return [" ".join(words[:1] + words[2:]), " ".join(words[:1] + ["XXXX"] + words[2:]), " ".join(words[::-1])]


def _anagram_groups() -> list[list[str]]:
    by_key: dict[str, list[str]] = {}
    for w in ALL_WORDS:
        by_key.setdefault("".join(sorted(w)), []).append(w)
    return [g for _, g in sorted(by_key.items()) if len(g) > 1]


_ANAGRAM_GROUPS = _anagram_groups()


class Anagram(Task):
    """Rearrange the letters into a listed word different from the one shown."""

    version = 2

    description = "Find an anagram from the shipped word list."
    default_params: dict[str, Any] = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        group = rng.choice(_ANAGRAM_GROUPS)
        return {"word": rng.choice(group)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Rearrange all the letters of {identity['word'].upper()} to form a different common English word. "
                "Put the word in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        words = _words_of(answer)
        if words is None or len(words) != 1:
            return invalid("expected one word")
        w = words[0]
        ok = w != identity["word"] and sorted(w) == sorted(identity["word"]) and w in _WORDSET
        return 1.0 if ok else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        key = sorted(identity["word"])
        return next(w for w in ALL_WORDS if sorted(w) == key and w != identity["word"]).upper()

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [identity["word"].upper(), answer[::-1] if answer[::-1].lower() not in _WORDSET else answer + "S"]


class AnagramCount(IntegerTask):
    """How many listed words use exactly the given letters."""

    version = 2

    description = "Count the anagrams of a word among a given list."
    default_params: dict[str, Any] = {"list_size": 12}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        word = rng.choice(WORDS_LONG)
        key = sorted(word)
        pool = [w for w in WORDS_LONG if sorted(w) == key] + rng.sample(WORDS_LONG, self.params["list_size"])
        pool = sorted(set(pool))
        rng.shuffle(pool)
        return {"letters": "".join(rng.sample(word, len(word))), "pool": pool}

    def value(self, identity: dict[str, Any]) -> int:
        return sum(sorted(w) == sorted(identity["letters"]) for w in identity["pool"])

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"How many of these words use exactly the letters {identity['letters'].upper()} (each letter once): "
                f"{', '.join(identity['pool'])}? {INT_HINT}")


def register(registry: Any) -> None:
    registry.register(WordLadder, "logic/word_ladder", {}, "Word ladder in the fewest steps over a shipped word list.")
    registry.register(Anagram, "logic/anagram", {}, "Find a different word with the same letters.")
    registry.register(AnagramCount, "logic/anagram_count", {}, "Count anagrams of a letter set in a word list.")
