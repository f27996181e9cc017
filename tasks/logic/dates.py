"""Calendar and clock arithmetic: weekdays, date differences, ISO weeks, leap years, clock times."""

from __future__ import annotations

import calendar as cal
import datetime as dt
import random
from typing import Any

from tasks.logic._common import Op, TableTask, register_table

_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = list(cal.month_name)[1:]


def _date(rng: random.Random, lo: int = 1700, hi: int = 2300) -> dt.date:
    return dt.date(rng.randint(lo, hi), 1, 1) + dt.timedelta(days=rng.randrange(365))


def _d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def _two_dates(rng: random.Random) -> dict[str, Any]:
    a = _date(rng, 1900, 2100)
    b = a + dt.timedelta(days=rng.randint(1, 20000))
    return {"a": a.isoformat(), "b": b.isoformat()}


def _date_n(rng: random.Random) -> dict[str, Any]:
    return {"a": _date(rng, 1900, 2100).isoformat(), "n": rng.randint(1, 5000)}


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


def _clock(rng: random.Random) -> dict[str, Any]:
    return {"h": rng.randrange(24), "m": rng.randrange(60), "n": rng.randint(1, 3000)}


def _hhmm(total: int) -> str:
    total %= 24 * 60
    return f"{total // 60:02d}:{total % 60:02d}"


def _years_done(a: dt.date, b: dt.date) -> int:
    return b.year - a.year - ((b.month, b.day) < (a.month, a.day))


_TABLE = {
    "day_of_week": Op(lambda r: {"a": _date(r).isoformat()},
                      lambda i: f"On what day of the week did (or will) {i['a']} (Gregorian calendar) fall?",
                      lambda i: _DAYS[_d(i["a"]).weekday()], "weekday", "Day of the week of a date."),
    "days_between": Op(_two_dates, lambda i: f"How many days are there from {i['a']} to {i['b']} (the difference "
                       "of the two dates; Gregorian calendar)?", lambda i: (_d(i["b"]) - _d(i["a"])).days,
                       "int", "Number of days between two dates."),
    "add_days": Op(_date_n, lambda i: f"What date is {i['n']} days after {i['a']}?",
                   lambda i: (_d(i["a"]) + dt.timedelta(days=i["n"])).isoformat(), "date", "Add days to a date."),
    "subtract_days": Op(_date_n, lambda i: f"What date is {i['n']} days before {i['a']}?",
                        lambda i: (_d(i["a"]) - dt.timedelta(days=i["n"])).isoformat(), "date",
                        "Subtract days from a date."),
    "add_months": Op(lambda r: {"a": _date(r, 1900, 2100).isoformat(), "n": r.randint(1, 60)},
                     lambda i: f"What date is {i['n']} calendar months after {i['a']}? If the day does not exist in "
                     "the target month, use the last day of that month.",
                     lambda i: _add_months(_d(i["a"]), i["n"]).isoformat(), "date", "Add calendar months to a date."),
    "weekday_after_days": Op(lambda r: {"d": r.randrange(7), "n": r.randint(1, 100000)},
                             lambda i: f"Today is a {_DAYS[i['d']]}. What day of the week will it be in {i['n']} days?",
                             lambda i: _DAYS[(i["d"] + i["n"]) % 7], "weekday", "Weekday after N days."),
    "iso_week": Op(lambda r: {"a": _date(r, 1950, 2100).isoformat()},
                   lambda i: f"What is the ISO 8601 week number of {i['a']}?",
                   lambda i: _d(i["a"]).isocalendar()[1], "int", "ISO week number of a date."),
    "day_of_year": Op(lambda r: {"a": _date(r).isoformat()},
                      lambda i: f"What is the ordinal day of the year of {i['a']} (January 1 = 1)?",
                      lambda i: _d(i["a"]).timetuple().tm_yday, "int", "Ordinal day of the year."),
    "is_leap_year": Op(lambda r: {"y": r.choice([r.randint(1600, 2400), 100 * r.randint(16, 24), 4 * r.randint(400, 600)])},
                       lambda i: f"Is {i['y']} a leap year in the Gregorian calendar?",
                       lambda i: cal.isleap(i["y"]), "yesno", "Is a year a Gregorian leap year?"),
    "leap_years_between": Op(lambda r: {"a": (a := r.randint(1500, 2300)), "b": a + r.randint(10, 600)},
                             lambda i: f"How many Gregorian leap years are there from {i['a']} to {i['b']} inclusive?",
                             lambda i: cal.leapdays(i["a"], i["b"] + 1), "int", "Count leap years in a range."),
    "days_in_month": Op(lambda r: {"y": r.randint(1600, 2400), "m": r.randint(1, 12)},
                        lambda i: f"How many days does {_MONTHS[i['m'] - 1]} {i['y']} have (Gregorian calendar)?",
                        lambda i: cal.monthrange(i["y"], i["m"])[1], "int", "Number of days in a month."),
    "nth_weekday": Op(lambda r: {"y": r.randint(1950, 2100), "m": r.randint(1, 12), "n": r.randint(1, 4),
                                 "wd": r.randrange(7)},
                      lambda i: f"What is the date of the {['first', 'second', 'third', 'fourth'][i['n'] - 1]} "
                      f"{_DAYS[i['wd']]} of {_MONTHS[i['m'] - 1]} {i['y']}?",
                      lambda i: _nth_weekday(i["y"], i["m"], i["n"], i["wd"]).isoformat(), "date",
                      "Date of the n-th weekday of a month."),
    "count_weekday": Op(lambda r: {"a": (a := _date(r, 1950, 2100)).isoformat(),
                                   "b": (a + dt.timedelta(days=r.randint(10, 400))).isoformat(), "wd": r.randrange(7)},
                        lambda i: f"How many {_DAYS[i['wd']]}s are there from {i['a']} to {i['b']}, both inclusive?",
                        lambda i: _count_weekday(_d(i["a"]), _d(i["b"]), i["wd"]), "int",
                        "Count one weekday between two dates."),
    "easter_date": Op(lambda r: {"y": r.randint(1600, 2400)},
                      lambda i: f"On what date is (Western, Gregorian) Easter Sunday in {i['y']}?",
                      lambda i: _easter(i["y"]).isoformat(), "date", "Date of Gregorian Easter."),
    "unix_date": Op(lambda r: {"t": r.randint(0, 4_000_000_000)},
                    lambda i: f"Which UTC calendar date does the Unix timestamp {i['t']} fall on?",
                    lambda i: (dt.date(1970, 1, 1) + dt.timedelta(seconds=i["t"])).isoformat(), "date",
                    "UTC date of a Unix timestamp."),
    "age_years": Op(_two_dates, lambda i: f"Someone was born on {i['a']}. How many full years old are they on {i['b']}?",
                    lambda i: _years_done(_d(i["a"]), _d(i["b"])), "int", "Age in completed years."),
    "clock_add": Op(_clock, lambda i: f"A 24-hour clock shows {i['h']:02d}:{i['m']:02d}. What does it show "
                    f"{i['n']} minutes later?", lambda i: _hhmm(60 * i["h"] + i["m"] + i["n"]), "time",
                    "Add minutes to a clock time."),
    "clock_minutes_between": Op(lambda r: {"a": r.randrange(1440), "b": r.randrange(1440)},
                                lambda i: f"How many minutes pass from {_hhmm(i['a'])} to the next time the clock "
                                f"shows {_hhmm(i['b'])} (24-hour clock; if equal, a full day)?",
                                lambda i: (i["b"] - i["a"]) % 1440 or 1440, "int", "Minutes between two clock times."),
    "clock_angle": Op(lambda r: {"h": r.randint(1, 12), "m": r.randrange(60)},
                      lambda i: f"What is the smaller angle, in degrees, between the hour and minute hands of an "
                      f"analog clock at {i['h']}:{i['m']:02d}?",
                      lambda i: min(a := abs(30 * (i["h"] % 12) - 5.5 * i["m"]), 360 - a), "float",
                      "Angle between clock hands."),
}


class DateTask(TableTask):
    """Calendar and clock questions picked by ``op``."""

    description = "Calendar and clock arithmetic."
    table = _TABLE


def register(registry: Any) -> None:
    register_table(registry, DateTask)
