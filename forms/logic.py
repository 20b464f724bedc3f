"""A small, pure JSON Logic evaluator with the form builder's domain operations.

`evaluate(logic, data)` follows json-logic-js 2.x (the reference implementation, vendored
for the browser in `forms/static/forms/vendor/logic.js`) operation by operation, including
its JavaScript semantics: truthiness (`[]`, `""`, `0` and `null` are falsy, `"0"` and `{}`
are truthy), loose `==` between numbers, strings and booleans, `+` and `*` parsing strings
with `parseFloat`, `-`, `/` and `%` casting with `Number()`, comparisons of strings as
strings, numbers shown the way JavaScript shows them in `cat`. The official conformance
suite (`tests/forms/data/jsonlogic_tests.json`) passes in full, and the browser gives the
same results as this module (`tests/forms/test_logic_js_parity.py`).

Numbers come back as Python `int` when they are whole (JavaScript has one number type,
so `{"+": [1, 2]}` gives `3`, not `3.0`); NaN and infinities stay floats.

Domain operations, on top of standard JSON Logic (same names and semantics in
`forms/static/forms/logic-ops.js`):

=============================  ==========================================================
operation                      result
=============================  ==========================================================
``{"age": [date, on?]}``       whole years from ``date`` to ``on`` (default: the
                               ``today`` given to `evaluate`, else ``date.today()``)
``{"days_between": [a, b]}``   days from ``a`` to ``b`` (negative when ``b`` is earlier)
``{"months_between": [a, b]}`` whole months from ``a`` to ``b``
``{"today": []}``              today's date as ``YYYY-MM-DD``
``{"now": []}``                the date and time to the minute as ``YYYY-MM-DDTHH:MM``
                               (the ``now`` given to `evaluate`, else the local time)
``{"add_days": [date, n]}``    the date ``n`` days after ``date``, as ``YYYY-MM-DD``
=============================  ==========================================================

Dates are ISO ``YYYY-MM-DD`` strings (``datetime.date`` objects are accepted too). A null,
missing or unparseable date, or a non-integer ``n``, gives ``null``: forms evaluate logic on
partially filled answers, so these operations never raise. A month or year is whole once
the day of the month is reached again (someone born on 29 February turns a year older on
1 March in common years); spans backwards are negative and symmetric, e.g.
``months_between("2024-03-15", "2024-01-20")`` is ``-1``.

Only `LogicError` is raised, and only where json-logic-js throws: an unknown operation,
``{"*": []}``, ``missing_some`` over null, and expressions nested too deeply.
JavaScript's `undefined` (the value of ``{"and": []}``, say) behaves as `undefined` inside
an evaluation and is returned as ``None``, also inside returned lists.
"""

from __future__ import annotations

import contextvars
import datetime
import functools
import logging
import math
import numbers
import re
from collections.abc import Mapping

__all__ = ["OPERATIONS", "LogicError", "check", "evaluate", "truthy", "variables"]

logger = logging.getLogger(__name__)


class LogicError(ValueError):
    """A malformed expression or an unknown operation (the message names the operation)."""


class _Undefined:
    """JavaScript's `undefined`: an argument not given, a property not there, the value of
    `{"and": []}`... It behaves as in JavaScript inside an evaluation and comes out as None.
    """

    __slots__ = ()

    def __repr__(self):
        return "undefined"


_U = _Undefined()
_NAN = math.nan
_INF = math.inf
_MAX_SAFE = 2.0**53

_TODAY: contextvars.ContextVar[datetime.date | None] = contextvars.ContextVar(
    "forms_logic_today", default=None
)
_NOW: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar(
    "forms_logic_now", default=None
)


# --- JavaScript conversions ------------------------------------------------------------

# Kinds of value, as JavaScript's typeof sees them (arrays and objects are both objects).
_NULL, _UNDEF, _BOOL, _NUM, _STR, _OBJ = range(6)
_KIND = {
    str: _STR,
    int: _NUM,
    float: _NUM,
    bool: _BOOL,
    type(None): _NULL,
    list: _OBJ,
    dict: _OBJ,
    tuple: _OBJ,
    _Undefined: _UNDEF,
}

# StrWhiteSpaceChar: what Number() and String.prototype.trim() strip.
_JS_WS = (
    " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_DECIMAL = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_NON_DECIMAL = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")
_DIGITS = re.compile(r"-?[0-9]+")


def _foreign(v):
    """(value, kind) for Python values JSON has no word for: dates act as ISO strings."""
    if isinstance(v, datetime.date):
        return v.isoformat(), _STR
    if isinstance(v, str):
        return str(v), _STR
    if isinstance(v, bool):
        return bool(v), _BOOL
    if isinstance(v, numbers.Number):
        return float(v), _NUM
    return v, _OBJ


def _str_to_number(s):
    """JavaScript's StringToNumber (what `Number("...")` does)."""
    if s.isascii() and s.isdigit():
        return int(s)
    s = s.strip(_JS_WS)
    if not s:
        return 0
    if _DECIMAL.fullmatch(s):
        if s[-1] == "y":  # [+-]Infinity
            return -_INF if s[0] == "-" else _INF
        return float(s)
    if _NON_DECIMAL.fullmatch(s):
        return int(s[2:], {"x": 16, "o": 8, "b": 2}[s[1].lower()])
    return _NAN


def _to_number(v):
    """JavaScript's ToNumber."""
    t = type(v)
    if t is int or t is float:
        return v
    if t is str:
        return _str_to_number(v)
    if t is bool:
        return 1 if v else 0
    if v is None:
        return 0
    if v is _U:
        return _NAN
    if t is list or t is tuple:
        return _str_to_number(_join(v, ","))
    v, kind = _foreign(v)
    if kind == _OBJ:
        return _str_to_number(_to_primitive(v)) if isinstance(v, (list, tuple)) else _NAN
    return _to_number(v)


def _parse_float(v):
    """JavaScript's parseFloat: the longest decimal prefix of String(v), else NaN."""
    t = type(v)
    if t is int or t is float:
        return v
    m = _DECIMAL.match(_to_string(v).lstrip(_JS_WS))
    if m is None:
        return _NAN
    s = m.group()
    if s[-1] == "y":
        return -_INF if s[0] == "-" else _INF
    return float(s)


def _num_to_str(x):
    """JavaScript's Number::toString (shortest round-trip digits, JS exponent rules)."""
    if type(x) is int:
        if -_MAX_SAFE <= x <= _MAX_SAFE:
            return str(x)
        x = float(x)  # what JavaScript holds for it
    if x != x:
        return "NaN"
    if x in (_INF, -_INF):
        return "Infinity" if x > 0 else "-Infinity"
    if x.is_integer():
        if -_MAX_SAFE <= x <= _MAX_SAFE:
            return str(int(x))  # also turns -0 into "0"
    else:
        r = repr(x)
        if "e" not in r:
            return r
    # Shortest round-trip digits (as repr finds them), placed by JavaScript's rules.
    sign = "-" if x < 0 else ""
    mantissa, _, exp = repr(abs(x)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    point = int(exp or 0) - len(frac)
    stripped = digits.rstrip("0")
    point += len(digits) - len(stripped)
    digits = stripped
    k = len(digits)
    n = point + k  # value = 0.digits * 10**n
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    e = n - 1
    head = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{sign}{head}e{'+' if e >= 0 else '-'}{abs(e)}"


def _join(items, sep):
    """Array.prototype.join: null and undefined become empty strings."""
    return sep.join("" if x is None or x is _U else _to_string(x) for x in items)


def _to_string(v):
    """JavaScript's ToString."""
    t = type(v)
    if t is str:
        return v
    if t is int or t is float:
        return _num_to_str(v)
    if t is bool:
        return "true" if v else "false"
    if v is None:
        return "null"
    if v is _U:
        return "undefined"
    if t is list or t is tuple:
        return _join(v, ",")
    if t is dict:
        return "[object Object]"
    v, kind = _foreign(v)
    return _to_primitive(v) if kind == _OBJ else _to_string(v)


def _to_primitive(v):
    """ToPrimitive for objects: arrays join with commas, other objects are "[object Object]"."""
    if isinstance(v, (list, tuple)):
        return _join(v, ",")
    if isinstance(v, (Mapping, dict)):
        return "[object Object]"
    if isinstance(v, datetime.date):
        return v.isoformat()
    return v if type(v) in _KIND else _foreign(v)[0]


def _num_out(x):
    """Whole floats back to int (JavaScript has one number type); -0, NaN, infinities stay."""
    if (
        type(x) is float
        and x.is_integer()
        and -_MAX_SAFE <= x <= _MAX_SAFE
        and (x or math.copysign(1.0, x) > 0)
    ):
        return int(x)
    return x


def _truthy(v):
    """JSON Logic truthiness: JavaScript's, except that an empty array is falsy."""
    t = type(v)
    if t is bool:
        return v
    if t is str or t is list or t is tuple:
        return len(v) > 0
    if t is int:
        return v != 0
    if t is float:
        return v == v and v != 0
    if v is None or v is _U:
        return False
    if t is dict:
        return True
    v, kind = _foreign(v)
    return kind == _OBJ or _truthy(v)


def _js_falsy(v):
    """Plain JavaScript falsiness (`!v`), where an empty array is truthy."""
    return not _truthy(v) and type(v) is not list and type(v) is not tuple


def _loose_eq(a, b):
    """JavaScript's `==` (IsLooselyEqual)."""
    ka = _KIND.get(type(a))
    if ka is None:
        a, ka = _foreign(a)
    kb = _KIND.get(type(b))
    if kb is None:
        b, kb = _foreign(b)
    if ka == kb:
        return a is b if ka == _OBJ else a == b
    if ka <= _UNDEF or kb <= _UNDEF:
        return ka <= _UNDEF and kb <= _UNDEF  # null == undefined, and nothing else
    if ka == _BOOL:
        return _loose_eq(1 if a else 0, b)
    if kb == _BOOL:
        return _loose_eq(a, 1 if b else 0)
    if ka == _NUM and kb == _STR:
        return a == _str_to_number(b)
    if ka == _STR and kb == _NUM:
        return _str_to_number(a) == b
    if ka == _OBJ:
        return _loose_eq(_to_primitive(a), b)
    return _loose_eq(a, _to_primitive(b))


def _strict_eq(a, b):
    """JavaScript's `===`: same type and value; arrays and objects only equal themselves."""
    ka = _KIND.get(type(a))
    if ka is None:
        a, ka = _foreign(a)
    kb = _KIND.get(type(b))
    if kb is None:
        b, kb = _foreign(b)
    if ka != kb:
        return False
    return a is b if ka == _OBJ else a == b


def _utf16(s):
    return s.encode("utf-16-be", "surrogatepass")


def _astral(s):
    return not s.isascii() and max(s) > "\uffff"


def _compare_pair(a, b):
    """Operands of `<` and friends after JavaScript's conversions.

    Python's float comparisons are false whenever NaN is involved, as JavaScript's are.
    """
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return a, b
    if ta is not str:
        a = _to_primitive(a) if ta not in _KIND or _KIND[ta] == _OBJ else a
    if tb is not str:
        b = _to_primitive(b) if tb not in _KIND or _KIND[tb] == _OBJ else b
    if type(a) is str and type(b) is str:
        if _astral(a) or _astral(b):  # JavaScript orders strings by UTF-16 code units
            return _utf16(a), _utf16(b)
        return a, b
    return _to_number(a), _to_number(b)


def _lt(a, b):
    a, b = _compare_pair(a, b)
    return a < b


def _le(a, b):
    a, b = _compare_pair(a, b)
    return a <= b


def _to_integer(v):
    """ToIntegerOrInfinity."""
    n = _to_number(v)
    if n != n:
        return 0
    if n in (_INF, -_INF):
        return n
    return int(n)


def _substr(s, start, length=_U):
    """String.prototype.substr, counted in UTF-16 code units like JavaScript."""
    astral = _astral(s)
    units = _utf16(s) if astral else s
    size = len(units) // 2 if astral else len(units)
    begin = _to_integer(start)
    if begin == -_INF:
        begin = 0
    elif begin < 0:
        begin = max(size + begin, 0)
    else:
        begin = min(begin, size)
    count = size if length is _U else _to_integer(length)
    count = min(max(count, 0), size)
    end = int(min(begin + count, size))
    begin = int(begin)
    if astral:
        return units[2 * begin : 2 * end].decode("utf-16-be", "surrogatepass")
    return units[begin:end]


def _index(part):
    """The array index a property name stands for (canonical numeric string), else None."""
    if part.isascii() and part.isdigit() and (part == "0" or part[0] != "0"):
        return int(part)
    return None


def _get(container, part):
    """`container[part]` in JavaScript terms (`_U` for undefined)."""
    t = type(container)
    if t is dict:
        return container.get(part, _U)
    if t is list or t is tuple:
        if part == "length":
            return len(container)
        i = _index(part)
        return container[i] if i is not None and i < len(container) else _U
    if t is str:
        astral = _astral(container)
        if part == "length":
            return len(_utf16(container)) // 2 if astral else len(container)
        i = _index(part)
        if i is None:
            return _U
        if astral:
            units = _utf16(container)
            if 2 * i >= len(units):
                return _U
            return units[2 * i : 2 * i + 2].decode("utf-16-be", "surrogatepass")
        return container[i] if i < len(container) else _U
    if isinstance(container, Mapping):
        return container.get(part, _U)
    if isinstance(container, str):
        return _get(str(container), part)
    if isinstance(container, (list, tuple)):
        return _get(list(container), part)
    return _U


# --- operations (module-level dispatch; each gets the data and the evaluated arguments) ---


def _op_var(data, a=_U, b=_U, *_):
    not_found = None if b is _U else b
    if a is _U or a is None or (type(a) is str and not a):
        return data
    key = a if type(a) is str else _to_string(a)
    if "." not in key:
        if data is None:
            return not_found
        value = data.get(key, _U) if type(data) is dict else _get(data, key)
        return not_found if value is _U else value
    for part in key.split("."):
        if data is None:
            return not_found
        data = _get(data, part)
        if data is _U:
            return not_found
    return data


def _op_missing(data, *args):
    keys = args[0] if args and type(args[0]) in (list, tuple) else args
    missing = []
    for key in keys:
        value = _op_var(data, *key) if type(key) in (list, tuple) else _op_var(data, key)
        if value is None or (type(value) is str and not value):
            missing.append(key)
    return missing


def _op_missing_some(data, need_count=_U, options=_U, *_):
    if options is None or options is _U:
        raise LogicError('"missing_some" needs a list of names')
    if type(options) in (list, tuple):
        are_missing = _op_missing(data, *options)
    else:
        are_missing = _op_missing(data, options)
    if isinstance(options, (list, tuple, str)):
        # options.length - are_missing.length >= need_count, compared as JavaScript does
        present, needed = _compare_pair(len(options) - len(are_missing), need_count)
        if present >= needed:
            return []
    return are_missing


def _op_eq(data, a=_U, b=_U, *_):
    return _loose_eq(a, b)


def _op_ne(data, a=_U, b=_U, *_):
    return not _loose_eq(a, b)


def _op_seq(data, a=_U, b=_U, *_):
    return _strict_eq(a, b)


def _op_sne(data, a=_U, b=_U, *_):
    return not _strict_eq(a, b)


def _op_gt(data, a=_U, b=_U, *_):
    return _lt(b, a)


def _op_ge(data, a=_U, b=_U, *_):
    return _le(b, a)


def _op_lt(data, a=_U, b=_U, c=_U, *_):
    if c is _U:
        return _lt(a, b)
    return _lt(a, b) and _lt(b, c)


def _op_le(data, a=_U, b=_U, c=_U, *_):
    if c is _U:
        return _le(a, b)
    return _le(a, b) and _le(b, c)


def _op_not(data, a=_U, *_):
    return not _truthy(a)


def _op_truthy(data, a=_U, *_):
    return _truthy(a)


def _op_mod(data, a=_U, b=_U, *_):
    x, y = _to_number(a), _to_number(b)
    if type(x) is int and type(y) is int:
        if y == 0:
            return _NAN
        r = abs(x) % abs(y)
        return -r if x < 0 else r
    if y == 0 or x != x or y != y or x in (_INF, -_INF):
        return _NAN
    if y in (_INF, -_INF):
        return _num_out(float(x))
    return _num_out(math.fmod(x, y))


def _op_log(data, a=_U, *_):
    logger.info("JSON Logic log: %r", a)
    return a


def _op_in(data, a=_U, b=_U, *_):
    if _js_falsy(b):
        return False
    if type(b) is str:
        return _to_string(a) in b
    if isinstance(b, (list, tuple)):
        return any(_strict_eq(a, x) for x in b)  # Array.prototype.indexOf
    if isinstance(b, str):
        return _to_string(a) in str(b)
    return False


def _op_cat(data, *args):
    return _join(args, "")


def _op_substr(data, source=_U, start=_U, end=_U, *_):
    if end is not _U and _lt(end, 0):
        temp = _substr(_to_string(source), start)
        size = len(_utf16(temp)) // 2 if _astral(temp) else len(temp)
        end = _to_primitive(end) if type(end) not in _KIND or _KIND[type(end)] == _OBJ else end
        length = str(size) + end if type(end) is str else size + _to_number(end)
        return _substr(temp, 0, length)
    return _substr(_to_string(source), start, end)


def _op_add(data, *args):
    total = 0
    for x in args:
        total = total + _parse_float(x)
    return _num_out(total)


def _op_mul(data, *args):
    if not args:
        raise LogicError('"*" needs at least one argument')
    if len(args) == 1:
        return args[0]  # Array.reduce without an initial value returns the only item as is
    product = _parse_float(args[0])
    for x in args[1:]:
        product = product * _parse_float(x)
    return _num_out(product)


def _op_sub(data, a=_U, b=_U, *_):
    if b is _U:
        return _num_out(-_to_number(a))
    return _num_out(_to_number(a) - _to_number(b))


def _op_div(data, a=_U, b=_U, *_):
    x, y = _to_number(a), _to_number(b)
    if y == 0:
        if x == 0 or x != x:
            return _NAN
        return math.copysign(_INF, x) * math.copysign(1.0, y)
    return _num_out(x / y)


def _op_min(data, *args):
    values = [_to_number(x) for x in args]
    if not values:
        return _INF
    if any(v != v for v in values):
        return _NAN
    return _num_out(min(values))


def _op_max(data, *args):
    values = [_to_number(x) for x in args]
    if not values:
        return -_INF
    if any(v != v for v in values):
        return _NAN
    return _num_out(max(values))


def _op_merge(data, *args):
    merged = []
    for x in args:
        if type(x) is list or type(x) is tuple:
            merged.extend(x)
        else:
            merged.append(x)
    return merged


# --- domain operations ---

_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


@functools.lru_cache(maxsize=4096)
def _iso_date(text):
    m = _ISO_DATE.fullmatch(text)
    if m is None:
        return None
    try:
        return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _date(value):
    """An ISO `YYYY-MM-DD` string or a date as a date; anything else is None."""
    if type(value) is str:
        return _iso_date(value)
    if isinstance(value, str):
        return _iso_date(str(value))
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return None


def _today():
    return _TODAY.get() or datetime.date.today()


def _whole_months(start, end):
    """Whole months from start to end: a month counts once its day of the month is reached."""
    if end < start:
        return -_whole_months(end, start)
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def _op_age(data, born=_U, on=_U, *_):
    start = _date(born)
    end = _today() if on is _U else _date(on)
    if start is None or end is None:
        return None
    months = _whole_months(start, end)
    return months // 12 if months >= 0 else -(-months // 12)


def _op_days_between(data, start=_U, end=_U, *_):
    a, b = _date(start), _date(end)
    if a is None or b is None:
        return None
    return (b - a).days


def _op_months_between(data, start=_U, end=_U, *_):
    a, b = _date(start), _date(end)
    if a is None or b is None:
        return None
    return _whole_months(a, b)


def _op_today(data, *_):
    return _today().isoformat()


def _op_now(data, *_):
    now = _NOW.get() or datetime.datetime.now()
    return now.strftime("%Y-%m-%dT%H:%M")


def _op_add_days(data, value=_U, n=_U, *_):
    start = _date(value)
    if start is None or isinstance(n, bool):
        return None
    if isinstance(n, str):
        n = _str_to_number(n) if n.strip(_JS_WS) else _NAN
    elif not isinstance(n, numbers.Real):
        return None
    try:
        if n != int(n):
            return None
        return (start + datetime.timedelta(days=int(n))).isoformat()
    except (ValueError, OverflowError):  # NaN, infinities, dates beyond year 9999
        return None


_OPS = {
    "var": _op_var,
    "missing": _op_missing,
    "missing_some": _op_missing_some,
    "==": _op_eq,
    "===": _op_seq,
    "!=": _op_ne,
    "!==": _op_sne,
    ">": _op_gt,
    ">=": _op_ge,
    "<": _op_lt,
    "<=": _op_le,
    "!": _op_not,
    "!!": _op_truthy,
    "%": _op_mod,
    "log": _op_log,
    "in": _op_in,
    "cat": _op_cat,
    "substr": _op_substr,
    "+": _op_add,
    "*": _op_mul,
    "-": _op_sub,
    "/": _op_div,
    "min": _op_min,
    "max": _op_max,
    "merge": _op_merge,
    "age": _op_age,
    "days_between": _op_days_between,
    "months_between": _op_months_between,
    "today": _op_today,
    "now": _op_now,
    "add_days": _op_add_days,
}


# --- operations that decide themselves which arguments to evaluate ---


def _sc_if(values, data):
    n = len(values)
    i = 0
    while i < n - 1:
        if _truthy(_apply(values[i], data)):
            return _apply(values[i + 1], data)
        i += 2
    if n == i + 1:
        return _apply(values[i], data)
    return None


def _sc_and(values, data):
    current = _U
    for v in values:
        current = _apply(v, data)
        if not _truthy(current):
            return current
    return current


def _sc_or(values, data):
    current = _U
    for v in values:
        current = _apply(v, data)
        if _truthy(current):
            return current
    return current


def _scope(values, data):
    items = _apply(values[0], data) if values else None
    if type(items) is not list and not isinstance(items, (list, tuple)):
        items = None
    return items, values[1] if len(values) > 1 else _U


def _sc_filter(values, data):
    items, logic = _scope(values, data)
    if items is None:
        return []
    return [item for item in items if _truthy(_apply(logic, item))]


def _sc_map(values, data):
    items, logic = _scope(values, data)
    if items is None:
        return []
    return [_apply(logic, item) for item in items]


def _sc_reduce(values, data):
    items, logic = _scope(values, data)
    accumulator = _apply(values[2], data) if len(values) > 2 else None
    if items is None:
        return accumulator
    for item in items:
        accumulator = _apply(logic, {"current": item, "accumulator": accumulator})
    return accumulator


def _sc_all(values, data):
    items, logic = _scope(values, data)
    if not items:
        return False  # all of nothing is false in JSON Logic
    for item in items:  # noqa: SIM110 - a loop is cheaper than all() over a generator
        if not _truthy(_apply(logic, item)):
            return False
    return True


def _sc_none(values, data):
    return not _sc_some(values, data)


def _sc_some(values, data):
    items, logic = _scope(values, data)
    if items:
        for item in items:
            if _truthy(_apply(logic, item)):
                return True
    return False


_SCOPED = {
    "if": _sc_if,
    "?:": _sc_if,
    "and": _sc_and,
    "or": _sc_or,
    "filter": _sc_filter,
    "map": _sc_map,
    "reduce": _sc_reduce,
    "all": _sc_all,
    "none": _sc_none,
    "some": _sc_some,
}

#: Every operation name `evaluate` knows: standard JSON Logic plus the domain operations.
OPERATIONS = frozenset(_OPS) | frozenset(_SCOPED)

_LITERAL = frozenset((str, int, float, bool, type(None)))
_ITEM_SCOPED = frozenset(("map", "filter", "reduce", "all", "none", "some"))


def _apply(logic, data):
    t = type(logic)
    if t is dict:
        if len(logic) != 1:
            return logic  # not an operation: a plain object
        for op in logic:
            values = logic[op]
            if op == "var" and type(values) is str:  # the most common node, made cheap
                if type(data) is dict and values and "." not in values:
                    value = data.get(values, _U)
                    return None if value is _U else value
                return _op_var(data, values)
            fn = _OPS.get(op)
            if fn is not None:
                # Literal arguments need no call; one and two arguments need no list.
                if type(values) is not list:
                    return fn(data, values if type(values) in _LITERAL else _apply(values, data))
                if len(values) == 2:
                    a, b = values
                    return fn(
                        data,
                        a if type(a) in _LITERAL else _apply(a, data),
                        b if type(b) in _LITERAL else _apply(b, data),
                    )
                if len(values) == 1:
                    a = values[0]
                    return fn(data, a if type(a) in _LITERAL else _apply(a, data))
                return fn(data, *[v if type(v) in _LITERAL else _apply(v, data) for v in values])
            scoped = _SCOPED.get(op)
            if scoped is not None:
                return scoped(values if type(values) is list else [values], data)
            raise LogicError(f'unknown operation "{op}"')
    if t is list:
        return [v if type(v) in _LITERAL else _apply(v, data) for v in logic]
    if t in _LITERAL or logic is _U:
        return logic
    if isinstance(logic, dict):
        return _apply(dict(logic), data)
    if isinstance(logic, (list, tuple)) and not isinstance(logic, str):
        return [_apply(v, data) for v in logic]
    return logic


def evaluate(
    logic, data, *, today: datetime.date | None = None, now: datetime.datetime | None = None
):
    """The value of a JSON Logic expression over `data`, as json-logic-js computes it.

    `today` fixes the date the domain operations `age` and `today` use (default: the
    system date), `now` the time `now` gives (default: the system's local time). Raises
    `LogicError` for an unknown operation or a malformed expression.
    """
    try:
        if now is not None:
            token = _NOW.set(now)
            try:
                return evaluate(logic, data, today=today)
            finally:
                _NOW.reset(token)
        if today is None and _TODAY.get() is None:  # the common case, without a context switch
            result = _apply(logic, data)
        else:
            token = _TODAY.set(today)
            try:
                result = _apply(logic, data)
            finally:
                _TODAY.reset(token)
    except RecursionError:
        raise LogicError("expression nested too deeply") from None
    t = type(result)
    if t is list or t is dict or result is _U:
        return _defined(result)
    return result


def truthy(value) -> bool:
    """JSON Logic truthiness (as `if`, `and`, `!!` see a value): JavaScript's, except that an
    empty list is false. So `0`, `""`, `[]`, `None` and NaN are false; `"0"` and `{}` true."""
    return _truthy(value)


def _defined(value):
    """`value` with JavaScript's undefined turned into None (copying only what holds one)."""
    if value is _U:
        return None
    t = type(value)
    if t is list:
        copy = None
        for i, item in enumerate(value):
            if item is _U or type(item) in (list, dict):
                clean = _defined(item)
                if clean is not item:
                    if copy is None:
                        copy = list(value)
                    copy[i] = clean
        return value if copy is None else copy
    if t is dict:
        copy = None
        for key, item in value.items():
            if item is _U or type(item) in (list, dict):
                clean = _defined(item)
                if clean is not item:
                    if copy is None:
                        copy = dict(value)
                    copy[key] = clean
        return value if copy is None else copy
    return value


# --- static analysis ---------------------------------------------------------------------


def _name(value):
    if type(value) is str:
        return value or None
    if type(value) in (int, float):
        return _num_to_str(value)
    return None


def _is_operation(value):
    return type(value) is dict and len(value) == 1


def variables(logic) -> set[str]:
    """The data names an expression reads, as written (`"row.relation"`, `"members"`).

    Names come from `var` and from the literal names of `missing` and `missing_some`.
    Inside `map`, `filter`, `reduce`, `all`, `none` and `some` the logic applied to each
    item reads the item (or reduce's "current"/"accumulator"), not the form's data, so only
    the first argument (and reduce's initial value) is searched. `""` (all the data) and
    names computed by logic are left out.
    """
    names: set[str] = set()
    stack = [logic]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(node)
            continue
        if not isinstance(node, dict) or len(node) != 1:
            continue
        ((op, values),) = node.items()
        if not isinstance(values, list):
            values = [values]
        if op == "var":
            if values:
                name = _name(values[0])
                if name is not None:
                    names.add(name)
                else:
                    stack.append(values[0])
            stack.extend(values[1:])
        elif op in ("missing", "missing_some"):
            keys = values
            if op == "missing_some":
                stack.extend(values[:1])
                keys = values[1:2]
            if len(keys) >= 1 and isinstance(keys[0], list):
                keys = keys[0]
            for key in keys:
                name = _name(key)
                if name is not None:
                    names.add(name)
                else:
                    stack.append(key)
        elif op in _ITEM_SCOPED:
            stack.extend(values[:1])
            if op == "reduce":
                stack.extend(values[2:3])
        else:
            stack.extend(values)
    return names


def check(logic) -> list[str]:
    """Structural problems of an expression, found without evaluating it ([] when fine).

    Reports unknown operations (`unknown operation "foo"`), objects with more than one
    key (or none) where an operation is expected, `{"*": []}` and values JSON cannot hold.
    """
    problems: list[str] = []
    stack = [logic]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            if len(node) != 1:
                keys = ", ".join(f'"{k}"' for k in node)
                problems.append(
                    f"an operation needs exactly one key, found {len(node)}"
                    + (f": {keys}" if keys else "")
                )
                continue
            ((op, values),) = node.items()
            if op not in OPERATIONS:
                problems.append(f'unknown operation "{op}"')
            elif op == "*" and values == []:
                problems.append('"*" needs at least one argument')
            stack.extend(reversed(values) if isinstance(values, list) else [values])
        elif node is not None and not isinstance(node, (str, int, float)):
            problems.append(f"not a JSON value: {type(node).__name__}")
    return list(dict.fromkeys(problems))
