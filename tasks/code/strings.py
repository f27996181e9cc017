"""Code tasks on strings: ciphers, run-length encoding, letter and word counts, wrapping, brackets."""

from __future__ import annotations

import random
import string
from typing import Any

from tasks.code._base import CodeTask, text, word

_LETTERS = string.ascii_letters
_MIXED = string.ascii_letters + "     ,.!?-0123456789"


class CaesarCipher(CodeTask):
    function = "caesar"
    signature = "caesar(text: str) -> str"
    body = '''
def caesar(text):
    out = []
    for ch in text:
        if "a" <= ch <= "z":
            out.append(chr((ord(ch) - 97 + SHIFT) % 26 + 97))
        elif "A" <= ch <= "Z":
            out.append(chr((ord(ch) - 65 + SHIFT) % 26 + 65))
        else:
            out.append(ch)
    return "".join(out)
'''
    bugs = [("% 26 + 97", "+ 97"), ("- 65 + SHIFT", "- 65 - SHIFT")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"SHIFT": rng.randint(1, 25)}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        return [["Hello, World!"], ["xyz XYZ"], [""]] + [[text(rng, self.size(rng, 5, 30), _MIXED)] for _ in range(self.reps(7))]

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"encrypts `text` with a Caesar cipher: every ASCII letter moves {spec['SHIFT']} places forward "
                "in the alphabet, wrapping around from z to a and keeping its case; all other characters are "
                "unchanged.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"SHIFT": spec["SHIFT"] % 25 + 1}, {"SHIFT": 26 - spec["SHIFT"]}]


class Vigenere(CodeTask):
    function = "vigenere"
    signature = "vigenere(text: str) -> str"
    body = '''
def vigenere(text):
    out, j = [], 0
    for ch in text:
        if ch.isascii() and ch.isalpha():
            base = 65 if ch.isupper() else 97
            shift = ord(KEY[j % len(KEY)]) - 97
            out.append(chr((ord(ch) - base + shift) % 26 + base))
            j += 1
        else:
            out.append(ch)
    return "".join(out)
'''
    bugs = [("j += 1", "j += 2"), ("KEY[j % len(KEY)]", "KEY[0]")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"KEY": text(rng, rng.randint(3, 6), string.ascii_lowercase[1:])}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        return [["attack at dawn"], ["Zebra-Crossing!"]] + [[text(rng, self.size(rng, 8, 30), _MIXED)] for _ in range(self.reps(8))]

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"encrypts `text` with the Vigenère cipher and the key {spec['KEY']!r}: the i-th ASCII letter of "
                "`text` (counting letters only, from 0) moves forward in the alphabet by the position (a=0, b=1, ...) "
                "of key letter i mod len(key), wrapping around and keeping its case; other characters are "
                "unchanged and do not advance the key.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"KEY": spec["KEY"][::-1]}, {"KEY": spec["KEY"][1:] + spec["KEY"][0]}]


class RunLength(CodeTask):
    function = "rle"
    signature = "rle(s: str) -> str"
    body = '''
def rle(s):
    out = []
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        n = j - i
        count = "" if OMIT_ONES and n == 1 else str(n)
        out.append(count + s[i] if COUNT_FIRST else s[i] + count)
        i = j
    return SEP.join(out)
'''
    bugs = [("n = j - i", "n = j - i + 1"), ("return SEP.join(out)", "return SEP.join(out) + SEP")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"COUNT_FIRST": rng.random() < 0.5, "OMIT_ONES": rng.random() < 0.5,
                "SEP": rng.choice(["", "", "-", ",", " ", "|", ";", ".", "/"])}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [["aaabccdddd"], ["x"], [""], ["abc"]]
        for _ in range(self.reps(7)):
            runs = self.size(rng, 2, 8)
            out.append(["".join(rng.choice("abcXY") * rng.choice([1, 1, 2, 3, 5, 12]) for _ in range(runs))])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        order = "the run length followed by the character" if spec["COUNT_FIRST"] else "the character followed by the run length"
        ones = ", except that a run of length 1 is written as the bare character" if spec["OMIT_ONES"] else ""
        sep = f"joined by {spec['SEP']!r}" if spec["SEP"] else "concatenated with no separator"
        return (f"run-length encodes `s` (which contains letters only): each maximal run of one repeated character "
                f"becomes {order} in decimal{ones}; the encoded runs are {sep}.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "COUNT_FIRST": not spec["COUNT_FIRST"]}, {**spec, "OMIT_ONES": not spec["OMIT_ONES"]},
                {**spec, "SEP": "" if spec["SEP"] else ","}]


class TopChars(CodeTask):
    function = "top_chars"
    signature = "top_chars(s: str) -> list[str]"
    body = '''
def top_chars(s):
    counts = {}
    for ch in s:
        if ch.isascii() and ch.isalpha():
            ch = ch.lower()
            counts[ch] = counts.get(ch, 0) + 1
    ranked = sorted(counts, key=lambda c: (-counts[c], -ord(c) if TIE_LATER else ord(c)))
    return [c.upper() if UPPER else c for c in ranked[:K]]
'''
    bugs = [("(-counts[c], -ord(c)", "(counts[c], -ord(c)"), ("ch = ch.lower()", "pass")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"K": rng.randint(1, 6), "TIE_LATER": rng.random() < 0.5, "UPPER": rng.random() < 0.5}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [["Mississippi River"], ["ab"], [""]]
        for _ in range(self.reps(8)):
            alpha = rng.sample("abcdefghijABCDEFGHIJ", rng.randint(4, 12))
            out.append([text(rng, self.size(rng, 8, 40), "".join(alpha) + " ,.1")])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        tie = "reverse alphabetically (z before a)" if spec["TIE_LATER"] else "alphabetically (a before z)"
        case = "uppercase" if spec["UPPER"] else "lowercase"
        return (f"returns the {spec['K']} most frequent ASCII letters of `s`, counted case-insensitively and "
                f"returned in {case}, ignoring every other character; most frequent first, ties broken "
                f"{tie}; fewer than {spec['K']} when `s` has fewer distinct letters.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "TIE_LATER": not spec["TIE_LATER"]}, {**spec, "K": spec["K"] + 1}]


class WordFrequency(CodeTask):
    function = "word_freq"
    signature = "word_freq(text: str) -> dict[str, int]"
    body = '''
import re

def word_freq(text):
    freq = {}
    for w in re.findall(r"[a-z]+", text.lower()):
        if MIN_LEN <= len(w) <= MAX_LEN:
            freq[w] = freq.get(w, 0) + 1
    return freq
'''
    bugs = [("MIN_LEN <= len(w)", "MIN_LEN < len(w)"), ("text.lower()", "text")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        lo = rng.randint(2, 5)
        return {"MIN_LEN": lo, "MAX_LEN": lo + rng.randint(1, 5)}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [["The cat and the hat; THE end."], [""]]
        for _ in range(self.reps(8)):
            pool = [word(rng, 1, 4) for _ in range(6)] + ["a", "an", "to", "the", "is"]
            words = [rng.choice(pool) for _ in range(self.size(rng, 4, 20))]
            words = [w.capitalize() if rng.random() < 0.3 else w for w in words]
            out.append(["".join(w + rng.choice([" ", " ", ", ", ". ", "-", "!  "]) for w in words)])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"returns a dict mapping every word of {spec['MIN_LEN']} to {spec['MAX_LEN']} letters (inclusive) "
                "in `text` to its number "
                "of occurrences. Words are maximal runs of ASCII letters, compared case-insensitively; the keys "
                "are lowercase. `text` is ASCII.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "MIN_LEN": spec["MIN_LEN"] + 1}, {**spec, "MAX_LEN": spec["MAX_LEN"] - 1},
                {**spec, "MIN_LEN": spec["MIN_LEN"] - 1}]


class AnagramGroups(CodeTask):
    function = "anagram_groups"
    signature = "anagram_groups(words: list[str]) -> list[list[str]]"
    body = '''
def anagram_groups(words):
    groups = {}
    for w in words:
        groups.setdefault("".join(sorted(w)), []).append(w)
    out = [sorted(g, reverse=WORDS_DESC) for g in groups.values() if len(g) >= MIN_SIZE]
    out.sort(key=lambda g: min(g), reverse=TIE_DESC)
    return sorted(out, key=lambda g: len(g) if SMALL_FIRST else -len(g))
'''
    bugs = [("len(g) if SMALL_FIRST else -len(g)", "-len(g) if SMALL_FIRST else len(g)"),
            ("[sorted(g, reverse=WORDS_DESC) for g", "[g for g")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"MIN_SIZE": rng.randint(1, 3), "SMALL_FIRST": rng.random() < 0.5, "WORDS_DESC": rng.random() < 0.5,
                "TIE_DESC": rng.random() < 0.5}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[["listen", "silent", "enlist", "google", "banana"]], [[]]]
        for _ in range(self.reps(8)):
            words: list[str] = []
            for _ in range(self.size(rng, 2, 6)):
                base = list(text(rng, rng.randint(3, 5), "abcdeor"))
                for _ in range(rng.choice([1, 2, 3, 4, 5])):
                    rng.shuffle(base)
                    w = "".join(base)
                    if w not in words:
                        words.append(w)
            rng.shuffle(words)
            out.append([words])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        order = "in reverse alphabetical order" if spec["WORDS_DESC"] else "alphabetically"
        size = "smallest first" if spec["SMALL_FIRST"] else "largest first"
        return ("groups the distinct lowercase `words` into sets of anagrams of each other and returns only the "
                f"groups with at least {spec['MIN_SIZE']} word(s): each group sorted {order}, the groups "
                f"ordered by size ({size}), then groups of equal size by their alphabetically smallest word "
                f"({'reverse alphabetical' if spec['TIE_DESC'] else 'alphabetical'} order of those words).")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "WORDS_DESC": not spec["WORDS_DESC"]}, {**spec, "MIN_SIZE": spec["MIN_SIZE"] + 1},
                {**spec, "SMALL_FIRST": not spec["SMALL_FIRST"]}]


_STYLES = {
    "camel": "camelCase (first word lowercase, later words capitalised, no separators), e.g. 'get_http_code' -> 'getHttpCode'",
    "pascal": "PascalCase (every word capitalised, no separators), e.g. 'get_http_code' -> 'GetHttpCode'",
    "kebab": "kebab-case (lowercase words joined by '-'), e.g. 'get_http_code' -> 'get-http-code'",
    "constant": "CONSTANT_CASE (uppercase words joined by '_'), e.g. 'get_http_code' -> 'GET_HTTP_CODE'",
}


class CaseConvert(CodeTask):
    function = "convert"
    signature = "convert(name: str) -> str"
    body = '''
def convert(name):
    words = [w for w in name.split(SEP) if w]
    if STYLE == "camel":
        return "".join(w if i == 0 else w.capitalize() for i, w in enumerate(words))
    if STYLE == "pascal":
        return "".join(w.capitalize() for w in words)
    if STYLE == "kebab":
        return "-".join(words)
    return "_".join(w.upper() for w in words)
'''
    bugs = [("[w for w in name.split(SEP) if w]", "name.split(SEP)")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"STYLE": rng.choice(sorted(_STYLES)), "SEP": rng.choice(["_", "_", ".", "/", ":", " ", "+"])}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        sep = spec["SEP"]
        out = [[f"parse{sep}http{sep}response"], [f"{sep}private{sep}{sep}name{sep}"], ["x"]]
        for _ in range(self.reps(7)):
            words = [word(rng, 1, 2) + (str(rng.randint(0, 9)) if rng.random() < 0.2 else "")
                     for _ in range(self.size(rng, 1, 4))]
            gap = sep * 2 if rng.random() < 0.2 else sep
            out.append([(sep if rng.random() < 0.2 else "") + gap.join(words)])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"converts an identifier whose words are separated by {spec['SEP']!r} (lowercase ASCII letters and "
                f"digits; words separated by one or more {spec['SEP']!r}; empty words are ignored) to "
                f"{_STYLES[spec['STYLE']]} (the example uses '_' as the input separator). Capitalising a word means "
                "uppercasing its first character and lowercasing the rest.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "STYLE": s} for s in sorted(_STYLES) if s != spec["STYLE"]][:2]


class WordWrap(CodeTask):
    function = "wrap"
    signature = "wrap(text: str) -> list[str]"
    body = '''
def wrap(text):
    lines, cur = [], ""
    for w in text.split():
        if cur and len(cur) + 1 + len(w) <= WIDTH:
            cur += " " + w
        else:
            if cur:
                lines.append(cur)
            cur = w
    if cur:
        lines.append(cur)
    return lines
'''
    bugs = [("<= WIDTH", "< WIDTH")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"WIDTH": rng.randint(8, 30)}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [["the quick brown fox jumps over the lazy dog"], [""], ["   "]]
        for _ in range(self.reps(7)):
            words = [word(rng, 1, 4) for _ in range(self.size(rng, 3, 16))]
            out.append([" ".join(words) if rng.random() < 0.6 else "  ".join(words) + " \n"])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"wraps `text` greedily into lines of at most {spec['WIDTH']} characters: words are separated by "
                "any whitespace; each line holds as many of the next words as fit, joined by single spaces; a word "
                f"longer than {spec['WIDTH']} characters goes on a line of its own. Returns the lines (no empty lines).")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"WIDTH": spec["WIDTH"] + 1}, {"WIDTH": spec["WIDTH"] - 1}]


_PAIRS = ("()", "[]", "{}", "<>", "«»")


class BalancedBrackets(CodeTask):
    function = "balanced"
    signature = "balanced(s: str) -> bool"
    body = '''
def balanced(s):
    closers = {PAIRS[i + 1]: PAIRS[i] for i in range(0, len(PAIRS), 2)}
    stack = []
    for ch in s:
        if ch in PAIRS[::2]:
            stack.append(ch)
        elif ch in closers:
            if not stack or stack.pop() != closers[ch]:
                return False
    return not stack
'''
    bugs = [("return not stack", "return True"), ("stack.pop() != closers[ch]", "stack.pop() is None")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"PAIRS": "".join(sorted(rng.sample(_PAIRS, rng.randint(2, 3))))}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        pairs = [spec["PAIRS"][i : i + 2] for i in range(0, len(spec["PAIRS"]), 2)]
        others = "".join(p for p in _PAIRS if p not in pairs)
        p, q = pairs[0], pairs[1]
        out = [[""], [p[1] + p[0]], [p[0] + q[0] + p[1] + q[1]], [p[0] + p[0] + p[1]], [q[0] + q[1] + others[:2]]]
        for k in range(self.reps(8)):
            s: list[str] = []
            for _ in range(self.size(rng, 2, 8)):  # a balanced string, built by nesting and concatenating
                p = rng.choice(pairs)
                inner = "".join(s) if rng.random() < 0.5 else ""
                s = [p[0] + inner + p[1]] + ([] if inner else s)
            chars = list("".join(s))
            for _ in range(rng.randint(0, 3)):
                chars.insert(rng.randint(0, len(chars)), rng.choice(others + "ab "))
            if k % 2:  # break it: swap, drop or mismatch one bracket
                i = rng.randrange(len(chars))
                fix = rng.choice(["drop", "swap", "other"])
                if fix == "drop":
                    del chars[i]
                elif fix == "swap" and i + 1 < len(chars):
                    chars[i], chars[i + 1] = chars[i + 1], chars[i]
                else:
                    chars.insert(i, rng.choice(spec["PAIRS"]))
            out.append(["".join(chars)])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        shown = " ".join(spec["PAIRS"][i : i + 2] for i in range(0, len(spec["PAIRS"]), 2))
        return (f"returns True when the brackets {shown} in `s` are balanced and properly nested (every opener is "
                "closed by its own kind in the right order), else False. Every other character, including "
                "other kinds of brackets, is ignored.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"PAIRS": spec["PAIRS"] + p} for p in _PAIRS if p not in spec["PAIRS"]][:2]


def register(registry: Any) -> None:
    registry.register(CaesarCipher, "code/caesar_cipher", {}, "Write a Caesar-cipher function for a seed-chosen shift.")
    registry.register(Vigenere, "code/vigenere_cipher", {}, "Write a Vigenère-cipher function for a seed-chosen key.")
    registry.register(RunLength, "code/run_length_encode", {}, "Write a run-length encoder in a seed-chosen format.")
    registry.register(TopChars, "code/top_letters", {}, "Write a function returning the k most frequent letters.")
    registry.register(WordFrequency, "code/word_frequency", {}, "Write a word-frequency counter with a minimum word length.")
    registry.register(AnagramGroups, "code/anagram_groups", {}, "Write a function grouping anagrams, with a minimum group size.")
    registry.register(CaseConvert, "code/case_convert", {}, "Write a snake_case to camel/Pascal/kebab/CONSTANT case converter.")
    registry.register(WordWrap, "code/word_wrap", {}, "Write a greedy word-wrap function for a seed-chosen width.")
    registry.register(BalancedBrackets, "code/balanced_brackets", {}, "Write a bracket-balance checker for a seed-chosen bracket set.")
