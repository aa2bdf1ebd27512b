"""Generate ``scottish_bank_holidays.csv``: Scottish bank holidays 2010-2030.

Run ``python -m paceqi.resources.bank_holidays`` to rewrite the file; a test checks that the
shipped file equals what this module generates, so the two cannot drift apart.

Rules (Banking and Financial Dealings Act 1971, Schedule 1 para 2 for Scotland, as amended by the
St Andrew's Day Bank Holiday (Scotland) Act 2007; dates as published on
https://www.gov.uk/bank-holidays for Scotland):

* New Year's Day (1 January) and 2 January;
* Good Friday (Easter Monday is not a bank holiday in Scotland);
* Early May bank holiday: first Monday in May;
* Spring bank holiday: last Monday in May;
* Summer bank holiday: first Monday in August;
* St Andrew's Day (30 November);
* Christmas Day and Boxing Day.

A fixed-date holiday that falls on a Saturday or Sunday is replaced by the next weekday that is
not already a holiday (so 25 Dec on a Sunday gives Tuesday 27 Dec, as Monday 26 Dec is Boxing
Day). One-off changes by royal proclamation are listed in :data:`ONE_OFF`.

Cross-checked (Nov 2026) against the ``holidays`` package 0.109 (``GB``, subdivision ``SCT``)
for 2010-2030: every weekday holiday agrees.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

FIRST_YEAR = 2010
LAST_YEAR = 2030
CSV_PATH = Path(__file__).with_name("scottish_bank_holidays.csv")

#: Royal proclamations that added or moved a bank holiday in Scotland.
#: (date, name, date it replaces or None)
ONE_OFF: tuple[tuple[dt.date, str, dt.date | None], ...] = (
    (dt.date(2011, 4, 29), "Royal wedding", None),
    (dt.date(2012, 6, 4), "Spring bank holiday (moved)", dt.date(2012, 5, 28)),
    (dt.date(2012, 6, 5), "Queen's Diamond Jubilee", None),
    (dt.date(2020, 5, 8), "Early May bank holiday (VE day)", dt.date(2020, 5, 4)),
    (dt.date(2022, 6, 2), "Spring bank holiday (moved)", dt.date(2022, 5, 30)),
    (dt.date(2022, 6, 3), "Queen's Platinum Jubilee", None),
    (dt.date(2022, 9, 19), "State funeral of Queen Elizabeth II", None),
    (dt.date(2023, 5, 8), "Coronation of King Charles III", None),
    # proclamation of 4 Feb 2026 (Banking and Financial Dealings Act 1971 s1(3)), Scotland only
    (dt.date(2026, 6, 15), "Scotland at the FIFA World Cup", None),
)


def easter_sunday(year: int) -> dt.date:
    """Return Easter Sunday (Gregorian; anonymous 'Meeus/Jones/Butcher' algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _first_monday(year: int, month: int) -> dt.date:
    d = dt.date(year, month, 1)
    return d + dt.timedelta(days=(7 - d.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    d = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return d - dt.timedelta(days=d.weekday())


def _with_substitutes(fixed: list[tuple[dt.date, str]]) -> list[tuple[dt.date, str]]:
    """Move weekend fixed-date holidays to the next free weekday (in date order)."""
    taken = {d for d, _ in fixed if d.weekday() < 5}
    out = []
    for d, name in sorted(fixed):
        if d.weekday() < 5:
            out.append((d, name))
            continue
        s = d + dt.timedelta(days=1)
        while s.weekday() >= 5 or s in taken:
            s += dt.timedelta(days=1)
        taken.add(s)
        out.append((s, f"{name} (substitute day)"))
    return out


def holidays(year: int) -> list[tuple[dt.date, str]]:
    """Return the Scottish bank holidays of one year as (date, name), in date order."""
    days = _with_substitutes(
        [(dt.date(year, 1, 1), "New Year's Day"), (dt.date(year, 1, 2), "2 January")]
    )
    days += [
        (easter_sunday(year) - dt.timedelta(days=2), "Good Friday"),
        (_first_monday(year, 5), "Early May bank holiday"),
        (_last_monday(year, 5), "Spring bank holiday"),
        (_first_monday(year, 8), "Summer bank holiday"),
    ]
    days += _with_substitutes([(dt.date(year, 11, 30), "St Andrew's Day")])
    days += _with_substitutes(
        [(dt.date(year, 12, 25), "Christmas Day"), (dt.date(year, 12, 26), "Boxing Day")]
    )
    for date, name, replaces in ONE_OFF:
        if date.year != year:
            continue
        if replaces is not None:
            days = [(d, n) for d, n in days if d != replaces]
        days.append((date, name))
    return sorted(days)


def render() -> str:
    """Return the CSV text for every year from FIRST_YEAR to LAST_YEAR."""
    lines = ["date,name"]
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        lines += [f"{d.isoformat()},{name}" for d, name in holidays(year)]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Write the CSV next to this module."""
    CSV_PATH.write_text(render(), encoding="utf-8")
    print(f"wrote {CSV_PATH}")


if __name__ == "__main__":  # pragma: no cover
    main()
