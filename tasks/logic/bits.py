"""Bit manipulation, number bases and Roman numerals."""

from __future__ import annotations

import random
from typing import Any

from bootcamp.answers import Answer, Text
from tasks.logic._common import Op, TableTask, register_table

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


def _ab(rng: random.Random) -> dict[str, Any]:
    return {"a": rng.randrange(1, 1 << 16), "b": rng.randrange(1, 1 << 16)}


def _nk(rng: random.Random) -> dict[str, Any]:
    return {"n": rng.randrange(1, 1 << 20), "k": rng.randrange(20)}


def _n(bits: int) -> Any:
    return lambda rng: {"n": rng.randrange(1, 1 << bits)}


def _b(n: int, w: int = 0) -> str:
    return format(n, f"0{w}b") if w else bin(n)[2:]


_TABLE = {
    "popcount": Op(_n(32), lambda i: f"How many 1 bits are in the binary representation of {i['n']}?",
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
    "shift_left": Op(lambda r: {"n": r.randrange(1, 1 << 16), "k": r.randint(1, 12)},
                     lambda i: f"Compute {i['n']} << {i['k']}.", lambda i: i["n"] << i["k"], "int", "Left shift."),
    "shift_right": Op(lambda r: {"n": r.randrange(1, 1 << 24), "k": r.randint(1, 12)},
                      lambda i: f"Compute {i['n']} >> {i['k']} (logical shift of a non-negative integer).",
                      lambda i: i["n"] >> i["k"], "int", "Right shift."),
    "set_bit": Op(_nk, lambda i: f"Set bit {i['k']} (bit 0 = least significant) of {i['n']}. What is the result?",
                  lambda i: i["n"] | (1 << i["k"]), "int", "Set one bit."),
    "clear_bit": Op(_nk, lambda i: f"Clear bit {i['k']} (bit 0 = least significant) of {i['n']}. What is the result?",
                    lambda i: i["n"] & ~(1 << i["k"]), "int", "Clear one bit."),
    "toggle_bit": Op(_nk, lambda i: f"Flip bit {i['k']} (bit 0 = least significant) of {i['n']}. What is the result?",
                     lambda i: i["n"] ^ (1 << i["k"]), "int", "Toggle one bit."),
    "trailing_zeros": Op(lambda r: {"n": r.randrange(1, 1 << 12) << r.randrange(16)},
                         lambda i: f"How many trailing zero bits does {i['n']} have in binary?",
                         lambda i: (i["n"] & -i["n"]).bit_length() - 1, "int", "Count trailing zero bits."),
    "leading_zeros32": Op(_n(31), lambda i: f"How many leading zero bits does {i['n']} have as a 32-bit unsigned integer?",
                          lambda i: 32 - i["n"].bit_length(), "int", "Count leading zeros in 32 bits."),
    "bit_reverse8": Op(_n(8), lambda i: f"Reverse the order of the 8 bits of {i['n']} (as an unsigned byte). "
                       "What integer results?", lambda i: int(_b(i["n"], 8)[::-1], 2), "int", "Reverse a byte's bits."),
    "rotate_left8": Op(lambda r: {"n": r.randrange(1, 256), "k": r.randint(1, 7)},
                       lambda i: f"Rotate the 8-bit value {i['n']} left by {i['k']} bits. What integer results?",
                       lambda i: ((i["n"] << i["k"]) | (i["n"] >> (8 - i["k"]))) & 255, "int", "Rotate a byte."),
    "twos_complement_value": Op(lambda r: {"s": _b(r.randrange(256), 8)},
                                lambda i: f"The 8-bit two's complement pattern {i['s']} represents which integer?",
                                lambda i: int(i["s"], 2) - (256 if i["s"][0] == "1" else 0), "int",
                                "Value of an 8-bit two's complement pattern."),
    "twos_complement_bits": Op(lambda r: {"n": r.randint(-128, -1)},
                               lambda i: f"Write {i['n']} as an 8-bit two's complement bit pattern.",
                               lambda i: _b(i["n"] & 255, 8), "text", "8-bit two's complement of a negative number."),
    "gray_encode": Op(_n(12), lambda i: f"What is the binary-reflected Gray code of {i['n']}, as an integer?",
                      lambda i: gray(i["n"]), "int", "Gray code of an integer."),
    "gray_decode": Op(_n(12), lambda i: f"The binary-reflected Gray code word {_b(i['n'])} (binary) encodes which integer?",
                      lambda i: gray_decode(i["n"]), "int", "Decode a Gray code word."),
    "is_power_of_two": Op(lambda r: {"n": r.choice([1 << r.randrange(40), r.randrange(3, 1 << 20)])},
                          lambda i: f"Is {i['n']} a power of two?", lambda i: i["n"] & (i["n"] - 1) == 0, "yesno",
                          "Is a number a power of two?"),
    "decimal_to_binary": Op(_n(24), lambda i: f"Write {i['n']} in binary.", lambda i: _b(i["n"]), "radix",
                            "Decimal to binary."),
    "binary_to_decimal": Op(_n(24), lambda i: f"Convert the binary number {_b(i['n'])} to decimal.",
                            lambda i: i["n"], "int", "Binary to decimal."),
    "decimal_to_hex": Op(_n(32), lambda i: f"Write {i['n']} in hexadecimal.", lambda i: to_base(i["n"], 16), "radix",
                         "Decimal to hexadecimal."),
    "hex_to_decimal": Op(_n(32), lambda i: f"Convert the hexadecimal number {to_base(i['n'], 16)} to decimal.",
                         lambda i: i["n"], "int", "Hexadecimal to decimal."),
    "binary_to_hex": Op(_n(32), lambda i: f"Convert the binary number {_b(i['n'])} to hexadecimal.",
                        lambda i: to_base(i["n"], 16), "radix", "Binary to hexadecimal."),
    "decimal_to_octal": Op(_n(24), lambda i: f"Write {i['n']} in octal (base 8).", lambda i: to_base(i["n"], 8),
                           "radix", "Decimal to octal."),
    "decimal_to_base": Op(lambda r: {"n": r.randrange(10, 100000), "b": r.choice([3, 4, 5, 6, 7, 9, 12, 36])},
                          lambda i: f"Write {i['n']} in base {i['b']} (digits 0-9 then A-Z).",
                          lambda i: to_base(i["n"], i["b"]), "radix", "Decimal to another base."),
    "base_to_decimal": Op(lambda r: {"n": r.randrange(10, 100000), "b": r.choice([3, 4, 5, 6, 7, 9, 12, 36])},
                          lambda i: f"Convert {to_base(i['n'], i['b'])} from base {i['b']} (digits 0-9 then A-Z) to decimal.",
                          lambda i: i["n"], "int", "Another base to decimal."),
    "roman_to_int": Op(lambda r: {"n": r.randint(1, 3999)},
                       lambda i: f"What integer is the Roman numeral {to_roman(i['n'])}?", lambda i: i["n"], "int",
                       "Roman numeral to integer."),
}


class BitTask(TableTask):
    """Bit manipulation and base conversion questions picked by ``op``."""

    description = "Bit manipulation and number bases."
    table = _TABLE


_NUMERAL = Text("IVXLCDM", max_chars=100)


class RomanTask(TableTask):
    """Answer with a Roman numeral; checked by value, so only a canonical numeral of the right value scores."""

    description = "Write a number as a Roman numeral."
    table = {
        "int_to_roman": Op(lambda r: {"a": r.randint(1, 3999), "b": 0},
                           lambda i: f"Write {i['a']} as a Roman numeral.", lambda i: to_roman(i["a"]), "text",
                           "Integer to Roman numeral."),
        "roman_addition": Op(lambda r: {"a": (a := r.randint(1, 2000)), "b": r.randint(1, 3999 - a)},
                             lambda i: f"Compute {to_roman(i['a'])} + {to_roman(i['b'])} and write the result as a "
                             "Roman numeral.", lambda i: to_roman(i["a"] + i["b"]), "text", "Add two Roman numerals."),
    }

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"{self._op().question(identity)} Use standard subtractive notation; put it in \\boxed{{}}."

    def answer_type(self, identity: dict[str, Any] | None = None) -> Answer:
        return _NUMERAL

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [answer + "I", answer[:-1] if len(answer) > 1 else "II", "IIII" if answer == "IV" else answer + "V"]


def register(registry: Any) -> None:
    register_table(registry, BitTask)
    register_table(registry, RomanTask)
