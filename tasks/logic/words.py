"""Word puzzles: word ladders and words from letter piles over the shipped list, anagram counting."""

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
    levels = ({"min_steps": 2, "max_steps": 3}, {"min_steps": 3, "max_steps": 4}, {"min_steps": 3, "max_steps": 6},
              {"min_steps": 6, "max_steps": 8}, {"min_steps": 8, "max_steps": 11})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Letter changes of the shortest ladder."""
        return float(identity["steps"])

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


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
#: Letters drawn as extras and in made-up strings, weighted roughly by English frequency.
_COMMON = "eeeeeeaaaaarrrriiiiooootttnnnnssssllllcccuuuddpppmmhhggbbffyywkvxzjq"


class Anagram(Task):
    """Form a listed word of a given length from a pile of letters (a word's letters plus extra ones).

    With no extras this is unscrambling; each extra letter widens the search (and the problem space: the
    shipped word list alone holds only 126 anagram groups).
    """

    version = 3

    description = "Form a word from a pile of letters (the shipped word list)."
    default_params: dict[str, Any] = {"long_words": True, "extra": 2}
    levels = ({"long_words": False, "extra": 1}, {"long_words": False, "extra": 3}, {"long_words": True, "extra": 2},
              {"long_words": True, "extra": 4}, {"long_words": True, "extra": 6})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Letters in the pile."""
        return float(len(identity["letters"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        word = rng.choice(WORDS_LONG if self.params["long_words"] else WORDS4)
        letters = list(word) + [rng.choice(_COMMON) for _ in range(self.params["extra"])]
        rng.shuffle(letters)
        return {"letters": "".join(letters), "length": len(word), "word": word}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Using each of the letters {' '.join(identity['letters'].upper())} at most once, form a common "
                f"English word of exactly {identity['length']} letters. Accepted words are those of the checker's "
                "common-word list. Put the word in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        words = _words_of(answer)
        if words is None or len(words) != 1:
            return invalid("expected one word")
        w = words[0]
        pile = identity["letters"]
        ok = len(w) == identity["length"] and w in _WORDSET and all(w.count(ch) <= pile.count(ch) for ch in set(w))
        return 1.0 if ok else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return identity["word"].upper()

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        w = answer.lower()
        spare = next(ch for ch in _LETTERS if ch not in identity["letters"])
        return [w[:-1].upper(), (spare + w[1:]).upper(), (w + w[0]).upper()]


def _near_miss(word: str, rng: random.Random) -> str:
    """A string that is not an anagram of ``word``: one letter replaced, or one letter doubled for another."""
    letters = list(word)
    i = rng.randrange(len(letters))
    if rng.random() < 0.5:
        letters[i] = rng.choice([ch for ch in _LETTERS if ch != letters[i]])
    else:
        j = rng.choice([k for k in range(len(letters)) if letters[k] != letters[i]] or [i])
        letters[j] = letters[i]
    rng.shuffle(letters)
    return "".join(letters)


class AnagramCount(IntegerTask):
    """How many strings of a list use exactly the given letters (the count is drawn first)."""

    version = 3

    description = "Count the anagrams of a letter set in a list of strings."
    default_params: dict[str, Any] = {"length": 6, "list_size": 12}
    levels = ({"length": 4, "list_size": 8}, {"length": 5, "list_size": 10}, {"length": 6, "list_size": 12},
              {"length": 7, "list_size": 16}, {"length": 8, "list_size": 20})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Letters to compare: the list's strings times their length."""
        return float(len(identity["pool"]) * len(identity["letters"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n, size = self.params["length"], self.params["list_size"]
        key = sorted(rng.choice(_COMMON) for _ in range(n))
        # The count first, uniform: a word list's own anagram groups made one count answer a quarter of them.
        count = rng.randint(0, size // 2)
        pool: set[str] = set()
        while len(pool) < count:
            pool.add("".join(rng.sample(key, n)))
        while len(pool) < size:
            miss = _near_miss("".join(key), rng)
            if sorted(miss) != key:
                pool.add(miss)
        items = sorted(pool)
        rng.shuffle(items)
        return {"letters": "".join(rng.sample(key, n)), "pool": items}

    def value(self, identity: dict[str, Any]) -> int:
        return sum(sorted(w) == sorted(identity["letters"]) for w in identity["pool"])

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"How many of these letter strings use exactly the letters {identity['letters'].upper()} (each "
                f"letter as many times as it appears there, no other letters): {', '.join(identity['pool'])}? "
                f"{INT_HINT}")


def register(registry: Any) -> None:
    registry.register(WordLadder, "logic/word_ladder", {}, "Word ladder in the fewest steps over a shipped word list.")
    registry.register(Anagram, "logic/anagram", {}, "Form a word of a given length from a pile of letters.")
    registry.register(AnagramCount, "logic/anagram_count", {}, "Count anagrams of a letter set in a list of strings.")
