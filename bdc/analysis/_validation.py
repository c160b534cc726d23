"""Input checks shared by the ``bdc.analysis`` modules (private).

Every public function validates its input here so that bad input always raises ``ValueError``
with a message that starts with the name of the offending parameter.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

DIRECTIONS = ("increase", "decrease")


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def as_bool(value: Any) -> bool | None:
    """``value`` as a Python bool if it is a bool (Python or numpy), else None."""
    if isinstance(value, bool):
        return value
    dtype = getattr(value, "dtype", None)
    if dtype is not None and getattr(dtype, "kind", "") == "b" and getattr(value, "ndim", 1) == 0:
        return bool(value)
    return None


def as_float_list(
    values: Any, name: str, *, min_len: int = 0, allow_none: bool = False
) -> list[float]:
    """Convert a sequence of real numbers to a list of Python floats.

    Raises ``ValueError`` naming ``name`` when ``values`` is not a sequence of finite real
    numbers (booleans are refused: ``True`` is not a measurement), or is shorter than
    ``min_len``.
    """
    if values is None or isinstance(values, str | bytes):
        raise ValueError(f"{name}: must be a sequence of numbers")
    try:
        items = list(values)
    except TypeError:
        raise ValueError(f"{name}: must be a sequence of numbers") from None
    # The common case checked at C speed: plain floats only, and a finite sum (inf or nan
    # anywhere makes the sum inf or nan; an overflowing sum takes the item-by-item path).
    if set(map(type, items)) <= {float} and math.isfinite(sum(items)):
        if len(items) < min_len:
            raise ValueError(f"{name}: needs at least {min_len} value(s), got {len(items)}")
        return items
    out: list[float] = []
    for i, v in enumerate(items):
        if v is None and allow_none:
            out.append(math.nan)
            continue
        # Plain floats are by far the common case; the numbers.Real check costs ~15x more.
        # numpy scalars are numbers.Real; numpy.bool_ is not, and is refused with bool.
        if type(v) is not float and not _is_real(v):
            raise ValueError(f"{name}[{i}]: must be a real number, got {v!r}")
        f = float(v)
        if not math.isfinite(f):
            raise ValueError(f"{name}[{i}]: must be finite, got {v!r}")
        out.append(f)
    if len(out) < min_len:
        raise ValueError(f"{name}: needs at least {min_len} value(s), got {len(out)}")
    return out


def as_sessions(sessions: Any, n: int, name: str = "sessions") -> list[float]:
    """The x values of a series: ``sessions`` if given (same length as the values), else 1..n."""
    if sessions is None:
        return [float(i) for i in range(1, n + 1)]
    xs = as_float_list(sessions, name)
    if len(xs) != n:
        raise ValueError(f"{name}: must have the same length as values ({n}), got {len(xs)}")
    return xs


def check_direction(direction: Any) -> str:
    """``direction`` if it is ``"increase"`` or ``"decrease"``; None and anything else raise."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction: must be 'increase' or 'decrease', got {direction!r}")
    return direction


def refuse_direction(direction: Any, function: str, why: str) -> None:
    """Refuse a ``direction`` passed to a function that has no use for it.

    The keyword is accepted (so that a caller looping over measures with
    ``direction=...`` gets a clear ``ValueError`` rather than a ``TypeError``), but any
    value other than None is an error: silently ignoring it would hide a misunderstanding.
    """
    if direction is not None:
        raise ValueError(f"direction: does not apply to {function} ({why}), got {direction!r}")


def check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    """``value`` if it is one of ``choices``, else ``ValueError`` naming ``name``."""
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name}: must be one of {listed}, got {value!r}")
    return value


def check_percent(value: Any, name: str) -> float:
    if not _is_real(value) or not math.isfinite(float(value)) or not 0 <= float(value) <= 100:
        raise ValueError(f"{name}: must be a number from 0 to 100, got {value!r}")
    return float(value)


def check_positive_int(value: Any, name: str, *, minimum: int = 1) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name}: must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_positive_number(value: Any, name: str) -> float:
    if not _is_real(value) or not math.isfinite(float(value)) or float(value) <= 0:
        raise ValueError(f"{name}: must be a positive number, got {value!r}")
    return float(value)


def as_list(values: Any, name: str) -> list[Any]:
    """A generic sequence (not a string) as a list."""
    if values is None or isinstance(values, str | bytes):
        raise ValueError(f"{name}: must be a sequence")
    if isinstance(values, Iterable):
        return list(values)
    raise ValueError(f"{name}: must be a sequence")


def same_length(a: Sequence[Any], b: Sequence[Any], name_a: str, name_b: str) -> None:
    if len(a) != len(b):
        raise ValueError(
            f"{name_b}: must be as long as {name_a} ({len(a)} items), got {len(b)} items"
        )


def median(xs: Sequence[float]) -> float:
    """Median of a non-empty sequence (mean of the two middle values for even length)."""
    s = sorted(xs)
    n = len(s)
    mid = n // 2
    if n % 2:
        return float(s[mid])
    return (s[mid - 1] + s[mid]) / 2.0


def mean(xs: Sequence[float]) -> float:
    return math.fsum(xs) / len(xs)


def sample_sd(xs: Sequence[float]) -> float | None:
    """Standard deviation with the n - 1 denominator; None for fewer than two values."""
    n = len(xs)
    if n < 2:
        return None
    m = mean(xs)
    return math.sqrt(math.fsum((x - m) ** 2 for x in xs) / (n - 1))


def sign(x: float) -> int:
    return (x > 0) - (x < 0)
