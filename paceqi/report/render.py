"""Notebook -> self-contained HTML report with the ``paceqi`` template.

One :class:`Renderer` (one ``HTMLExporter``) is reused for every report: building the template
environment costs ~0.2 s, a reused exporter ~10-20 ms per report (``/work/shared/JUPYTER.md``
§2.7). Code, prompts, the ``parameters``/``injected-parameters`` cells and ``record`` outputs are
removed; papermill's error banner is kept so a failed run renders as a readable error page.
After rendering, a contents list is built from the ``<h2>``/``<h3>`` headings (collapsed, so the
first screen is the answer), and the privacy rule (:mod:`paceqi.privacy`) is applied to every
text node of the page: no count of 1-4 children, no row-number list, no absolute path (path
parameters are printed relative to the project, or as file names). Every page carries the
handling marking (:func:`paceqi.privacy.handling_marking`) in its masthead and footer.
"""

from __future__ import annotations

import html as _html
import re
from pathlib import Path
from typing import Any

from paceqi.report._record import RECORD_TAG

__all__ = ["Renderer", "REMOVE_CELL_TAGS", "add_contents"]

#: Cells removed from reports (JUPYTER.md §7.2).
REMOVE_CELL_TAGS = frozenset(
    {"remove_cell", "parameters", "injected-parameters", "interactive-only"}
)

_HEADING = re.compile(r"<h([23])(\s[^>]*)?>(.*?)</h\1>", re.S | re.I)
_ID = re.compile(r"""\sid\s*=\s*["']([^"']+)["']""", re.I)
_TAGS = re.compile(r"<[^>]+>")
_TOC_MARK = "<!--paceqi:toc-->"


def _plain(fragment: str) -> str:
    text = re.sub(r"<a[^>]*class=\"anchor-link\"[^>]*>.*?</a>", "", fragment, flags=re.S)
    return _html.unescape(_TAGS.sub("", text)).strip()


def add_contents(page: str) -> str:
    """Replace the template's contents marker with a list of the page's h2/h3 headings.

    Headings without an ``id`` get one so the links work. Headings inside the provenance
    footer are skipped. Without headings the marker is simply removed.

    Examples
    --------
    >>> add_contents('<!--paceqi:toc--><main><h2 id="a">Aim</h2></main>').count('href="#a"')
    1
    """
    if _TOC_MARK not in page:
        return page
    head, _, body = page.partition(_TOC_MARK)
    main, sep, tail = body.partition("<footer")
    entries: list[tuple[str, str, str]] = []
    used: set[str] = set()

    def visit(match: re.Match[str]) -> str:
        level, attrs, inner = match.group(1), match.group(2) or "", match.group(3)
        found = _ID.search(attrs)
        text = _plain(inner)
        if found:
            anchor = found.group(1)
        else:
            stem = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
            anchor, n = stem, 1
            while anchor in used:
                n += 1
                anchor = f"{stem}-{n}"
            attrs = f'{attrs} id="{anchor}"'
        used.add(anchor)
        if text:
            entries.append((level, anchor, text))
        return f"<h{level}{attrs}>{inner}</h{level}>"

    main = _HEADING.sub(visit, main)
    if entries:
        toc = (
            '<nav class="pq-toc" aria-labelledby="pq-toc-title"><details>'
            '<summary id="pq-toc-title" class="pq-toc-title">Contents'
            f"</summary>{_toc_list(entries)}</details></nav>"
        )
    else:
        toc = ""
    return head + toc + main + sep + tail


def _toc_list(entries: list[tuple[str, str, str]]) -> str:
    """Nested ordered list: each h3 entry goes in a sub-list under the h2 before it.

    The list's title is not a heading, so the page's first heading stays its ``<h1>`` and
    the heading levels skip none (issue #6: heading order).
    """
    out: list[str] = ["<ol>"]
    open_h2, open_sub = False, False
    for level, anchor, text in entries:
        link = f'<a href="#{_html.escape(anchor)}">{_html.escape(text)}</a>'
        if level == "3" and open_h2:
            if not open_sub:
                out.append("<ol>")
                open_sub = True
            out.append(f'<li class="pq-toc-h3">{link}</li>')
            continue
        if open_sub:
            out.append("</ol>")
            open_sub = False
        if open_h2:
            out.append("</li>")
        out.append(f'<li class="pq-toc-h{level}">{link}')
        open_h2 = True
    if open_sub:
        out.append("</ol>")
    if open_h2:
        out.append("</li>")
    out.append("</ol>")
    return "".join(out)


class Renderer:
    """A reusable notebook-to-HTML converter with the ``paceqi`` template.

    Parameters
    ----------
    template_dir : path, optional
        Folder holding ``paceqi/`` (default: the project's ``templates/``).
    marking : str, optional
        Handling marking for masthead and footer (default:
        :func:`paceqi.privacy.handling_marking`).

    Notes
    -----
    Not thread-safe: use one per thread (the batch keeps one per kernel-pool thread).
    """

    def __init__(self, template_dir: str | Path | None = None, marking: str | None = None) -> None:
        from traitlets.config import Config

        from paceqi._paths import templates_dir
        from paceqi.report.export import HTMLExporter

        folder = Path(template_dir) if template_dir is not None else templates_dir()
        if not (folder / "paceqi" / "index.html.j2").is_file():
            from paceqi.errors import ReportError

            raise ReportError(f"report template not found: {folder / 'paceqi' / 'index.html.j2'}")
        config = Config()
        config.TemplateExporter.exclude_input = True
        config.TemplateExporter.exclude_input_prompt = True
        config.TemplateExporter.exclude_output_prompt = True
        config.TagRemovePreprocessor.enabled = True
        config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
        config.TagRemovePreprocessor.remove_input_tags = {"remove_input"}
        config.TagRemovePreprocessor.remove_single_output_tags = {RECORD_TAG}
        config.HTMLExporter.extra_template_basedirs = [str(folder)]
        config.HTMLExporter.template_name = "paceqi"
        config.HTMLExporter.embed_images = True
        self.template_dir = folder
        self.marking = marking
        self._exporter = HTMLExporter(config=config)

    def render(self, nb: Any, title: str | None = None) -> str:
        """Return the HTML page for an (executed) notebook node; ``nb`` is not modified."""
        import copy
        import warnings

        from paceqi.privacy import handling_marking, redact_html

        nb = copy.deepcopy(nb)
        _publish_parameters(nb)
        resources = {
            "metadata": {"name": notebook_title(nb) or title or "paceqi report"},
            "paceqi_marking": self.marking or handling_marking(),
        }
        with warnings.catch_warnings():
            # outputs carrying only a custom mimetype would warn; records are removed anyway
            warnings.simplefilter("ignore", UserWarning)
            body, _ = self._exporter.from_notebook_node(nb, resources=resources)
        return redact_html(add_contents(body))


def notebook_title(nb: Any) -> str | None:
    """Return the human title of a report notebook: its first ``# `` heading, before any colon.

    Examples
    --------
    >>> notebook_title({"cells": [{"cell_type": "markdown", "source": "# Court and SCRA: x"}]})
    'Court and SCRA'
    """
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        for line in source.splitlines():
            if line.startswith("# "):
                return line[2:].split(":", 1)[0].strip() or None
    return None


def _publish_parameters(nb: Any) -> None:
    """Print every path parameter relative to the project (or as a file name), never absolute."""
    from paceqi.privacy import public_path

    meta = nb.get("metadata", {})
    for holder in (meta.get("paceqi", {}), meta.get("papermill", {})):
        params = holder.get("parameters") if isinstance(holder, dict) else None
        if isinstance(params, dict):
            for name, value in list(params.items()):
                if isinstance(value, str) and ("/" in value or "\\" in value):
                    params[name] = public_path(value)
