"""Classical ciphers and encodings: key generation, encode, decode (private)."""

from __future__ import annotations

import base64
import random
import string
from typing import Any

from tasks.logic._words import WORDS4, WORDS_LONG

AZ = string.ascii_uppercase
MORSE = dict(zip(AZ, ".- -... -.-. -.. . ..-. --. .... .. .--- -.- .-.. -- -. --- .--. --.- .-. ... - ..- ...- .-- "
                     "-..- -.-- --..".split(), strict=False))
UNMORSE = {v: k for k, v in MORSE.items()}


def plaintext(rng: random.Random, words: int = 4) -> str:
    return " ".join(rng.choice(WORDS4 + WORDS_LONG) for _ in range(words)).upper()


def _shift(ch: str, k: int) -> str:
    return AZ[(AZ.index(ch) + k) % 26] if ch in AZ else ch


def caesar(text: str, key: int, sign: int) -> str:
    return "".join(_shift(c, sign * key) for c in text)


def atbash(text: str, key: Any, sign: int) -> str:
    return "".join(AZ[25 - AZ.index(c)] if c in AZ else c for c in text)


def affine(text: str, key: list[int], sign: int) -> str:
    a, b = key
    if sign > 0:
        return "".join(AZ[(a * AZ.index(c) + b) % 26] if c in AZ else c for c in text)
    inv = pow(a, -1, 26)
    return "".join(AZ[(inv * (AZ.index(c) - b)) % 26] if c in AZ else c for c in text)


def vigenere(text: str, key: str, sign: int) -> str:
    out, i = [], 0
    for c in text:
        if c in AZ:
            out.append(_shift(c, sign * AZ.index(key[i % len(key)])))
            i += 1
        else:
            out.append(c)
    return "".join(out)


def autokey(text: str, key: str, sign: int) -> str:
    stream = list(key)
    out = []
    for c in text:
        if c not in AZ:
            out.append(c)
            continue
        k = AZ.index(stream.pop(0))
        p = _shift(c, sign * k)
        out.append(p)
        stream.append(c if sign > 0 else p)  # the key stream continues with the plaintext
    return "".join(out)


def substitution(text: str, key: str, sign: int) -> str:
    table = str.maketrans(AZ, key) if sign > 0 else str.maketrans(key, AZ)
    return text.translate(table)


def _rail_pattern(n: int, rails: int) -> list[int]:
    pattern, r, step = [], 0, 1
    for _ in range(n):
        pattern.append(r)
        if rails > 1:
            if r == 0:
                step = 1
            elif r == rails - 1:
                step = -1
            r += step
    return pattern


def rail_fence(text: str, rails: int, sign: int) -> str:
    text = text.replace(" ", "")
    order = sorted(range(len(text)), key=lambda i: (_rail_pattern(len(text), rails)[i], i))
    if sign > 0:
        return "".join(text[i] for i in order)
    out = [""] * len(text)
    for ch, i in zip(text, order, strict=False):
        out[i] = ch
    return "".join(out)


def columnar(text: str, key: str, sign: int) -> str:
    text = text.replace(" ", "")
    k = len(key)
    order = sorted(range(k), key=lambda i: (key[i], i))
    if sign > 0:
        text += "X" * (-len(text) % k)
        rows = [text[i:i + k] for i in range(0, len(text), k)]
        return "".join("".join(row[c] for row in rows) for c in order)
    n_rows = len(text) // k
    cols = {c: text[j * n_rows:(j + 1) * n_rows] for j, c in enumerate(order)}
    return "".join(cols[c][r] for r in range(n_rows) for c in range(k))


def _playfair_square(key: str) -> str:
    seen = ""
    for c in key.replace("J", "I") + AZ.replace("J", ""):
        if c not in seen:
            seen += c
    return seen


def playfair_prepare(text: str) -> str:
    t = "".join(c for c in text.replace("J", "I") if c in AZ)
    out, i = "", 0
    while i < len(t):
        a = t[i]
        b = t[i + 1] if i + 1 < len(t) else ""
        filler = "Q" if a == "X" else "X"
        if not b or a == b:
            out += a + filler
            i += 1
        else:
            out += a + b
            i += 2
    return out


def playfair(text: str, key: str, sign: int) -> str:
    sq = _playfair_square(key)
    pos = {c: divmod(i, 5) for i, c in enumerate(sq)}
    t = playfair_prepare(text) if sign > 0 else text.replace(" ", "")
    out = ""
    for i in range(0, len(t), 2):
        (r1, c1), (r2, c2) = pos[t[i]], pos[t[i + 1]]
        if r1 == r2:
            out += sq[r1 * 5 + (c1 + sign) % 5] + sq[r2 * 5 + (c2 + sign) % 5]
        elif c1 == c2:
            out += sq[((r1 + sign) % 5) * 5 + c1] + sq[((r2 + sign) % 5) * 5 + c2]
        else:
            out += sq[r1 * 5 + c2] + sq[r2 * 5 + c1]
    return out


def b64(text: str, key: Any, sign: int) -> str:
    if sign > 0:
        return base64.b64encode(text.lower().encode()).decode()
    return base64.b64decode(text).decode()


def morse(text: str, key: Any, sign: int) -> str:
    if sign > 0:
        return " / ".join(" ".join(MORSE[c] for c in word) for word in text.split())
    return " ".join("".join(UNMORSE[t] for t in word.split()) for word in text.split("/"))


def binary(text: str, key: Any, sign: int) -> str:
    if sign > 0:
        return " ".join(f"{ord(c):08b}" for c in text)
    return "".join(chr(int(t, 2)) for t in text.split())


def hexa(text: str, key: Any, sign: int) -> str:
    if sign > 0:
        return " ".join(f"{ord(c):02X}" for c in text)
    return "".join(chr(int(t, 16)) for t in text.split())


def a1z26(text: str, key: Any, sign: int) -> str:
    if sign > 0:
        return " / ".join("-".join(str(AZ.index(c) + 1) for c in word) for word in text.split())
    return " ".join("".join(AZ[int(t) - 1] for t in word.strip().split("-")) for word in text.split("/"))


def _keyword(rng: random.Random) -> str:
    return rng.choice([w for w in WORDS4 + WORDS_LONG if len(set(w)) == len(w)]).upper()


#: name -> (cipher function, key generator, how the key is stated, whether spaces survive)
CIPHERS: dict[str, tuple[Any, Any, Any, bool]] = {
    "caesar": (caesar, lambda rng: rng.randint(1, 25), lambda k: f"Caesar shift of {k} (A->{AZ[k]})", True),
    "atbash": (atbash, lambda rng: 0, lambda k: "Atbash (A<->Z, B<->Y, ...)", True),
    "affine": (affine, lambda rng: [rng.choice([3, 5, 7, 9, 11, 15, 17, 19, 21, 23, 25]), rng.randint(1, 25)],
               lambda k: f"affine cipher E(x) = ({k[0]}x + {k[1]}) mod 26 with A=0..Z=25", True),
    "vigenere": (vigenere, _keyword, lambda k: f"Vigenere cipher with key {k} (the key advances on letters "
                 "only; spaces are kept)", True),
    "autokey": (autokey, _keyword, lambda k: f"autokey Vigenere cipher with primer {k} (the key stream is the "
                "primer followed by the plaintext letters; spaces are kept and do not advance the key)", True),
    "substitution": (substitution, lambda rng: "".join(rng.sample(AZ, 26)),
                     lambda k: f"substitution cipher mapping ABCDEFGHIJKLMNOPQRSTUVWXYZ to {k}", True),
    "rail_fence": (rail_fence, lambda rng: rng.randint(2, 4), lambda k: f"rail fence cipher with {k} rails "
                   "(spaces removed before enciphering)", False),
    "columnar": (columnar, _keyword, lambda k: f"columnar transposition with key {k} (spaces removed, text "
                 "padded with X to fill the last row, columns read in alphabetical order of the key letters, "
                 "ties left to right)", False),
    "playfair": (playfair, _keyword, lambda k: f"Playfair cipher with key {k} (5x5 square from the key then the "
                 "rest of the alphabet, I/J merged; spaces removed, J->I, a doubled letter in a pair or a lone last "
                 "letter gets filler X, or Q after an X)", False),
    "base64": (b64, lambda rng: 0, lambda k: "Base64 encoding of the lowercase UTF-8 text", True),
    "morse": (morse, lambda rng: 0, lambda k: "Morse code (letters separated by spaces, words by ' / ')", True),
    "binary": (binary, lambda rng: 0, lambda k: "8-bit binary ASCII codes separated by spaces", True),
    "hex": (hexa, lambda rng: 0, lambda k: "hexadecimal ASCII codes separated by spaces", True),
    "a1z26": (a1z26, lambda rng: 0, lambda k: "A1Z26 (A=1..Z=26, letters joined by '-', words separated by "
              "' / ')", True),
}
