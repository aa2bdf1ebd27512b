"""nbconvert's ``HTMLExporter`` without its second pass over the whole page.

``HTMLExporter.from_notebook_node`` (nbconvert 7) renders the template, then parses the whole
page again with BeautifulSoup only to give ``<img>`` tags without ``alt`` a placeholder text and
code-cell wrappers ``tabindex="0"``, and serialises the tree back. For a report of 150-400 KB of
inline SVG that second pass costs about twice the rendering itself (0.3-0.5 s a report, in the
batch's parent process). :class:`HTMLExporter` here makes the same two changes on the rendered
text, so the page is the same apart from the parser's re-serialisation.
"""

from __future__ import annotations

import re
from typing import Any

from nbconvert import HTMLExporter as _NbconvertHTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

__all__ = ["HTMLExporter", "MISSING_ALT"]

#: What nbconvert writes into ``alt`` when an image has none.
MISSING_ALT = "No description has been provided for this image"

_IMG = re.compile(r"<img\b(?![^>]*\salt\s*=)", re.I)
_FOCUSABLE = re.compile(
    r"""<div(?P<attrs>\s[^>]*?class\s*=\s*["'][^"']*"""
    r"""\bjp-(?:Cell-inputWrapper|OutputArea-output)\b[^"']*["'][^>]*)>""",
    re.I,
)


def _focusable(match: re.Match[str]) -> str:
    attrs = match.group("attrs")
    given = re.compile(r"""(\stabindex\s*=\s*)(["'])[^"']*\2""", re.I)
    if given.search(attrs):  # nbconvert sets it to 0 whatever it was
        return "<div" + given.sub(lambda m: f"{m.group(1)}{m.group(2)}0{m.group(2)}", attrs) + ">"
    return f'<div{attrs} tabindex="0">'


class HTMLExporter(_NbconvertHTMLExporter):
    """Drop-in ``nbconvert.HTMLExporter`` that adds ``alt`` and ``tabindex`` without a re-parse."""

    def from_notebook_node(  # type: ignore[override]
        self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        """Convert a notebook node to HTML (same filters and resources as nbconvert's)."""
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
        )
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources
        )
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        page = _IMG.sub(f'<img alt="{MISSING_ALT}"', page)
        page = _FOCUSABLE.sub(_focusable, page)
        return page, resources
