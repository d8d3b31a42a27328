"""Calendar arithmetic on day numbers (days since 1970-01-01), vectorised with numpy.

Every date in the generator is an ``int64`` day number; conversion to text happens only when
files are written. Nothing here reads the clock: the generator's "today" is the fixed ``AS_OF``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

IntArray = NDArray[np.int64]

EPOCH = np.datetime64("1970-01-01", "D")
NEVER = 1_000_000  # a day number far beyond any generated date (year ~4700): "no end"
NO_DATE = -1_000_000  # "no date" (NULL) in date columns; -1 would be 1969-12-31


def day(iso_date: str) -> int:
    """Day number of an ISO date string."""
    return int((np.datetime64(iso_date, "D") - EPOCH).astype(np.int64))


def iso(day_number: int) -> str:
    """ISO text of one day number."""
    return str(EPOCH + np.timedelta64(int(day_number), "D"))


AS_OF = day("2026-10-31")  # the generator's fixed "today"
EVENT_CUTOFF = day("2026-09-30")  # last date of any business event
SERVICE_START = day("2022-07-01")  # benefit go-live
SERVICE_END = day("2026-09-30")
MAIN_EXTRACT = day("2026-10-05")  # extract date of the single-file feeds
CORRECTION_EXTRACT = day("2026-10-26")  # certificants / employment re-delivery
CLAIMS_CORRECTION_EXTRACT = day("2026-10-30")
SI_EXTRACT = day("2026-10-01")
H0050_RATE_START = day("2023-11-01")  # BILL-04
GRANDPARENT_CLOSE = day("2023-06-30")  # CERT-08


def to_datetime64(days: ArrayLike) -> NDArray[np.datetime64]:
    return EPOCH + np.asarray(days, dtype=np.int64).astype("timedelta64[D]")


def from_datetime64(values: NDArray[np.datetime64]) -> IntArray:
    return (values.astype("datetime64[D]") - EPOCH).astype(np.int64)


def ymd(days: ArrayLike) -> tuple[IntArray, IntArray, IntArray]:
    dt = to_datetime64(days)
    months = dt.astype("datetime64[M]")
    year = dt.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    dom = (dt - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, dom


def from_ymd(year: ArrayLike, month: ArrayLike, dom: ArrayLike) -> IntArray:
    y = np.asarray(year, dtype=np.int64)
    m = np.asarray(month, dtype=np.int64)
    first = ((y - 1970) * 12 + (m - 1)).astype("datetime64[M]").astype("datetime64[D]")
    return from_datetime64(first) + np.asarray(dom, dtype=np.int64) - 1


def add_years(days: ArrayLike, years: int) -> IntArray:
    """Same month and day ``years`` later (29 February becomes 28 February)."""
    y, m, d = ymd(days)
    d = np.where((m == 2) & (d == 29), 28, d)
    return from_ymd(y + years, m, d)


def no_feb29(days: ArrayLike) -> IntArray:
    """Move 29 February to the 28th, so that "two years later" is unambiguous."""
    arr = np.asarray(days, dtype=np.int64)
    _, m, d = ymd(arr)
    return np.where((m == 2) & (d == 29), arr - 1, arr)


def month_index(days: ArrayLike) -> IntArray:
    """Months since 1970-01 (0 = January 1970)."""
    return to_datetime64(days).astype("datetime64[M]").astype(np.int64)


def month_first_day(months: ArrayLike) -> IntArray:
    m = np.asarray(months, dtype=np.int64)
    return from_datetime64(m.astype("datetime64[M]").astype("datetime64[D]"))


def month_last_day(months: ArrayLike) -> IntArray:
    return month_first_day(np.asarray(months, dtype=np.int64) + 1) - 1


def month_text(month: int) -> str:
    """``YYYY-MM`` of a month index."""
    return str(np.datetime64(int(month), "M"))


def quarter_index(days: ArrayLike) -> IntArray:
    return month_index(days) // 3


def business_days_after(days: ArrayLike, n: ArrayLike) -> IntArray:
    """The date ``n`` business days (Mon-Fri) after ``days`` (rolled forward off weekends)."""
    return from_datetime64(
        np.busday_offset(to_datetime64(days), np.asarray(n, dtype=np.int64), roll="forward")
    )


def roll_to_weekday(days: ArrayLike) -> IntArray:
    return business_days_after(days, 0)


def age_on(dob: ArrayLike, on: ArrayLike) -> IntArray:
    """Completed years of age on a date."""
    by, bm, bd = ymd(dob)
    oy, om, od = ymd(on)
    before_birthday = (om < bm) | ((om == bm) & (od < bd))
    return oy - by - before_birthday.astype(np.int64)
