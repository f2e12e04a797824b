"""What every metrics module shares: the error, argument checks, periods and the day cutoff."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Literal

import pandas as pd

from .._errors import PMError
from .._validate import check_choice, check_int, user_date
from ..corpus import Corpus

Freq = Literal["week", "month", "quarter"]
GroupBy = Literal["severity", "service", "team"]

_FREQS = {"week": "W-SUN", "month": "M", "quarter": "Q"}
#: One day, in microseconds like every timestamp (so a post-mortem from 1628 fits).
DAY = pd.Timedelta(days=1).as_unit("us")


class MetricsError(PMError, ValueError):
    """A metric was asked for with an invalid parameter (the message names it and its value)."""


def to_date(value: object, name: str = "as_of") -> date:
    """The calendar day a user meant, by :func:`pmanalytics._validate.user_date`.

    A ``datetime`` means the date on its own clock; an error is a :class:`MetricsError`.

    Examples
    --------
    >>> to_date("2024-03-31")
    datetime.date(2024, 3, 31)
    >>> to_date("yesterday")
    Traceback (most recent call last):
    ...
    pmanalytics.metrics._common.MetricsError: 'as_of' must be a date (YYYY-MM-DD), got 'yesterday'
    """
    return user_date(value, name, error=MetricsError)


def check_freq(freq: object) -> str:
    """The pandas period code of ``freq`` (week, month or quarter)."""
    return _FREQS[check_choice("freq", freq, _FREQS, error=MetricsError)]


def check_by(by: object, allowed: Sequence[str | None]) -> None:
    """Raise :class:`MetricsError` unless ``by`` is one of ``allowed``."""
    check_choice("by", by, allowed, error=MetricsError)


def check_days(value: object, name: str) -> int:
    """``value`` if it is an int >= 0 (a number of days)."""
    return check_int(name, value, minimum=0, error=MetricsError)


def incidents_of(data: Corpus | pd.DataFrame) -> pd.DataFrame:
    """The incidents table of a corpus, or the table itself."""
    return data.incidents if isinstance(data, Corpus) else data


def cutoff(as_of: date) -> pd.Timestamp:
    """The first instant after ``as_of`` (UTC): events before it have happened.

    A timestamp counts on its UTC date, as in :class:`pmanalytics.Action`.
    """
    return pd.Timestamp(as_of, tz="UTC").as_unit("us") + DAY


def days(count: int) -> pd.Timedelta:
    """``count`` days, in microseconds (adding it to a 1628 timestamp does not overflow)."""
    return pd.Timedelta(days=count).as_unit("us")


def period_starts(values: Iterable[pd.Period]) -> pd.DatetimeIndex:
    """The first instant of each period, naive, in microseconds (``start_time`` would be in
    nanoseconds, which cannot hold 1628).

    Examples
    --------
    >>> period_starts(pd.period_range("1628-08", periods=2, freq="M")).tolist()
    [Timestamp('1628-08-01 00:00:00'), Timestamp('1628-09-01 00:00:00')]
    """
    firsts = [period.asfreq("D", how="start") for period in values]
    return pd.DatetimeIndex(
        [datetime(day.year, day.month, day.day) for day in firsts], dtype="datetime64[us]"
    )


def periods(started: pd.Series, freq: str, tz: str) -> pd.Series:
    """The period (of pandas code ``freq``) of each timestamp, on the calendar of ``tz``."""
    local = started.dt.tz_convert(tz).dt.tz_localize(None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "converting to Period drops the time zone"
        found: pd.Series = local.dt.to_period(freq)
    return found
