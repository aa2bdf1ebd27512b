"""The 32 Scottish local authorities and safe file names for them."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["SCOTTISH_AUTHORITIES", "slugify", "authority_slug"]

#: The 32 council areas of Scotland (official short names).
SCOTTISH_AUTHORITIES: tuple[str, ...] = (
    "Aberdeen City",
    "Aberdeenshire",
    "Angus",
    "Argyll and Bute",
    "City of Edinburgh",
    "Clackmannanshire",
    "Dumfries and Galloway",
    "Dundee City",
    "East Ayrshire",
    "East Dunbartonshire",
    "East Lothian",
    "East Renfrewshire",
    "Falkirk",
    "Fife",
    "Glasgow City",
    "Highland",
    "Inverclyde",
    "Midlothian",
    "Moray",
    "Na h-Eileanan Siar",
    "North Ayrshire",
    "North Lanarkshire",
    "Orkney Islands",
    "Perth and Kinross",
    "Renfrewshire",
    "Scottish Borders",
    "Shetland Islands",
    "South Ayrshire",
    "South Lanarkshire",
    "Stirling",
    "West Dunbartonshire",
    "West Lothian",
)


def slugify(text: str) -> str:
    """Return a safe file-name stem: lower-case ASCII letters, digits and underscores only.

    Path separators, dots and anything else become underscores, so the result can never
    climb out of a folder (no ``..``, no ``/``).

    Examples
    --------
    >>> slugify("Na h-Eileanan Siar")
    'na_h_eileanan_siar'
    >>> slugify("../../etc/passwd")
    'etc_passwd'
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return slug or "unnamed"


def authority_slug(name: str) -> str:
    """Return the file-name stem used for an authority's extract, parameters and reports."""
    return slugify(name)
