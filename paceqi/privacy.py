"""Disclosure control for published tables, and per-report pseudonyms for child ids.

* :func:`suppress` hides small counts (primary suppression, default below 5) and then hides
  further cells so that no hidden cell can be worked out from row or column totals
  (secondary, or complementary, suppression).
* :func:`count_text`, :func:`percent` and :func:`redact_text` / :func:`redact_html` apply the
  same rule to prose, chart labels and percentages: no count of 1 to ``MIN_COUNT - 1``
  children is published anywhere, and no percentage of fewer than ``MIN_COUNT`` children.
* :func:`public_path` turns a local path into one fit to print (relative to the project, or
  the file name), and :func:`handling_marking` gives the marking every report carries.
* :func:`pseudonymise` replaces child ids with a keyed hash that is stable within one report and
  unlinkable across reports: ``HMAC-SHA256(report_key, authority | child_id)`` where
  ``report_key = HMAC-SHA256(secret, report_id)``. Without the secret, ids in two reports cannot
  be matched, nor traced back to the extract.
"""

from __future__ import annotations

import hashlib
import hmac
import html as _html
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import SupportsFloat, SupportsIndex, SupportsInt

import numpy as np
import pandas as pd

from paceqi._paths import project_root
from paceqi.errors import OptionsError

__all__ = [
    "suppress",
    "pseudonymise",
    "report_key",
    "is_small",
    "count_text",
    "percent",
    "redact_text",
    "redact_html",
    "small_count_phrases",
    "public_path",
    "handling_marking",
    "MIN_COUNT",
    "MIN_TIMELINE_GROUP",
    "HANDLING_MARKING",
    "MARKING_ENV",
    "SECRET_ENV",
]

#: Smallest count published by default. Statistical disclosure practice in Scottish and UK
#: official statistics on children's social work (e.g. Scottish Government Children's Social
#: Work Statistics suppress counts below 5); configurable per report.
MIN_COUNT = 5

#: Fewest children for a chart that draws one dated timeline per child (the journeys chart).
#: A timeline of a handful of children in one small authority can identify each of them even
#: without counts (dates of becoming looked after, of hearings); four times the count threshold
#: keeps every drawn journey one of at least 20.
MIN_TIMELINE_GROUP = 4 * MIN_COUNT

#: Default protective marking printed in every report's masthead and footer (Government
#: Security Classifications: OFFICIAL-SENSITIVE is the handling caveat for personal data of
#: vulnerable people). Override with the environment variable :data:`MARKING_ENV`.
HANDLING_MARKING = "OFFICIAL-SENSITIVE: contains information about looked after children"

#: Environment variable that replaces the handling marking (e.g. for synthetic training data).
MARKING_ENV = "PACEQI_HANDLING_MARKING"

#: Environment variable holding the pseudonymisation secret.
SECRET_ENV = "PACEQI_PSEUDONYM_KEY"

_ID_LENGTH = 16  # hex digits = 64 bits: collision chance ~3e-8 for 10^6 ids


def suppress(
    table: pd.DataFrame,
    min_count: int = MIN_COUNT,
    *,
    columns: Sequence[str] | None = None,
    axis: str = "both",
    derived: Mapping[str, Sequence[str]] | None = None,
    zero: bool = False,
) -> pd.DataFrame:
    """Hide small counts and the cells that would reveal them.

    The cells are the ``columns`` of every row. Primary suppression hides each count with
    ``0 < count < min_count`` (also 0 if ``zero=True``). Secondary suppression then assumes
    each row's total and each column's total can be published or derived: wherever a row (or
    column) has exactly one hidden cell, the smallest other non-zero cell of that row (or
    column) is hidden too, repeated until no line has a single hidden cell. A row or column
    with only one cell cannot be protected this way; hide or drop its total yourself.

    Parameters
    ----------
    table : pandas.DataFrame
        Counts (e.g. a crosstab, or a by-period frame with ``numerator`` and a complement).
    min_count : int, default :data:`MIN_COUNT`
        Smallest count shown.
    columns : list of str, optional
        The count cells; default every integer column.
    axis : {"both", "rows", "columns", "none"}
        Which totals to protect against ("none": primary suppression only).
    derived : mapping, optional
        Columns computed from counts, hidden in a row when any listed count is hidden, e.g.
        ``{"proportion": ["numerator", "not_met"], "denominator": [...]}``.
    zero : bool, default False
        Also hide zero counts.

    Returns
    -------
    pandas.DataFrame
        A copy; hidden counts are ``<NA>`` (nullable Int64), hidden derived values NaN/``<NA>``.

    Examples
    --------
    >>> t = pd.DataFrame({"met": [12, 3, 20], "not_met": [8, 15, 9]}, index=["A", "B", "C"])
    >>> suppress(t)  # B's 3 is small; 15 would give it away from B's total, 12 and 8 from
    ...              # the column totals
        met  not_met
    A  <NA>     <NA>
    B  <NA>     <NA>
    C    20        9
    """
    if isinstance(min_count, bool) or not isinstance(min_count, int | np.integer) or min_count < 1:
        raise OptionsError(f"min_count must be a positive whole number; got {min_count!r}")
    if axis not in ("both", "rows", "columns", "none"):
        raise OptionsError(f"axis '{axis}' is not one of both, rows, columns, none")
    if columns is None:
        columns = [c for c in table.columns if pd.api.types.is_integer_dtype(table[c])]
    columns = list(columns)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise OptionsError(f"suppress: column(s) {missing} not in the table")
    values = table[columns].to_numpy(dtype=float)
    if np.isnan(values).any() or (values < 0).any():
        raise OptionsError("suppress: counts must be non-negative numbers without gaps")
    hide = (values < min_count) & ((values > 0) | zero)
    if axis != "none":
        hide = _secondary(values, hide, axis)
    out = table.copy()
    for j, c in enumerate(columns):
        col = pd.array(table[c].to_numpy(), dtype="Int64")
        col[hide[:, j]] = pd.NA
        out[c] = col
    for name, sources in (derived or {}).items():
        if name not in out.columns:
            raise OptionsError(f"suppress: derived column '{name}' not in the table")
        bad = [s for s in sources if s not in columns]
        if bad:
            raise OptionsError(f"suppress: derived '{name}' refers to non-count column(s) {bad}")
        mask = hide[:, [columns.index(s) for s in sources]].any(axis=1)
        out[name] = out[name].mask(mask)
    return out


def _secondary(values: np.ndarray, hide: np.ndarray, axis: str) -> np.ndarray:
    hide = hide.copy()
    lines = {"both": (True, False), "rows": (True,), "columns": (False,)}[axis]
    changed = True
    while changed:
        changed = False
        for rows in lines:
            v, h = (values, hide) if rows else (values.T, hide.T)
            if v.shape[1] < 2:
                continue
            for i in np.flatnonzero(h.sum(axis=1) == 1):
                j = _complement(v[i], h[i])
                if j is not None:
                    h[i, j] = True
                    changed = True
    return hide


def _complement(v: np.ndarray, h: np.ndarray) -> int | None:
    """Index of the smallest visible cell, preferring non-zero ones (zeros reveal nothing)."""
    candidates = np.flatnonzero(~h & (v > 0))
    if candidates.size == 0:
        candidates = np.flatnonzero(~h)
    if candidates.size == 0:
        return None
    return int(candidates[np.argmin(v[candidates])])


def report_key(report_id: str, secret: str | bytes | None = None) -> bytes:
    """Derive the per-report key: ``HMAC-SHA256(secret, report_id)``.

    Parameters
    ----------
    report_id : str
        Identifies the report (e.g. ``"two_week_planning_meeting/aberdeen_city/2024-03-31"``).
        Same id, same pseudonyms; another id, unrelated pseudonyms.
    secret : str or bytes, optional
        Default: ``$PACEQI_PSEUDONYM_KEY``, else a random secret created once in
        ``workspace/.pseudonym_key`` (keep that file private; delete it to make every old
        pseudonym unlinkable).
    """
    if not isinstance(report_id, str) or not report_id:
        raise OptionsError("report_id must be a non-empty string naming the report")
    key = _secret(secret)
    return hmac.new(key, report_id.encode("utf-8"), hashlib.sha256).digest()


def pseudonymise(
    frame: pd.DataFrame,
    report_id: str,
    *,
    secret: str | bytes | None = None,
    column: str = "child_id",
    prefix: str = "C",
) -> pd.DataFrame:
    """Return a copy of ``frame`` with ``column`` replaced by per-report pseudonyms.

    The pseudonym of a child is ``prefix`` + the first 16 hex digits of
    ``HMAC-SHA256(report_key(report_id), authority + US + child_id)``. It is the same for the
    same child in every table of one report, and unrelated across reports.

    Examples
    --------
    >>> f = pd.DataFrame({"authority": ["A", "A"], "child_id": ["x1", "x2"]})
    >>> p1 = pseudonymise(f, "report-1", secret="s")
    >>> p2 = pseudonymise(f, "report-2", secret="s")
    >>> p1["child_id"].str.len().tolist(), (p1["child_id"] != p2["child_id"]).all()
    ([17, 17], np.True_)
    """
    if column not in frame.columns:
        raise OptionsError(f"pseudonymise: column '{column}' not in the table")
    key = report_key(report_id, secret)
    authority = frame["authority"].astype(str) if "authority" in frame else ""
    raw = (authority + "\x1f" + frame[column].astype(str)).to_numpy()
    uniq, inv = np.unique(raw, return_inverse=True)
    names = np.array(
        [
            prefix + hmac.new(key, u.encode("utf-8"), hashlib.sha256).hexdigest()[:_ID_LENGTH]
            for u in uniq
        ],
        dtype=object,
    )
    if len(set(names)) != len(names):  # pragma: no cover - 64-bit collision
        raise OptionsError("pseudonymise: two ids collided; use another report_id")
    out = frame.copy()
    out[column] = names[inv.ravel()]
    return out


def _secret(secret: str | bytes | None) -> bytes:
    if secret is None:
        secret = os.environ.get(SECRET_ENV) or _workspace_secret()
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    if not secret:
        raise OptionsError(f"the pseudonymisation secret is empty; set {SECRET_ENV}")
    return secret


def _workspace_secret() -> bytes:
    path: Path = project_root() / "workspace" / ".pseudonym_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(32).hex().encode("ascii"))
    return path.read_bytes().strip()


#: A count or figure that ``float()`` accepts (int, float, numpy scalars).
Number = SupportsFloat | SupportsIndex


# -- one rule for prose, labels and percentages --------------------------------------------------
def is_small(n: Number | None, min_count: int = MIN_COUNT) -> bool:
    """Return True when ``n`` is a count that must not be published (1 to ``min_count - 1``).

    Examples
    --------
    >>> [is_small(n) for n in (0, 1, 4, 5, None)]
    [False, True, True, False, False]
    """
    if n is None or isinstance(n, bool):
        return False
    try:
        value = float(n)
    except (TypeError, ValueError):
        return False
    return bool(np.isfinite(value)) and 0 < value < min_count


def count_text(
    n: SupportsInt | SupportsIndex | None, noun: str = "children", min_count: int = MIN_COUNT
) -> str:
    """Return a count with its noun, fit to publish: "12 children", "fewer than 5 children".

    ``noun`` is the plural; ``"child"`` is never printed, since 1 is always suppressed.

    Examples
    --------
    >>> count_text(3), count_text(0), count_text(27, "events")
    ('fewer than 5 children', 'no children', '27 events')
    """
    if n is None:
        return f"an unknown number of {noun}"
    value = int(n)
    if value == 0:
        return f"no {noun}"
    if is_small(value, min_count):
        return f"fewer than {min_count} {noun}"
    return f"{value:,} {noun}"


def percent(
    numerator: Number | None, denominator: Number | None, min_count: int = MIN_COUNT
) -> float | None:
    """Return ``100 * numerator / denominator``, or None when the denominator is 1 to 4 children.

    A percentage of one to four children reveals each of them ("100 %" of 2 children); the
    same rule as for counts decides.

    Examples
    --------
    >>> percent(3, 20), percent(1, 2), percent(0, 0)
    (15.0, None, None)
    """
    if denominator is None or numerator is None:
        return None
    den = float(denominator)
    if den <= 0 or is_small(den, min_count):
        return None
    return 100.0 * float(numerator) / den


#: Words that may stand between a number and "children" ("3 newly looked after children");
#: a closed list, so that "2 weeks of children's time" is not read as a count of children.
_BETWEEN = (
    "newly|looked|after|accommodated|more|other|further|younger|older|eligible|new|such|"
    "different|individual|identifiable|named|recent|current|additional|disabled|sibling"
)
_WORDS = rf"(?:(?:{_BETWEEN})\s+){{0,3}}"
_CHILD = r"(?:child\(ren\)|children|child|young people|young person|boys?|girls?|cases?)"
#: "3 children", "1 child(ren)", "4 newly looked after children", "2 of them children" ...
#: One pattern for every small count below ``min_count`` (built once per threshold).
_SMALL_ANY: dict[int, re.Pattern[str]] = {}


def _small_any(min_count: int) -> re.Pattern[str]:
    if min_count not in _SMALL_ANY:
        numbers = "|".join(str(n) for n in range(min_count - 1, 0, -1)) or "(?!)"
        _SMALL_ANY[min_count] = re.compile(
            rf"(?<![\d.,])\b(?:{numbers})\s+({_WORDS}){_CHILD}(?![A-Za-z])", re.I
        )
    return _SMALL_ANY[min_count]


#: An absolute local path in prose (warnings, tracebacks): printed as :func:`public_path` gives.
_ABSOLUTE = re.compile(
    r"(?<![\w.:/~-])(?:/(?:[\w.+-]+/)+[\w.+-]+|[A-Za-z]:\\(?:[\w .+-]+\\)*[\w.+-]+)"
)
_MAYBE = re.compile(r"[1-9/\\]")
_ROWS = re.compile(r"\s*\(rows? \d[\d, ]*(?:and \d+(?: more)?)?\)")
#: Elements to leave alone, and tags (attribute values may hold ">", e.g. in a data: URI).
_TEXT_NODES = re.compile(
    r"""(<(style|script)\b.*?</\2>|<(?:[^>"']|"[^"]*"|'[^']*')*>)""", re.S | re.I
)
#: A chart's download link: the SVG itself, percent-encoded (``charts.svgwriter.data_uri``).
_DATA_SVG = re.compile(r'(href=")(data:image/svg\+xml;charset=utf-8,)([^"]*)(")')


def small_count_phrases(text: str, min_count: int = MIN_COUNT) -> list[str]:
    """Return every phrase in ``text`` that states 1 to ``min_count - 1`` children.

    The check every published page must pass (used by the tests that scan the demo reports).

    Examples
    --------
    >>> small_count_phrases("3 children still waiting; 12 children; 1 child(ren) (row 4)")
    ['3 children', '1 child(ren)']
    """
    return [m.group(0) for m in _small_any(min_count).finditer(text)]


def redact_text(text: str, min_count: int = MIN_COUNT) -> str:
    """Replace counts of 1 to ``min_count - 1`` children in prose; drop row lists and paths.

    Absolute local paths (in a warning or a traceback) become :func:`public_path`'s form.

    The last line of defence for text written elsewhere (validation notes, PDSA entries, chart
    descriptions): a report composes its own sentences with :func:`count_text`.

    Examples
    --------
    >>> redact_text("'first_review' has no date for 3 child(ren) (rows 24, 31 and 40)")
    "'first_review' has no date for fewer than 5 children"
    >>> redact_text("1 team, 2 children; 12 children; 3 newly looked after children")
    '1 team, fewer than 5 children; 12 children; fewer than 5 newly looked after children'
    >>> redact_text("within 2 weeks of children becoming looked after")
    'within 2 weeks of children becoming looked after'
    >>> redact_text("File /home/ann/x/fife.csv, line 3; see https://example.org/a/b")
    'File fife.csv, line 3; see https://example.org/a/b'
    """
    text = _ROWS.sub("", text)
    text = _ABSOLUTE.sub(lambda m: public_path(m.group(0)), text)
    text = _small_any(min_count).sub(lambda m: f"fewer than {min_count} {m.group(1)}children", text)
    return text


def redact_html(page: str, min_count: int = MIN_COUNT) -> str:
    """Apply :func:`redact_text` to every text node of an HTML page (not tags, styles, scripts).

    Examples
    --------
    >>> redact_html('<p data-n="3 children">3 children</p>')
    '<p data-n="3 children">fewer than 5 children</p>'
    >>> redact_html('<a href="data:image/svg+xml;charset=utf-8,%3Cdesc&gt;3 children%3C/desc>">')
    '<a href="data:image/svg+xml;charset=utf-8,%3Cdesc>fewer than 5 children%3C/desc>">'
    """
    parts = _TEXT_NODES.split(page)
    out = []
    skip = False
    for part in parts:
        if skip:  # the tag-name group of the split, already emitted with its element
            skip = False
            continue
        if part.startswith("<"):
            out.append(_redact_tag(part, min_count) if "data:image/svg" in part else part)
            skip = True
        elif not _MAYBE.search(part):  # no digit and no slash: nothing to redact
            out.append(part)
        else:
            text = _html.unescape(part)
            fixed = redact_text(text, min_count)
            out.append(part if fixed == text else _html.escape(fixed, quote=False))
    return "".join(out)


def _redact_tag(tag: str, min_count: int) -> str:
    """Redact the text of an SVG carried in a tag's ``data:`` URI (a chart's download copy)."""
    from urllib.parse import unquote

    def fix(match: re.Match[str]) -> str:
        svg = unquote(_html.unescape(match.group(3)))  # attribute value, then URI
        fixed = redact_html(svg, min_count)
        if fixed == svg:
            return match.group(0)
        from paceqi.charts.svgwriter import data_uri

        return match.group(1) + data_uri(fixed) + match.group(4)

    return _DATA_SVG.sub(fix, tag)


def public_path(path: object) -> str:
    """Return a path fit to print: relative to the project when inside it, else the file name.

    Examples
    --------
    >>> public_path("/home/someone/extracts/fife.csv")
    'fife.csv'
    >>> public_path("data/x.csv")
    'data/x.csv'
    """
    text = str(path)
    if "://" in text:  # a database URL: never print it (it may carry a password)
        return text.split("://", 1)[0] + " database"
    candidate = Path(text)
    if not candidate.is_absolute():
        return candidate.as_posix()
    try:
        return candidate.resolve().relative_to(project_root().resolve()).as_posix()
    except (ValueError, OSError):
        return candidate.name


def handling_marking() -> str:
    """Return the handling marking for published outputs (:data:`MARKING_ENV` or the default)."""
    return os.environ.get(MARKING_ENV, "").strip() or HANDLING_MARKING
