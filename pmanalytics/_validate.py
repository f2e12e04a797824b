"""Argument checks shared by every public function: one home for each rule.

Every check names the parameter and echoes the value it was given, and raises the
error class the caller passes (a :class:`~pmanalytics.PMError` subclass that is also
a ``ValueError``), so a feature keeps its own exception type.

Examples
--------
>>> check_int("workers", 2, minimum=1)
2
>>> check_int("workers", True, minimum=1)
Traceback (most recent call last):
...
pmanalytics._errors.ArgumentError: 'workers' must be an int >= 1, got True
>>> user_date("2024-03-31")
datetime.date(2024, 3, 31)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TypeVar

from ._errors import ArgumentError, PMError

T = TypeVar("T")


def check_int(
    name: str,
    value: object,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    error: type[PMError] = ArgumentError,
) -> int:
    """``value`` if it is an int (not a bool) within ``[minimum, maximum]``, else ``error``.

    Examples
    --------
    >>> check_int("k", 3, minimum=1, maximum=5)
    3
    >>> check_int("k", 9, minimum=1, maximum=5)
    Traceback (most recent call last):
    ...
    pmanalytics._errors.ArgumentError: 'k' must be an int from 1 to 5, got 9
    """
    ok = isinstance(value, int) and not isinstance(value, bool)
    if ok and minimum is not None and value < minimum:  # type: ignore[operator]
        ok = False
    if ok and maximum is not None and value > maximum:  # type: ignore[operator]
        ok = False
    if not ok:
        raise error(f"{name!r} must be {_int_range(minimum, maximum)}, got {value!r}")
    return value  # type: ignore[return-value]


def check_number(
    name: str,
    value: object,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    error: type[PMError] = ArgumentError,
) -> float:
    """``value`` as a float if it is a real number (not a bool) within the bounds.

    Examples
    --------
    >>> check_number("slack", 0.5, minimum=0, maximum=1)
    0.5
    >>> check_number("slack", "0.5")
    Traceback (most recent call last):
    ...
    pmanalytics._errors.ArgumentError: 'slack' must be a number, got '0.5'
    """
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value == value
    number = float(value) if ok else 0.0  # type: ignore[arg-type]
    if ok and minimum is not None and number < minimum:
        ok = False
    if ok and maximum is not None and number > maximum:
        ok = False
    if not ok:
        bounds = ""
        if minimum is not None and maximum is not None:
            bounds = f" from {minimum:g} to {maximum:g}"
        elif minimum is not None:
            bounds = f" >= {minimum:g}"
        elif maximum is not None:
            bounds = f" <= {maximum:g}"
        raise error(f"{name!r} must be a number{bounds}, got {value!r}")
    return number


def check_bool(name: str, value: object, *, error: type[PMError] = ArgumentError) -> bool:
    """``value`` if it is exactly ``True`` or ``False``."""
    if not isinstance(value, bool):
        raise error(f"{name!r} must be True or False, got {value!r}")
    return value


def check_choice(
    name: str, value: object, choices: Iterable[T], *, error: type[PMError] = ArgumentError
) -> T:
    """``value`` if it is one of ``choices``; the error lists them.

    Examples
    --------
    >>> check_choice("freq", "month", ("week", "month"))
    'month'
    >>> check_choice("freq", "day", ("week", "month"))
    Traceback (most recent call last):
    ...
    pmanalytics._errors.ArgumentError: 'freq' must be one of week, month, got 'day'
    """
    options = list(choices)
    if value not in options:
        names = ", ".join("None" if c is None else str(c) for c in options)
        raise error(f"{name!r} must be one of {names}, got {value!r}")
    return value


def user_date(value: object, name: str = "as_of", *, error: type[PMError] = ArgumentError) -> date:
    """The calendar date a user meant: from a ``date``, a ``datetime`` or an ISO string.

    This is the one rule for turning user input into a day. A ``datetime`` gives the
    date on its own clock (``2024-01-11T05:00+10:00`` is 11 January, wherever the code
    runs); a string may be a date or a date-time in ISO 8601.

    Examples
    --------
    >>> user_date("2024-01-11T05:00+10:00")
    datetime.date(2024, 1, 11)
    >>> user_date("yesterday")
    Traceback (most recent call last):
    ...
    pmanalytics._errors.ArgumentError: 'as_of' must be a date (YYYY-MM-DD), got 'yesterday'
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            try:
                return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
            except ValueError:
                pass
    raise error(f"{name!r} must be a date (YYYY-MM-DD), got {value!r}")


def _int_range(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"an int from {minimum} to {maximum}"
    if minimum is not None:
        return f"an int >= {minimum}"
    if maximum is not None:
        return f"an int <= {maximum}"
    return "an int"
