"""Bit manipulation, number bases and Roman numerals."""

from __future__ import annotations

import random
from typing import Any

from bootcamp.answers import Answer, Text
from tasks.logic._common import Op, TableTask, pick, register_table

_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def to_base(n: int, b: int) -> str:
    out = ""
    while True:
        n, d = divmod(n, b)
        out = _DIGITS[d] + out
        if n == 0:
            return out


def to_roman(n: int) -> str:
    out = ""
    for v, s in _ROMAN:
        while n >= v:
            out, n = out + s, n - v
    return out


def gray(n: int) -> int:
    return n ^ (n >> 1)


def gray_decode(g: int) -> int:
    n = 0
    while g:
        n, g = n ^ g, g >> 1
    return n


def _bits_cx(identity: dict[str, Any]) -> float:
    """Binary digits of the problem's integers (bit patterns count one per character)."""
    total = 0
    for k, v in identity.items():
        if k == "level":
            continue
        for x in v if isinstance(v, list) else [v]:
            if isinstance(x, str):
                total += len(x)
            elif isinstance(x, int) and not isinstance(x, bool):
                total += max(abs(x).bit_length(), 1)
    return float(total)


def _ab(rng: random.Random, s: int) -> dict[str, Any]:
    w = pick(s, (12, 14, 16, 24, 32))
    return {"a": rng.randrange(1, 1 << w), "b": rng.randrange(1, 1 << w)}


def _nk(rng: random.Random, s: int) -> dict[str, Any]:
    w = pick(s, (14, 17, 20, 28, 40))
    return {"n": rng.randrange(1, 1 << w), "k": rng.randrange(w)}


def _n(*widths: int) -> Any:
    """A generator of one integer of up to ``widths[scale - 1]`` bits."""
    return lambda rng, s: {"n": rng.randrange(1, 1 << pick(s, widths))}


_W24 = (16, 20, 24, 32, 40)
_W32 = (16, 24, 32, 40, 48)


def _b(n: int, w: int = 0) -> str:
    return format(n, f"0{w}b") if w else bin(n)[2:]


def _bytes(rng: random.Random, s: int) -> dict[str, Any]:
    return {"v": [rng.randrange(1, 256) for _ in range(pick(s, (2, 3, 4, 5, 6)))], "k": rng.randint(1, 7)}


def _rotl8(n: int, k: int) -> int:
    return ((n << k) | (n >> (8 - k))) & 255


def _leading(rng: random.Random, s: int) -> dict[str, Any]:
    # the bit length is drawn first, so every count of leading zeros is about as likely
    length = rng.randint(16, pick(s, (22, 25, 28, 31, 32)))
    return {"n": rng.randrange(1 << (length - 1), 1 << length)}


def _width(s: int) -> int:
    return pick(s, (16, 20, 24, 28, 32))


def _power_sum(rng: random.Random, s: int) -> dict[str, Any]:
    """x + y with the label drawn first: half the sums are powers of two, half miss one by a little or a lot."""
    k = rng.randint(14, pick(s, (16, 20, 24, 30, 40)))
    total = 1 << k
    if rng.random() < 0.5:  # not a power of two: off by one or two (the tempting cases) or by more
        total += rng.choice([-1, 1]) * rng.choice([1, 2, rng.randrange(1, total // 2)])
    x = rng.randrange(1, total)
    return {"a": x, "b": total - x}


def _trailing(rng: random.Random, s: int) -> dict[str, Any]:
    return {"n": rng.randrange(1, 1 << pick(s, (12, 12, 12, 16, 20))) << rng.randrange(pick(s, (6, 10, 16, 24, 32)))}


def _roman_cx(identity: dict[str, Any]) -> float:
    """Roman numeral characters of the problem's numbers."""
    return float(sum(len(to_roman(v)) for v in identity["v"]))


_TABLE = {
    "popcount": Op(_n(16, 24, 32, 48, 64), lambda i: f"How many 1 bits are in the binary representation of {i['n']}?",
                   lambda i: bin(i["n"]).count("1"), "int", "Count set bits."),
    "bitwise_and": Op(_ab, lambda i: f"Compute {i['a']} AND {i['b']} (bitwise).", lambda i: i["a"] & i["b"], "int",
                      "Bitwise AND of two integers."),
    "bitwise_or": Op(_ab, lambda i: f"Compute {i['a']} OR {i['b']} (bitwise).", lambda i: i["a"] | i["b"], "int",
                     "Bitwise OR of two integers."),
    "bitwise_xor": Op(_ab, lambda i: f"Compute {i['a']} XOR {i['b']} (bitwise).", lambda i: i["a"] ^ i["b"], "int",
                      "Bitwise XOR of two integers."),
    "hamming_distance": Op(_ab, lambda i: f"What is the Hamming distance between the binary representations of "
                           f"{i['a']} and {i['b']}?", lambda i: bin(i["a"] ^ i["b"]).count("1"), "int",
                           "Hamming distance of two integers."),
    "shift_left": Op(lambda r, s: {"n": r.randrange(1, 1 << pick(s, (14, 15, 16, 24, 32))),
                                   "k": r.randint(1, pick(s, (8, 10, 12, 16, 24)))},
                     lambda i: f"Compute {i['n']} << {i['k']}.", lambda i: i["n"] << i["k"], "int", "Left shift."),
    "shift_right": Op(lambda r, s: {"n": r.randrange(1, 1 << pick(s, (16, 20, 24, 32, 48))),
                                    "k": r.randint(1, pick(s, (6, 9, 12, 16, 24)))},
                      lambda i: f"Compute {i['n']} >> {i['k']} (logical shift of a non-negative integer).",
                      lambda i: i["n"] >> i["k"], "int", "Right shift."),
    "set_bit": Op(_nk, lambda i: f"Set bit {i['k']} (bit 0 = least significant) of {i['n']}. What is the result?",
                  lambda i: i["n"] | (1 << i["k"]), "int", "Set one bit."),
    "clear_bit": Op(_nk, lambda i: f"Clear bit {i['k']} (bit 0 = least significant) of {i['n']}. What is the result?",
                    lambda i: i["n"] & ~(1 << i["k"]), "int", "Clear one bit."),
    "toggle_bit": Op(_nk, lambda i: f"Flip bit {i['k']} (bit 0 = least significant) of {i['n']}. What is the result?",
                     lambda i: i["n"] ^ (1 << i["k"]), "int", "Toggle one bit."),
    "trailing_zeros": Op(_trailing, lambda i: f"How many trailing zero bits does {i['n']} have in binary?",
                         lambda i: (i["n"] & -i["n"]).bit_length() - 1, "int", "Count trailing zero bits."),
    "leading_zeros32": Op(_leading, lambda i: f"How many leading zero bits does {i['n']} have as a 32-bit unsigned "
                          "integer?", lambda i: 32 - i["n"].bit_length(), "int", "Count leading zeros in 32 bits."),
    "bit_reverse8": Op(_bytes, lambda i: f"Reverse the order of the 8 bits of each of the unsigned bytes "
                       f"{', '.join(map(str, i['v']))}. What integers result (in the same order)?",
                       lambda i: [int(_b(v, 8)[::-1], 2) for v in i["v"]], "ints", "Reverse the bits of bytes."),
    "rotate_left8": Op(_bytes, lambda i: f"Rotate each of the 8-bit values {', '.join(map(str, i['v']))} left by "
                       f"{i['k']} bits. What integers result (in the same order)?",
                       lambda i: [_rotl8(v, i["k"]) for v in i["v"]], "ints", "Rotate bytes."),
    "twos_complement_value": Op(lambda r, s: {"s": "1" + _b(r.randrange(1 << (_width(s) - 1)), _width(s) - 1)},
                                lambda i: f"The {len(i['s'])}-bit two's complement pattern {i['s']} represents which "
                                "integer?", lambda i: int(i["s"], 2) - (1 << len(i["s"])), "int",
                                "Value of a negative two's complement pattern."),
    "twos_complement_bits": Op(lambda r, s: {"n": -r.randint(1, 1 << (_width(s) - 1)), "w": _width(s)},
                               lambda i: f"Write {i['n']} as a {i['w']}-bit two's complement bit pattern.",
                               lambda i: _b(i["n"] & ((1 << i["w"]) - 1), i["w"]), "text",
                               "Two's complement bits of a negative number."),
    "gray_encode": Op(_n(16, 20, 24, 28, 32), lambda i: f"What is the binary-reflected Gray code of {i['n']}, as an "
                      "integer?", lambda i: gray(i["n"]), "int", "Gray code of an integer."),
    "gray_decode": Op(_n(16, 20, 24, 28, 32), lambda i: f"The binary-reflected Gray code word {_b(i['n'])} (binary) "
                      "encodes which integer?", lambda i: gray_decode(i["n"]), "int", "Decode a Gray code word."),
    "is_power_of_two": Op(_power_sum, lambda i: f"Is {i['a']} + {i['b']} a power of two?",
                          lambda i: (t := i["a"] + i["b"]) & (t - 1) == 0, "yesno", "Is a sum a power of two?"),
    "decimal_to_binary": Op(_n(*_W24), lambda i: f"Write {i['n']} in binary.", lambda i: _b(i["n"]), "radix",
                            "Decimal to binary."),
    "binary_to_decimal": Op(_n(*_W24), lambda i: f"Convert the binary number {_b(i['n'])} to decimal.",
                            lambda i: i["n"], "int", "Binary to decimal."),
    "decimal_to_hex": Op(_n(*_W32), lambda i: f"Write {i['n']} in hexadecimal.", lambda i: to_base(i["n"], 16),
                         "radix", "Decimal to hexadecimal."),
    "hex_to_decimal": Op(_n(*_W32), lambda i: f"Convert the hexadecimal number {to_base(i['n'], 16)} to decimal.",
                         lambda i: i["n"], "int", "Hexadecimal to decimal."),
    "binary_to_hex": Op(_n(*_W32), lambda i: f"Convert the binary number {_b(i['n'])} to hexadecimal.",
                        lambda i: to_base(i["n"], 16), "radix", "Binary to hexadecimal."),
    "decimal_to_octal": Op(_n(*_W24), lambda i: f"Write {i['n']} in octal (base 8).", lambda i: to_base(i["n"], 8),
                           "radix", "Decimal to octal."),
    "decimal_to_base": Op(lambda r, s: {"n": r.randrange(10, pick(s, (20000, 50000, 100000, 10**6, 10**7))),
                                        "b": r.choice([3, 4, 5, 6, 7, 9, 12, 36])},
                          lambda i: f"Write {i['n']} in base {i['b']} (digits 0-9 then A-Z).",
                          lambda i: to_base(i["n"], i["b"]), "radix", "Decimal to another base."),
    "base_to_decimal": Op(lambda r, s: {"n": r.randrange(10, pick(s, (20000, 50000, 100000, 10**6, 10**7))),
                                        "b": r.choice([3, 4, 5, 6, 7, 9, 12, 36])},
                          lambda i: f"Convert {to_base(i['n'], i['b'])} from base {i['b']} (digits 0-9 then A-Z) to "
                          "decimal.", lambda i: i["n"], "int", "Another base to decimal."),
    "roman_to_int": Op(lambda r, s: {"v": [r.randint(1, pick(s, (999, 3999, 3999, 3999, 3999)))
                                           for _ in range(pick(s, (2, 2, 3, 4, 5)))]},
                       lambda i: f"What integers are the Roman numerals {', '.join(to_roman(v) for v in i['v'])} (in "
                       "the same order)?", lambda i: i["v"], "ints", "Roman numerals to integers.", _roman_cx),
}


class BitTask(TableTask):
    """Bit manipulation and base conversion questions picked by ``op``."""

    description = "Bit manipulation and number bases."
    table = _TABLE

    def measure(self, identity: dict[str, Any]) -> float:
        """Binary digits of the problem's operands."""
        return _bits_cx(identity)


_NUMERALS = Text("IVXLCDM,", max_chars=200)


def _roman_terms(rng: random.Random, s: int) -> dict[str, Any]:
    count, hi = pick(s, ((2, 400), (2, 2000), (2, 3999), (3, 3999), (4, 3999)))
    terms: list[int] = []
    for k in range(count):  # each term leaves room for the rest, so the sum stays below 4000
        room = hi - sum(terms) - (count - 1 - k)
        terms.append(rng.randint(1, max(1, room if k == count - 1 else min(room, 2000))))
    return {"v": terms}


class RomanTask(TableTask):
    """Answer with Roman numerals; checked by value, so only canonical numerals of the right values score."""

    description = "Write numbers as Roman numerals."
    table = {
        "int_to_roman": Op(lambda r, s: {"v": [r.randint(1, pick(s, (999, 3999, 3999, 3999, 3999)))
                                               for _ in range(pick(s, (2, 2, 3, 4, 5)))]},
                           lambda i: f"Write {', '.join(map(str, i['v']))} as Roman numerals, in the same order, "
                           "separated by commas.", lambda i: ",".join(to_roman(v) for v in i["v"]), "text",
                           "Integers to Roman numerals.", _roman_cx),
        "roman_addition": Op(_roman_terms,
                             lambda i: f"Compute {' + '.join(to_roman(v) for v in i['v'])} and write the result as a "
                             "Roman numeral.", lambda i: to_roman(sum(i["v"])), "text", "Add Roman numerals.",
                             _roman_cx),
    }

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"{self._op().question(identity)} Use standard subtractive notation; put it in \\boxed{{}}."

    def answer_type(self, identity: dict[str, Any] | None = None) -> Answer:
        return _NUMERALS

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [answer + "I", answer[:-1] if len(answer) > 1 else "II", "IIII" if answer == "IV" else answer + "V"]


def register(registry: Any) -> None:
    register_table(registry, BitTask)
    register_table(registry, RomanTask)
