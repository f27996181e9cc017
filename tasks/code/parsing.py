"""Code tasks on formats: Roman numerals, bases, CSV lines, dates, paths into nested JSON."""

from __future__ import annotations

import random
from typing import Any

from tasks.code._base import CodeTask, word


def _roman(n: int) -> str:
    table = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
             (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for value, sym in table:
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


class RomanToInt(CodeTask):
    function = "roman_to_int"
    signature = "roman_to_int(s: str) -> int"
    body = '''
def roman_to_int(s):
    vals = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for i, ch in enumerate(s):
        v = vals[ch]
        if i + 1 < len(s) and vals[s[i + 1]] > v:
            total -= v
        else:
            total += v
    return total + OFFSET
'''
    bugs = [("total -= v", "total += v"), ("] > v", "] >= v")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"OFFSET": rng.choice([0, 0, -1, 1, 1000])}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        fixed = [1994, 3999, 4, 9, 40, 444]
        return [[_roman(n)] for n in fixed + [rng.randint(1, 3999) for _ in range(6)]]

    def describe(self, spec: dict[str, Any]) -> str:
        off = spec["OFFSET"]
        extra = "" if off == 0 else f", {'plus' if off > 0 else 'minus'} {abs(off)}"
        return ("returns the value of the (valid, uppercase, standard subtractive) Roman numeral `s` "
                f"(1 to 3999){extra}.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"OFFSET": spec["OFFSET"] + 1}]


class IntToRoman(CodeTask):
    function = "to_roman"
    signature = "to_roman(n: int) -> str"
    body = '''
def to_roman(n):
    table = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
             (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    if not SUBTRACTIVE:
        table = [p for p in table if len(p[1]) == 1]
    out = []
    for value, sym in table:
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)
'''
    bugs = [('(900, "CM"), ', ""), ('(5, "V"), ', ""), ("while n >= value", "while n > value")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"SUBTRACTIVE": rng.random() < 0.5}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        return [[n] for n in [4, 9, 14, 1994, 3999, 1000] + [rng.randint(1, 3999) for _ in range(6)]]

    def describe(self, spec: dict[str, Any]) -> str:
        if spec["SUBTRACTIVE"]:
            how = "standard subtractive notation (IV = 4, IX = 9, XL = 40, XC = 90, CD = 400, CM = 900), e.g. 1994 -> 'MCMXCIV'"
        else:
            how = ("purely additive notation (no subtraction: 4 = IIII, 9 = VIIII, 40 = XXXX, 90 = LXXXX, "
                   "400 = CCCC, 900 = DCCCC), e.g. 1994 -> 'MDCCCCLXXXXIIII'")
        return f"returns the Roman numeral of 1 <= n <= 3999 in uppercase, using {how}."

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"SUBTRACTIVE": not spec["SUBTRACTIVE"]}]


class BaseConvert(CodeTask):
    function = "to_base"
    signature = "to_base(n: int) -> str"
    body = '''
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"

def to_base(n):
    if n == 0:
        return "0"
    sign = "-" if n < 0 else ""
    n = abs(n)
    out = []
    while n:
        n, r = divmod(n, BASE)
        out.append(DIGITS[r])
    return sign + "".join(reversed(out))
'''
    bugs = [("reversed(out)", "out"), ('"-" if n < 0 else ""', '""')]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"BASE": rng.choice([b for b in range(2, 37) if b != 10])}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        b = spec["BASE"]
        return [[0], [b], [b - 1], [-b * b - 1]] + [[rng.randint(-10**9, 10**12)] for _ in range(8)]

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"returns the integer `n` written in base {spec['BASE']}, using the digits 0-9 then lowercase a-z, "
                "without leading zeros or prefix; negative numbers get a leading '-'; zero is '0'.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"BASE": b} for b in (spec["BASE"] - 1, spec["BASE"] + 1) if 2 <= b <= 36]


_DELIMS = {",": "a comma ','", ";": "a semicolon ';'", "|": "a vertical bar '|'", "\t": "a tab character '\\t'"}


class CsvLine(CodeTask):
    function = "parse_csv"
    signature = "parse_csv(line: str) -> list[str]"
    body = '''
def parse_csv(line):
    fields, cur, quoted, i = [], [], False, 0
    while i < len(line):
        ch = line[i]
        if quoted:
            if ch == '"':
                if i + 1 < len(line) and line[i + 1] == '"':
                    cur.append('"')
                    i += 1
                else:
                    quoted = False
            else:
                cur.append(ch)
        elif ch == '"':
            quoted = True
        elif ch == DELIM:
            fields.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    fields.append("".join(cur))
    return fields
'''
    bugs = [("                    cur.append('\"')\n", ""), ('    fields.append("".join(cur))\n    return', "    return")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"DELIM": rng.choice(sorted(_DELIMS))}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        d = spec["DELIM"]
        others = "".join(x for x in _DELIMS if x != d)
        out = []
        for _ in range(10):
            fields = []
            for _ in range(rng.randint(1, 5)):
                kind = rng.choice(["plain", "plain", "empty", "delim", "quote", "other"])
                w = word(rng, 1, 2)
                if kind == "empty":
                    fields.append("" if rng.random() < 0.7 else '""')
                elif kind == "delim":
                    fields.append(f'"{w}{d} {w}"')
                elif kind == "quote":
                    fields.append(f'"say ""{w}"""')
                elif kind == "other":
                    fields.append(w + rng.choice(others) + " x")
                else:
                    fields.append(w if rng.random() < 0.7 else f" {w} ")
            out.append([d.join(fields) or word(rng)])  # the prompt promises a non-empty line
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"splits one non-empty CSV line into its fields. The delimiter is {_DELIMS[spec['DELIM']]} (no other "
                "character separates fields). A field may be enclosed in double quotes, inside which the delimiter "
                "is literal and two double quotes stand for one; the enclosing quotes are not part of the value; "
                "quotes only appear at the start and end of a field; whitespace is kept as is.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"DELIM": d} for d in sorted(_DELIMS) if d != spec["DELIM"]][:2]


_FORMATS = ("YYYY-MM-DD", "DD/MM/YYYY", "MM-DD-YYYY", "DD.MM.YYYY")


class DateValid(CodeTask):
    function = "valid_date"
    signature = "valid_date(s: str) -> bool"
    body = r'''
import re

def valid_date(s):
    pattern = FORMAT.replace(".", "[.]").replace("YYYY", "(?P<y>[0-9]{4})")
    pattern = pattern.replace("MM", "(?P<m>[0-9]{2})").replace("DD", "(?P<d>[0-9]{2})")
    m = re.fullmatch(pattern, s)
    if not m:
        return False
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if y < 1 or not 1 <= mo <= 12:
        return False
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]
    return 1 <= d <= days
'''
    bugs = [("(y % 100 != 0 or y % 400 == 0)", "True"), ("1 <= d <= days", "1 <= d <= 31")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"FORMAT": rng.choice(_FORMATS)}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        def fmt(f: str, y: int, m: int, d: int) -> str:
            return f.replace("YYYY", f"{y:04d}").replace("MM", f"{m:02d}").replace("DD", f"{d:02d}")

        f = spec["FORMAT"]
        other = rng.choice([x for x in _FORMATS if x != f])
        y = rng.randint(1900, 2099)
        out = [fmt(f, 2024, 2, 29), fmt(f, 1900, 2, 29), fmt(f, 2000, 2, 29), fmt(f, 2023, 4, 31),
               fmt(f, y, 13, 1), fmt(f, y, 1, 0), fmt(other, y, 11, 23), fmt(f, y, 7, 31)]
        out.append(fmt(f, y, 3, 5).replace("03", "3", 1) if "MM" in f else fmt(f, y, 3, 5))
        out += [fmt(f, rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 31)) for _ in range(4)]
        return [[s] for s in out]

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"returns True when `s` is a valid Gregorian calendar date written exactly as {spec['FORMAT']} "
                "(zero-padded two-digit month and day, four-digit year 0001-9999; leap years are divisible by 4, "
                "except centuries not divisible by 400), else False.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"FORMAT": x} for x in _FORMATS if x != spec["FORMAT"]][:2]


_SEPS = (".", "/", "->", ":")


class JsonPath(CodeTask):
    function = "lookup"
    signature = "lookup(obj, path: str)"
    body = '''
def lookup(obj, path):
    cur = obj
    for part in path.split(SEP) if path else []:
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return DEFAULT
    return cur
'''
    bugs = [("int(part) < len(cur)", "int(part) <= len(cur)"), ("return DEFAULT", "return None")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"SEP": rng.choice(_SEPS), "DEFAULT": rng.choice([-1, "missing", 0, "?"])}

    def _obj(self, rng: random.Random, depth: int) -> Any:
        if depth == 0 or rng.random() < 0.2:
            return rng.choice([rng.randint(-50, 50), word(rng), True, None])
        if rng.random() < 0.6:
            return {word(rng, 1, 2): self._obj(rng, depth - 1) for _ in range(rng.randint(1, 3))}
        return [self._obj(rng, depth - 1) for _ in range(rng.randint(1, 3))]

    def _path(self, rng: random.Random, obj: Any) -> list[str]:
        parts: list[str] = []
        while isinstance(obj, (dict, list)) and obj and rng.random() < 0.85:
            if isinstance(obj, dict):
                key = rng.choice(sorted(obj))
                parts.append(key)
                obj = obj[key]
            else:
                i = rng.randrange(len(obj))
                parts.append(str(i))
                obj = obj[i]
        return parts

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        sep = spec["SEP"]
        other = rng.choice([s for s in _SEPS if s != sep])
        out = [[{"a": {"b": [10, 20, {"c": 3}]}}, sep.join(["a", "b", "2", "c"])],
               [{"a": [1, 2]}, sep.join(["a", "2"])], [{"x": 1}, ""]]
        for k in range(9):
            obj = {word(rng, 1, 2): self._obj(rng, 3) for _ in range(3)}
            parts = self._path(rng, obj) or [word(rng)]
            if k % 3 == 1:
                parts = parts + [rng.choice(["zz", "7", "0"])]
            path = (other if k % 3 == 2 else sep).join(parts)
            out.append([obj, path])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"follows `path` into the nested JSON value `obj` (dicts, lists, scalars): the path's segments are "
                f"separated by {spec['SEP']!r}; a segment selects a key of a dict, or, for a list, the element at a "
                "non-negative decimal index. An empty path returns `obj` itself. When a segment cannot be followed "
                f"(missing key, index out of range, not a container) return {spec['DEFAULT']!r}.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        seps = [s for s in _SEPS if s != spec["SEP"]]
        return [{**spec, "SEP": seps[0]}, {**spec, "DEFAULT": None}]


def register(registry: Any) -> None:
    registry.register(RomanToInt, "code/roman_to_int", {}, "Write a Roman-numeral parser (with a seed-chosen offset).")
    registry.register(IntToRoman, "code/int_to_roman", {}, "Write a Roman-numeral formatter, subtractive or additive.")
    registry.register(BaseConvert, "code/base_convert", {}, "Write a function writing integers in a seed-chosen base.")
    registry.register(CsvLine, "code/csv_line", {}, "Write a CSV-line parser with quotes for a seed-chosen delimiter.")
    registry.register(DateValid, "code/date_validation", {}, "Write a date validator for a seed-chosen date format.")
    registry.register(JsonPath, "code/json_path", {}, "Write a path lookup into nested JSON with a seed-chosen separator.")
