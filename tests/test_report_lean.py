"""The batch processes import jsonschema without its IRI checker, and nothing else changes."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys
    from paceqi.report._lean import import_jsonschema_lean
    first = import_jsonschema_lean()
    second = import_jsonschema_lean()
    skipped = "rfc3987_syntax" not in sys.modules
    import nbformat
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    nbformat.validate(nb)  # the notebook schema still validates
    bad = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    bad.cells[0]["execution_count"] = "one"  # the schema says integer or null
    try:
        nbformat.validate(bad)
        invalid_caught = False
    except nbformat.ValidationError:
        invalid_caught = True
    import rfc3987_syntax  # still importable by anyone who wants it
    print(first, second, skipped, invalid_caught, rfc3987_syntax.is_valid_syntax("iri", "a:b"))
    """
)


def test_jsonschema_is_imported_without_the_iri_checker() -> None:
    # the test extra installs JupyterLab, which brings rfc3987_syntax (the case that matters)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False", "True", "True", "True"]


def test_an_already_imported_jsonschema_is_left_alone() -> None:
    script = (
        "import jsonschema\nfrom paceqi.report._lean import import_jsonschema_lean\n"
        "print(import_jsonschema_lean())"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
