"""Calendar and clock arithmetic: weekdays, date differences, ISO weeks, leap years, clock times."""

from __future__ import annotations

import calendar as cal
import datetime as dt
import random
from typing import Any

from tasks.logic._common import Op, TableTask, pick, register_table

_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = list(cal.month_name)[1:]


def _date(rng: random.Random, lo: int = 1700, hi: int = 2300) -> dt.date:
    return dt.date(rng.randint(lo, hi), 1, 1) + dt.timedelta(days=rng.randrange(365))


def _d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


_EPOCH = dt.date(2000, 1, 1)
#: Year ranges by scale, for questions about one date (farther from today is harder to anchor).
_YEARS = ((1940, 2060), (1900, 2100), (1700, 2300), (1200, 2800), (1, 9998))
_YEARS_RECENT = ((1950, 2050), (1930, 2070), (1950, 2100), (1700, 2300), (1, 9998))


def _far(i: dict[str, Any]) -> float:
    """Days from 2000-01-01 to the question's date: the calendar distance a solver has to bridge."""
    return float(abs((_d(i["a"]) - _EPOCH).days))


def _two_dates(gaps: tuple[int, ...]) -> Any:
    def gen(rng: random.Random, s: int) -> dict[str, Any]:
        a = _date(rng, 1900, 2100)
        b = a + dt.timedelta(days=rng.randint(1, pick(s, gaps)))
        return {"a": a.isoformat(), "b": b.isoformat()}
    return gen


def _gap(i: dict[str, Any]) -> float:
    return float((_d(i["b"]) - _d(i["a"])).days)


def _date_n(rng: random.Random, s: int) -> dict[str, Any]:
    return {"a": _date(rng, 1900, 2100).isoformat(), "n": rng.randint(1, pick(s, (100, 1000, 5000, 30000, 200000)))}


def _n(i: dict[str, Any]) -> float:
    return float(i["n"])


def _leap_year(rng: random.Random, s: int) -> dict[str, Any]:
    """A year with its answer drawn first; the century rules are asked often."""
    lo, hi = pick(s, ((10**4, 10**6), (10**5, 10**7), (10**6, 10**8), (10**7, 10**10), (10**10, 10**13)))
    base = rng.randrange(lo, hi) // 400 * 400
    if rng.random() < 0.5:  # a leap year: a multiple of 400, or of 4 but not of 100
        y = base if rng.random() < 0.35 else base + 4 * rng.randint(1, 24) + 100 * rng.randrange(4)
    else:  # not one: a century not divisible by 400, or a year not divisible by 4
        y = base + 100 * rng.randint(1, 3) if rng.random() < 0.35 else base + 4 * rng.randrange(100) + rng.randint(1, 3)
    return {"y": max(y, 1)}


def _months(rng: random.Random, s: int) -> dict[str, Any]:
    lo, hi = pick(s, _YEARS)
    out = []
    for _ in range(pick(s, (2, 3, 4, 5, 6))):  # February, the month with the rule, comes up often
        out.append([rng.randint(lo, hi), 2 if rng.random() < 0.3 else rng.randint(1, 12)])
    return {"ym": out}


#: Movable feasts: name -> days from Easter Sunday.
_FEASTS = {"Easter Sunday": 0, "Good Friday": -2, "Palm Sunday": -7, "Ascension Day": 39, "Ash Wednesday": -46,
           "Pentecost (Whit Sunday)": 49, "Trinity Sunday": 56, "Corpus Christi": 60}


def _feast(rng: random.Random, s: int) -> dict[str, Any]:
    y = rng.randint(1583, 9998)
    if s <= 3:
        name = rng.choice(list(_FEASTS)[: pick(s, (2, 4, 8))])
        return {"y": y, "feast": name, "off": _FEASTS[name]}
    return {"y": y, "feast": "", "off": rng.choice([-1, 1]) * rng.randint(*pick(s, ((0, 0), (0, 0), (0, 0), (10, 100),
                                                                                      (100, 300))))}


def _feast_text(i: dict[str, Any]) -> str:
    if i["feast"]:
        rel = "" if not i["off"] else (f" ({i['feast']} is {abs(i['off'])} days "
                                       f"{'before' if i['off'] < 0 else 'after'} Easter Sunday)")
        return f"On what date is (Western, Gregorian) {i['feast']} in {i['y']}?{rel}"
    return (f"What date is {abs(i['off'])} days {'before' if i['off'] < 0 else 'after'} (Western, Gregorian) Easter "
            f"Sunday of {i['y']}?")


def _easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    month, day = divmod(h + ll - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, cal.monthrange(year, month)[1]))


def _nth_weekday(y: int, m: int, n: int, wd: int) -> dt.date:
    first = dt.date(y, m, 1)
    return first + dt.timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1))


def _count_weekday(a: dt.date, b: dt.date, wd: int) -> int:
    return sum(1 for i in range((b - a).days + 1) if (a + dt.timedelta(days=i)).weekday() == wd)


def _clock(rng: random.Random, s: int) -> dict[str, Any]:
    return {"h": rng.randrange(24), "m": rng.randrange(60), "n": rng.randint(1, pick(s, (120, 600, 3000, 20000, 10**6)))}


def _clock_pair(rng: random.Random, s: int) -> dict[str, Any]:
    a = rng.randrange(1440)
    if s == 3:
        return {"a": a, "b": rng.randrange(1440)}
    if s < 3:
        return {"a": a, "b": (a + rng.randint(1, pick(s, (90, 480)))) % 1440}
    return {"a": a, "b": rng.randrange(1440), "d": rng.randint(*pick(s, ((0, 0), (0, 0), (0, 0), (1, 3), (4, 30))))}


def _minutes_between(i: dict[str, Any]) -> int:
    if "d" in i:
        return (i["b"] - i["a"]) % 1440 + 1440 * i["d"]
    return (i["b"] - i["a"]) % 1440 or 1440


def _minutes_text(i: dict[str, Any]) -> str:
    if "d" in i:
        return (f"A 24-hour clock shows {_hhmm(i['a'])}. How many minutes pass until it shows {_hhmm(i['b'])} "
                f"for the first time after {i['d']} full day{'s' if i['d'] > 1 else ''} (24 hours each) have passed?")
    return (f"How many minutes pass from {_hhmm(i['a'])} to the next time the clock shows {_hhmm(i['b'])} "
            "(24-hour clock; if equal, a full day)?")


def _angle(h: int, m: int) -> float:
    return min(a := abs(30 * (h % 12) - 5.5 * m), 360 - a)


def _hhmm(total: int) -> str:
    total %= 24 * 60
    return f"{total // 60:02d}:{total % 60:02d}"


def _years_done(a: dt.date, b: dt.date) -> int:
    return b.year - a.year - ((b.month, b.day) < (a.month, a.day))


def _years(ranges: tuple[tuple[int, int], ...]) -> Any:
    return lambda r, s: {"a": _date(r, *pick(s, ranges)).isoformat()}


_TABLE = {
    "day_of_week": Op(_years(_YEARS),
                      lambda i: f"On what day of the week did (or will) {i['a']} (Gregorian calendar) fall?",
                      lambda i: _DAYS[_d(i["a"]).weekday()], "weekday", "Day of the week of a date.", _far),
    "days_between": Op(_two_dates((400, 3000, 20000, 80000, 300000)),
                       lambda i: f"How many days are there from {i['a']} to {i['b']} (the difference "
                       "of the two dates; Gregorian calendar)?", lambda i: (_d(i["b"]) - _d(i["a"])).days,
                       "int", "Number of days between two dates.", _gap),
    "add_days": Op(_date_n, lambda i: f"What date is {i['n']} days after {i['a']}?",
                   lambda i: (_d(i["a"]) + dt.timedelta(days=i["n"])).isoformat(), "date", "Add days to a date.", _n),
    "subtract_days": Op(_date_n, lambda i: f"What date is {i['n']} days before {i['a']}?",
                        lambda i: (_d(i["a"]) - dt.timedelta(days=i["n"])).isoformat(), "date",
                        "Subtract days from a date.", _n),
    "add_months": Op(lambda r, s: {"a": _date(r, 1900, 2100).isoformat(), "n": r.randint(1, pick(s, (12, 24, 60, 240,
                                                                                                     1200)))},
                     lambda i: f"What date is {i['n']} calendar months after {i['a']}? If the day does not exist in "
                     "the target month, use the last day of that month.",
                     lambda i: _add_months(_d(i["a"]), i["n"]).isoformat(), "date", "Add calendar months to a date.", _n),
    "weekday_after_days": Op(lambda r, s: {"d": r.randrange(7), "n": r.randint(1, pick(s, (10**4, 3 * 10**4, 10**5,
                                                                                          10**7, 10**12)))},
                             lambda i: f"Today is a {_DAYS[i['d']]}. What day of the week will it be in {i['n']} days?",
                             lambda i: _DAYS[(i["d"] + i["n"]) % 7], "weekday", "Weekday after N days.",
                             lambda i: float(len(str(i["n"])))),
    "iso_week": Op(_years(_YEARS_RECENT),
                   lambda i: f"What is the ISO 8601 week number of {i['a']}?",
                   lambda i: _d(i["a"]).isocalendar()[1], "int", "ISO week number of a date.", _far),
    "day_of_year": Op(_years(_YEARS),
                      lambda i: f"What is the ordinal day of the year of {i['a']} (January 1 = 1)?",
                      lambda i: _d(i["a"]).timetuple().tm_yday, "int", "Ordinal day of the year.", _far),
    "is_leap_year": Op(_leap_year, lambda i: f"Is {i['y']} a leap year in the Gregorian calendar?",
                       lambda i: cal.isleap(i["y"]), "yesno", "Is a year a Gregorian leap year?",
                       lambda i: float(len(str(i["y"])))),
    "leap_years_between": Op(lambda r, s: {"a": (a := r.randint(*pick(s, ((1000, 2500), (1000, 2500), (1500, 2300),
                                                                           (1000, 2500), (1000, 2500))))),
                                           "b": a + r.randint(*pick(s, ((10, 50), (50, 200), (10, 600), (600, 3000),
                                                                        (3000, 20000))))},
                             lambda i: f"How many Gregorian leap years are there from {i['a']} to {i['b']} inclusive?",
                             lambda i: cal.leapdays(i["a"], i["b"] + 1), "int", "Count leap years in a range.",
                             lambda i: float(i["b"] - i["a"])),
    "days_in_month": Op(_months, lambda i: "How many days does each of these months have (Gregorian calendar): "
                        f"{', '.join(f'{_MONTHS[m - 1]} {y}' for y, m in i['ym'])}? Give the counts in the same order.",
                        lambda i: [cal.monthrange(y, m)[1] for y, m in i["ym"]], "ints", "Numbers of days in months.",
                        lambda i: float(sum(len(str(y)) + 1 for y, _ in i["ym"]))),
    "nth_weekday": Op(lambda r, s: {"y": r.randint(*pick(s, ((1970, 2030), (1960, 2080), (1950, 2100), (1600, 2400),
                                                             (1, 9998)))), "m": r.randint(1, 12), "n": r.randint(1, 4),
                                    "wd": r.randrange(7)},
                      lambda i: f"What is the date of the {['first', 'second', 'third', 'fourth'][i['n'] - 1]} "
                      f"{_DAYS[i['wd']]} of {_MONTHS[i['m'] - 1]} {i['y']}?",
                      lambda i: _nth_weekday(i["y"], i["m"], i["n"], i["wd"]).isoformat(), "date",
                      "Date of the n-th weekday of a month.", lambda i: float(abs(i["y"] - 2000) + 7 * i["n"])),
    "count_weekday": Op(lambda r, s: {"a": (a := _date(r, 1950, 2100)).isoformat(),
                                      "b": (a + dt.timedelta(days=r.randint(*pick(s, ((10, 60), (10, 150), (10, 400),
                                                                                      (400, 3000), (3000, 30000)))))
                                            ).isoformat(), "wd": r.randrange(7)},
                        lambda i: f"How many {_DAYS[i['wd']]}s are there from {i['a']} to {i['b']}, both inclusive?",
                        lambda i: _count_weekday(_d(i["a"]), _d(i["b"]), i["wd"]), "int",
                        "Count one weekday between two dates.", _gap),
    "easter_date": Op(_feast, _feast_text,
                      lambda i: (_easter(i["y"]) + dt.timedelta(days=i["off"])).isoformat(), "date",
                      "Date of Gregorian Easter or a feast that moves with it.",
                      lambda i: float(1 + abs(i["off"]))),
    "unix_date": Op(lambda r, s: {"t": r.randint(0, pick(s, (3 * 10**8, 10**9, 4 * 10**9, 3 * 10**10, 25 * 10**10)))},
                    lambda i: f"Which UTC calendar date does the Unix timestamp {i['t']} fall on?",
                    lambda i: (dt.date(1970, 1, 1) + dt.timedelta(seconds=i["t"])).isoformat(), "date",
                    "UTC date of a Unix timestamp.", lambda i: i["t"] / 86400),
    "age_years": Op(_two_dates((3650, 10000, 20000, 30000, 40000)),
                    lambda i: f"Someone was born on {i['a']}. How many full years old are they on {i['b']}?",
                    lambda i: _years_done(_d(i["a"]), _d(i["b"])), "int", "Age in completed years.", _gap),
    "clock_add": Op(_clock, lambda i: f"A 24-hour clock shows {i['h']:02d}:{i['m']:02d}. What does it show "
                    f"{i['n']} minutes later?", lambda i: _hhmm(60 * i["h"] + i["m"] + i["n"]), "time",
                    "Add minutes to a clock time.", _n),
    "clock_minutes_between": Op(_clock_pair, _minutes_text, _minutes_between, "int",
                                "Minutes between two clock times.", lambda i: float(_minutes_between(i))),
    "clock_angle": Op(lambda r, s: {"h": r.randint(1, 12), "m": r.randrange(60),
                                    "n": r.randint(1, pick(s, (90, 600, 3000, 20000, 10**6)))},
                      lambda i: f"An analog clock shows {i['h']}:{i['m']:02d}. What is the smaller angle, in degrees, "
                      f"between its hour and minute hands {i['n']} minutes later?",
                      lambda i: _angle(*divmod((60 * i["h"] + i["m"] + i["n"]) % 720, 60)), "float",
                      "Angle between clock hands after some minutes.", _n),
}


class DateTask(TableTask):
    """Calendar and clock questions picked by ``op``."""

    description = "Calendar and clock arithmetic."
    table = _TABLE


def register(registry: Any) -> None:
    register_table(registry, DateTask)
