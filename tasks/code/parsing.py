"""Code tasks on formats: Roman numerals, bases, CSV lines, dates, paths into nested JSON."""

from __future__ import annotations

import itertools
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
    vals = {(k.lower() if LOWER else k): v for k, v in vals.items()}
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
        offset = rng.randint(-100, 100) if rng.random() < 0.8 else rng.choice([0, 1000, -1000])
        return {"OFFSET": offset, "LOWER": rng.random() < 0.5}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        fixed = [1994, 3999, 4, 9, 40, 444]
        top = min(3999, self.size(rng, 3999, 3999))
        numerals = [_roman(n) for n in fixed + [rng.randint(1, top) for _ in range(self.reps(6))]]
        return [[r.lower() if spec["LOWER"] else r] for r in numerals]

    def describe(self, spec: dict[str, Any]) -> str:
        off = spec["OFFSET"]
        extra = "" if off == 0 else f", {'plus' if off > 0 else 'minus'} {abs(off)}"
        case = "lowercase" if spec["LOWER"] else "uppercase"
        return (f"returns the value of the (valid, {case}, standard subtractive) Roman numeral `s` "
                f"(1 to 3999){extra}.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "OFFSET": spec["OFFSET"] + 1}]


class IntToRoman(CodeTask):
    function = "to_roman"
    signature = "to_roman(n: int) -> str"
    body = '''
def to_roman(n):
    table = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
             (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    if not SUBTRACTIVE:
        table = [p for p in table if len(p[1]) == 1]
    groups = []
    for place in (1000, 100, 10, 1):  # one group of symbols per decimal place
        part = []
        for value, sym in table:
            if place <= value < 10 * place:
                while n >= value:
                    part.append(sym)
                    n -= value
        if part:
            groups.append("".join(part))
    out = SEP.join(groups)
    return out.lower() if LOWER else out
'''
    bugs = [('(900, "CM"), ', ""), ('(5, "V"), ', ""), ("while n >= value", "while n > value")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"SUBTRACTIVE": rng.random() < 0.5, "LOWER": rng.random() < 0.5,
                "SEP": rng.choice(["", "", " ", "-", ".", "_", "|", "'"])}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        top = min(3999, self.size(rng, 3999, 3999))
        return [[n] for n in [4, 9, 14, 1994, 3999, 1000] + [rng.randint(1, top) for _ in range(self.reps(6))]]

    def describe(self, spec: dict[str, Any]) -> str:
        if spec["SUBTRACTIVE"]:
            how = "standard subtractive notation (IV = 4, IX = 9, XL = 40, XC = 90, CD = 400, CM = 900), e.g. 1994 -> 'MCMXCIV'"
        else:
            how = ("purely additive notation (no subtraction: 4 = IIII, 9 = VIIII, 40 = XXXX, 90 = LXXXX, "
                   "400 = CCCC, 900 = DCCCC), e.g. 1994 -> 'MDCCCCLXXXXIIII'")
        case = "lowercase (the example is shown in uppercase)" if spec["LOWER"] else "uppercase"
        sep = (f"; the symbols of each decimal place (thousands, hundreds, tens, units) form a group, empty groups are "
               f"left out and the groups are joined by {spec['SEP']!r}, e.g. 1994 -> "
               f"{spec['SEP'].join(['M', 'CM', 'XC', 'IV'])!r} in subtractive notation" if spec["SEP"] else "")
        return f"returns the Roman numeral of 1 <= n <= 3999 in {case}, using {how}{sep}."

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "SUBTRACTIVE": not spec["SUBTRACTIVE"]}, {**spec, "LOWER": not spec["LOWER"]}]


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
        top = 10 ** self.size(rng, 6, 12)
        return [[0], [b], [b - 1], [-b * b - 1]] + [[rng.randint(-top // 1000, top)] for _ in range(self.reps(8))]

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"returns the integer `n` written in base {spec['BASE']}, using the digits 0-9 then lowercase a-z, "
                "without leading zeros or prefix; negative numbers get a leading '-'; zero is '0'.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"BASE": b} for b in (spec["BASE"] - 1, spec["BASE"] + 1) if 2 <= b <= 36]


_DELIMS = {",": "a comma ','", ";": "a semicolon ';'", "|": "a vertical bar '|'", "\t": "a tab character '\\t'",
           ":": "a colon ':'", "#": "a hash sign '#'"}
_QUOTES = {'"': "double quotes", "'": "single quotes (apostrophes)", "`": "backticks"}


class CsvLine(CodeTask):
    function = "parse_csv"
    signature = "parse_csv(line: str) -> list[str]"
    body = '''
def parse_csv(line):
    fields, cur, quoted, i = [], [], False, 0
    while i < len(line):
        ch = line[i]
        if quoted:
            if ch == QUOTE:
                if i + 1 < len(line) and line[i + 1] == QUOTE:
                    cur.append(QUOTE)
                    i += 1
                else:
                    quoted = False
            else:
                cur.append(ch)
        elif ch == QUOTE:
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
    bugs = [("                    cur.append(QUOTE)\n", ""), ('    fields.append("".join(cur))\n    return', "    return")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"DELIM": rng.choice(sorted(_DELIMS)), "QUOTE": rng.choice(sorted(_QUOTES))}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        d, q = spec["DELIM"], spec["QUOTE"]
        others = "".join(x for x in list(_DELIMS) + list(_QUOTES) if x not in (d, q))
        out = []
        for _ in range(self.reps(10)):
            fields = []
            for _ in range(self.size(rng, 2, 5)):
                kind = rng.choice(["plain", "plain", "empty", "delim", "quote", "other"])
                w = word(rng, 1, 2)
                if kind == "empty":
                    fields.append("" if rng.random() < 0.7 else q + q)
                elif kind == "delim":
                    fields.append(f"{q}{w}{d} {w}{q}")
                elif kind == "quote":
                    fields.append(f"{q}say {q}{q}{w}{q}{q}{q}")
                elif kind == "other":
                    fields.append(w + rng.choice(others) + " x")
                else:
                    fields.append(w if rng.random() < 0.7 else f" {w} ")
            out.append([d.join(fields) or word(rng)])  # the prompt promises a non-empty line
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"splits one non-empty CSV line into its fields. The delimiter is {_DELIMS[spec['DELIM']]} (no other "
                f"character separates fields). The quote character is {spec['QUOTE']!r} ({_QUOTES[spec['QUOTE']]}): "
                "a field may be enclosed in it, inside which the delimiter "
                "is literal and two quote characters stand for one; the enclosing quotes are not part of the value; "
                "the quote character only appears at the start and end of a field, and every other character "
                "(other quote marks included) is literal; whitespace is kept as is.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return ([{**spec, "DELIM": d} for d in sorted(_DELIMS) if d != spec["DELIM"]][:1]
                + [{**spec, "QUOTE": q} for q in sorted(_QUOTES) if q != spec["QUOTE"]][:1])


#: Every order of year, month and day with every separator (24 formats).
_FORMATS = tuple(sep.join(order) for order in itertools.permutations(("YYYY", "MM", "DD")) for sep in "-/. ")


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
        out += [fmt(f, rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 31)) for _ in range(self.reps(6))]
        return [[s] for s in out]

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"returns True when `s` is a valid Gregorian calendar date written exactly as {spec['FORMAT']} "
                "(zero-padded two-digit month and day, four-digit year 0001-9999; leap years are divisible by 4, "
                "except centuries not divisible by 400), else False.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        swapped = spec["FORMAT"].replace("MM", "@").replace("DD", "MM").replace("@", "DD")
        return [{"FORMAT": swapped}] + [{"FORMAT": x} for x in _FORMATS if x != spec["FORMAT"]][:1]


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
        for k in range(self.reps(9)):
            obj = {word(rng, 1, 2): self._obj(rng, 3) for _ in range(self.size(rng, 2, 4))}
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
