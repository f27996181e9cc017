"""Classical ciphers and text encodings, each as an encode id and a decode id."""

from __future__ import annotations

import random
from typing import Any, ClassVar

from bootcamp import Score, Task, invalid
from bootcamp.answers import unwrap
from tasks.logic._cipher_algos import CIPHERS, plaintext
from tasks.logic._common import too_long

# Every character a plaintext or any of the encodings can contain.
_ALLOWED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 /.-=+")


class CipherTask(Task):
    """Encode or decode a short text with a stated cipher and key; compared after normalisation."""

    version = 3

    description = "Encode or decode text with a classical cipher."
    default_params: dict[str, Any] = {"cipher": "caesar", "direction": "encode", "words": 4,
                                      "nospace": False, "case_sensitive": False}
    #: Levels lengthen the text (two words at least, so even a keyless encoding poses many problems).
    levels: ClassVar[tuple[dict[str, Any], ...]] = tuple({"words": w} for w in (2, 3, 4, 6, 8))
    default_level: ClassVar[int | None] = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Letters to encode or decode, times the key's length for keyword ciphers (each letter needs its own
        key letter looked up)."""
        letters = sum(c.isalpha() for c in identity["plain"])
        key = identity["key"]
        return float(letters * (len(key) if isinstance(key, str) and len(key) < 26 else 1))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        _, keygen, _, _ = CIPHERS[self.params["cipher"]]
        return {"plain": plaintext(rng, self.params["words"]), "key": keygen(rng)}

    def _run(self, identity: dict[str, Any]) -> tuple[str, str]:
        """(text shown, expected answer)."""
        fn = CIPHERS[self.params["cipher"]][0]
        cipher = fn(identity["plain"], identity["key"], 1)
        if self.params["direction"] == "encode":
            return identity["plain"], cipher
        return cipher, fn(cipher, identity["key"], -1)

    def prompt(self, identity: dict[str, Any]) -> str:
        how = CIPHERS[self.params["cipher"]][2](identity["key"])
        shown, _ = self._run(identity)
        if self.params["direction"] == "encode":
            return (f"Encode the text \"{shown}\" with the {how}. Keep letters upper case; put the encoded text "
                    "in <answer></answer>.")
        return (f"This text was encoded with the {how}:\n{shown}\nDecode it and put the plaintext (upper case, "
                "exactly as it decodes, including any filler or padding letters) in <answer></answer>.")

    def normalise(self, text: str) -> str:
        text = unwrap(text).strip("\"'`")
        if not self.params["case_sensitive"]:
            text = text.upper()
        text = text.replace("/", " / ")
        if self.params["nospace"]:
            return "".join(text.split())
        return " ".join(text.split())

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if too_long(answer, 3000):
            return invalid("answer too long")
        got = self.normalise(answer)
        if not got or not _ALLOWED.issuperset(got):
            return invalid("unexpected characters")
        return 1.0 if got == self.normalise(self._run(identity)[1]) else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return self._run(identity)[1]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        out = []
        idx = [i for i, c in enumerate(answer) if not c.isspace() and c != "/"]
        for i in (idx[len(idx) // 2], idx[0]):
            c = answer[i]
            if c in ".-":
                repl = "-" if c == "." else "."
            elif c.isdigit():
                repl = str((int(c) + 1) % 10) if c not in "01" or "2" in answer else str(1 - int(c))
            else:
                repl = "B" if c.upper() != "B" else "C"
                repl = repl if c.isupper() else repl.lower()
            out.append(answer[:i] + repl + answer[i + 1:])
        return out


class LongCodeCipherTask(CipherTask):
    """A cipher whose every letter becomes a long code (binary, hex, Morse): shorter texts, from two words."""

    levels: ClassVar[tuple[dict[str, Any], ...]] = tuple({"words": w} for w in (2, 3, 4, 5, 6))
    default_level: ClassVar[int | None] = 1


def register(registry: Any) -> None:
    for name, (_, _, _, keeps_spaces) in CIPHERS.items():
        long_code = name in ("binary", "hex", "morse")
        words = 2 if long_code else 4
        for direction in ("encode", "decode"):
            nospace = not keeps_spaces or (direction == "encode" and name in ("binary", "hex", "base64"))
            params = {"cipher": name, "direction": direction, "words": words, "nospace": nospace,
                      "case_sensitive": direction == "encode" and name == "base64"}
            registry.register(LongCodeCipherTask if long_code else CipherTask, f"logic/{name}_{direction}", params,
                              f"{direction.capitalize()} text with the {name.replace('_', ' ')} cipher.")
