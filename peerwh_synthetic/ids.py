"""Identifiers: NPI check digits and the text form of every generated key.

Keys are numbers inside the generator; the writer turns them into text in DuckDB with the SQL
forms below, and the answer key uses the Python forms, which produce the same text.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]

CERTIFICANT = ("P", 7)
CERTIFICATION_NUMBER = ("CPSS", 6)
EVENT = ("EV", 9)
EMPLOYMENT = ("EMP", 7)
CLAIM = ("CLM", 10)
COMPLAINT = ("CMP", 6)
COMPLAINT_EVENT = ("CX", 8)


def npi_check_digit(base9: IntArray) -> IntArray:
    """Luhn check digit for 9-digit NPI bases (prefix 80840 contributes the constant 24)."""
    base = np.asarray(base9, dtype=np.int64)
    total = np.full(base.shape, 24, dtype=np.int64)
    for position in range(9):  # position 0 = rightmost digit of the base, which is doubled
        digit = (base // 10**position) % 10
        if position % 2 == 0:
            digit = digit * 2
            digit = digit // 10 + digit % 10
        total += digit
    return (10 - total % 10) % 10


def make_npis(base9: IntArray) -> IntArray:
    """Valid 10-digit NPIs from 9-digit bases (100000000..999999999)."""
    base = np.asarray(base9, dtype=np.int64)
    return base * 10 + npi_check_digit(base)


def npi_is_valid(npi: str) -> bool:
    if len(npi) != 10 or not npi.isdigit():
        return False
    return int(npi[-1]) == int(npi_check_digit(np.array([int(npi[:9])]))[0])


def break_npi(npi: IntArray) -> IntArray:
    """The same NPI with a wrong check digit."""
    n = np.asarray(npi, dtype=np.int64)
    return n - n % 10 + (n % 10 + 1) % 10


def sql_id(col: str, prefix: str, width: int) -> str:
    return f"'{prefix}' || lpad(CAST({col} AS VARCHAR), {width}, '0')"


def text_id(kind: tuple[str, int], number: int) -> str:
    prefix, width = kind
    return f"{prefix}{int(number):0{width}d}"


def sql_cin(col: str) -> str:
    """``col`` = number * 26 + letter index: 8 digits then an upper-case letter."""
    return f"lpad(CAST({col} // 26 AS VARCHAR), 8, '0') || chr(65 + CAST({col} % 26 AS INTEGER))"


def cin(code: int) -> str:
    return f"{int(code) // 26:08d}{chr(65 + int(code) % 26)}"


def sql_date(col: str) -> str:
    return f"(DATE '1970-01-01' + CAST({col} AS INTEGER))"


def sql_timestamp(col: str) -> str:
    """``col`` holds seconds since 1970-01-01 (no time zone)."""
    return f"strftime(make_timestamp(CAST({col} AS BIGINT) * 1000000), '%Y-%m-%dT%H:%M:%S')"


def sql_month(col: str) -> str:
    """``col`` holds months since 1970-01."""
    return (
        f"CAST(1970 + CAST({col} AS INTEGER) // 12 AS VARCHAR) || '-' || "
        f"lpad(CAST(CAST({col} AS INTEGER) % 12 + 1 AS VARCHAR), 2, '0')"
    )
