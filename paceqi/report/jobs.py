"""Report jobs: what to run (:class:`RunSpec`), built from a batch manifest.

A *manifest* (``parameters/batch/<name>.yaml``) lists change-idea notebooks and authorities plus
the parameters they share; each authority has its own file ``parameters/authorities/<slug>.yaml``
(its name, extract, optional mapping and overrides). Every notebook x authority pair becomes one
:class:`RunSpec`. The layout is documented in ``docs/batch.md``.

Parameters must be JSON types (str, int, float, bool, None, lists and dicts of them): papermill
stores them in the notebook's metadata, and a ``datetime.date`` there breaks saving the notebook
(``/work/shared/JUPYTER.md`` §1.2). YAML turns an unquoted ``2021-03-31`` into a date, so the
error says to quote it.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paceqi._paths import notebooks_dir, parameters_dir, project_for, project_root
from paceqi.data.authorities import SCOTTISH_AUTHORITIES, slugify
from paceqi.errors import OptionsError

__all__ = [
    "RunSpec",
    "check_json_parameters",
    "load_manifest",
    "specs_from_manifest",
    "resolve_path_parameters",
    "is_path_parameter",
    "expand_environment",
    "DEFAULT_CELL_TIMEOUT",
]

#: Per-cell timeout in seconds when neither the manifest nor the command line sets one.
DEFAULT_CELL_TIMEOUT: float = 600.0

#: Keys allowed at the top level of a batch manifest.
MANIFEST_KEYS: frozenset[str] = frozenset(
    {"notebooks", "authorities", "parameters", "timeout", "description"}
)
#: Keys allowed in a per-authority parameters file.
AUTHORITY_KEYS: frozenset[str] = frozenset({"authority", "extract", "mapping", "parameters"})
#: Parameter names that always hold a path (besides names ending in ``_dir``/``_file``/``_path``).
PATH_PARAMETERS: frozenset[str] = frozenset({"extract", "mapping", "pdsa", "data_dir"})
_PATH_SUFFIXES = ("_dir", "_file", "_path")
#: A parameter value that is only an environment reference: ``${NAME}`` or ``${NAME:-default}``.
_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?\}", re.DOTALL)


def is_path_parameter(name: str) -> bool:
    """Return True when a parameter of this name holds a file or folder path.

    Examples
    --------
    >>> is_path_parameter("extract"), is_path_parameter("pdsa_file"), is_path_parameter("rules")
    (True, True, False)
    """
    return name in PATH_PARAMETERS or name.endswith(_PATH_SUFFIXES)


def expand_environment(parameters: Mapping[str, Any], source: str = "parameters") -> dict[str, Any]:
    """Return a copy where a value ``${NAME}`` or ``${NAME:-default}`` is read from the environment.

    Only a value that is entirely such a reference is replaced (as in a shell: the default is
    used when ``NAME`` is unset or empty), so a manifest can say ``pdsa:
    ${PACEQI_DB:-workspace/paceqi.db}`` and follow ``$PACEQI_DB`` like the ``paceqi pdsa``
    commands. The runner reads the value once, when it builds the jobs: the report's inputs
    hash covers the store actually used.

    Raises
    ------
    OptionsError
        ``${NAME}`` without a default while ``NAME`` is unset or empty.

    Examples
    --------
    >>> expand_environment({"pdsa": "${PACEQI_NO_SUCH_VARIABLE:-workspace/x.db}", "n": 1})
    {'pdsa': 'workspace/x.db', 'n': 1}
    """
    out: dict[str, Any] = {}
    for name, value in parameters.items():
        match = _ENV_REFERENCE.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            out[name] = value
            continue
        variable, default = match.groups()
        found = os.environ.get(variable) or default
        if not found:
            raise OptionsError(
                f"{source}: parameter '{name}' reads ${{{variable}}}, which is not set; set it "
                f"or give a default: ${{{variable}:-value}}"
            )
        out[name] = found
    return out


def check_json_parameters(parameters: Mapping[str, Any], source: str = "parameters") -> None:
    """Raise :class:`OptionsError` unless every value is a JSON type.

    Parameters
    ----------
    parameters : mapping
        Parameter name -> value.
    source : str
        Where the parameters came from (a file name), used in the message.

    Raises
    ------
    OptionsError
        Naming the parameter, its type and the fix (dates as quoted ISO strings).

    Examples
    --------
    >>> check_json_parameters({"as_of": "2021-03-31", "n": [1, 2.5, None]})
    >>> import datetime
    >>> check_json_parameters(  # doctest: +ELLIPSIS
    ...     {"as_of": datetime.date(2021, 3, 31)}, "demo.yaml"
    ... )
    Traceback (most recent call last):
    ...
    paceqi.errors.OptionsError: demo.yaml: parameter 'as_of' is a date (date); ...
    """
    for name, value in parameters.items():
        if not isinstance(name, str):
            raise OptionsError(f"{source}: parameter name {name!r} must be text")
        _check_json_value(value, name, source)


def _check_json_value(value: Any, name: str, source: str) -> None:
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise OptionsError(f"{source}: parameter '{name}' is {value}; use a finite number")
        return
    if isinstance(value, _dt.date | _dt.datetime | _dt.time):
        raise OptionsError(
            f"{source}: parameter '{name}' is a date ({type(value).__name__}); parameters must be "
            f'JSON types, so write dates as quoted ISO strings, e.g. {name}: "2021-03-31"'
        )
    if isinstance(value, list | tuple):
        for item in value:
            _check_json_value(item, name, source)
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise OptionsError(f"{source}: parameter '{name}' has a non-text key {key!r}")
            _check_json_value(item, name, source)
        return
    raise OptionsError(
        f"{source}: parameter '{name}' has type {type(value).__name__}; expected text, a number, "
        "true/false, null, or a list or mapping of those"
    )


def resolve_path_parameters(
    parameters: Mapping[str, Any], root: Path | None = None
) -> dict[str, Any]:
    """Return a copy with relative path parameters made absolute against ``root``.

    ``root`` defaults to the project root. Values that are not strings (``None``) and URLs
    (``postgresql+psycopg://...``, a PDSA store on a server) are kept.

    Examples
    --------
    >>> resolve_path_parameters({"extract": "data/a.csv", "rules": "ihi"}, Path("/p"))
    {'extract': '/p/data/a.csv', 'rules': 'ihi'}
    """
    base = Path(root) if root is not None else project_root()
    out: dict[str, Any] = {}
    for name, value in parameters.items():
        if is_path_parameter(name) and isinstance(value, str) and value and "://" not in value:
            path = Path(value).expanduser()
            out[name] = str(path if path.is_absolute() else (base / path).resolve())
        else:
            out[name] = value
    return out


@dataclass(frozen=True)
class RunSpec:
    """One report to produce: a notebook run for one authority with its parameters.

    Parameters
    ----------
    notebook : Path
        The change-idea notebook (``.ipynb``).
    authority : str
        Authority name as written in the manifest; its slug names the output files.
    parameters : dict
        Parameters injected into the notebook (JSON types only; paths already absolute).
    output_dir : Path
        Root output folder; files go to ``<output_dir>/<notebook stem>/<slug>.{ipynb,html,json}``.
    timeout : float or None
        Per-cell timeout in seconds (None: no limit).
    sources : tuple of str
        Parameter files the spec was built from (for messages and provenance).
    """

    notebook: Path
    authority: str
    parameters: dict[str, Any] = field(default_factory=dict)
    output_dir: Path = Path("reports")
    timeout: float | None = DEFAULT_CELL_TIMEOUT
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "notebook", Path(self.notebook))
        object.__setattr__(self, "output_dir", Path(self.output_dir))
        if not str(self.authority).strip():
            raise OptionsError(f"{self.notebook.name}: authority name is empty")
        check_json_parameters(self.parameters, ", ".join(self.sources) or "parameters")
        if self.timeout is not None and not self.timeout > 0:
            raise OptionsError(f"timeout must be a positive number of seconds, got {self.timeout}")

    @property
    def name(self) -> str:
        """The notebook's name (file stem), e.g. ``two_week_planning_meeting``."""
        return self.notebook.stem

    @property
    def slug(self) -> str:
        """Safe file-name stem for the authority (never contains a path separator)."""
        return slugify(self.authority)

    @property
    def key(self) -> str:
        """``<notebook>/<slug>``: unique within a batch."""
        return f"{slugify(self.name)}/{self.slug}"

    @property
    def folder(self) -> Path:
        """Folder holding this report's files."""
        return self.output_dir / slugify(self.name)

    @property
    def html_path(self) -> Path:
        """The HTML report (or error page)."""
        return self.folder / f"{self.slug}.html"

    @property
    def ipynb_path(self) -> Path:
        """The executed notebook."""
        return self.folder / f"{self.slug}.ipynb"

    @property
    def result_path(self) -> Path:
        """The JSON record of the run (status, figures, content hash)."""
        return self.folder / f"{self.slug}.json"


def _read_yaml(path: Path) -> Any:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OptionsError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OptionsError(f"{path}: cannot read ({type(exc).__name__})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise OptionsError(f"{path}: not valid YAML{where}") from None


def _mapping_or_error(data: Any, path: Path, allowed: frozenset[str]) -> dict[str, Any]:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise OptionsError(f"{path}: expected a mapping of keys to values at the top level")
    for key in data:
        if key not in allowed:
            raise OptionsError(
                f"{path}: unknown key '{key}'; allowed keys: {', '.join(sorted(allowed))}"
            )
    return data


def load_manifest(path: str | Path) -> dict[str, Any]:
    """Read and check a batch manifest.

    Returns
    -------
    dict
        ``notebooks`` (list of names), ``authorities`` (list of names), ``parameters`` (dict),
        ``timeout`` (float or None), ``path`` (the manifest path).

    Raises
    ------
    OptionsError
        For an unreadable file, an unknown key, a wrong type or a non-JSON parameter.
    """
    path = Path(path)
    data = _mapping_or_error(_read_yaml(path), path, MANIFEST_KEYS)
    notebooks = data.get("notebooks")
    if isinstance(notebooks, str):
        notebooks = [notebooks]
    if not notebooks or not all(isinstance(n, str) and n for n in notebooks):
        raise OptionsError(f"{path}: 'notebooks' must list at least one notebook name")
    authorities = data.get("authorities", "all")
    if authorities == "all":
        authorities = list(SCOTTISH_AUTHORITIES)
    elif isinstance(authorities, str):
        authorities = [authorities]
    if not authorities or not all(isinstance(a, str) and a.strip() for a in authorities):
        raise OptionsError(f"{path}: 'authorities' must be 'all' or a list of authority names")
    parameters = data.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise OptionsError(f"{path}: 'parameters' must be a mapping of name: value")
    parameters = expand_environment(parameters, str(path))
    check_json_parameters(parameters, str(path))
    timeout = data.get("timeout", DEFAULT_CELL_TIMEOUT)
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float)):
        raise OptionsError(f"{path}: 'timeout' must be a number of seconds")
    return {
        "path": path,
        "notebooks": list(notebooks),
        "authorities": list(dict.fromkeys(authorities)),
        "parameters": dict(parameters),
        "timeout": None if timeout is None else float(timeout),
    }


def load_authority_parameters(name: str, folder: Path) -> tuple[dict[str, Any], Path]:
    """Return the parameters one authority file contributes, and the file's path."""
    path = folder / f"{slugify(name)}.yaml"
    data = _mapping_or_error(_read_yaml(path), path, AUTHORITY_KEYS)
    declared = data.get("authority", name)
    if declared != name:
        raise OptionsError(f"{path}: 'authority' is '{declared}' but the manifest names '{name}'")
    overrides = data.get("parameters") or {}
    if not isinstance(overrides, dict):
        raise OptionsError(f"{path}: 'parameters' must be a mapping of name: value")
    params: dict[str, Any] = {"authority": name}
    for key in ("extract", "mapping"):
        if data.get(key) is not None:
            params[key] = data[key]
    params.update(overrides)
    params = expand_environment(params, str(path))
    check_json_parameters(params, str(path))
    return params, path


def _find_notebook(name: str, folder: Path) -> Path:
    candidate = Path(name)
    if candidate.suffix != ".ipynb":
        candidate = candidate.with_suffix(".ipynb")
    path = candidate if candidate.is_absolute() else folder / candidate
    if not path.is_file():
        raise OptionsError(f"notebook '{name}' not found (looked for {path})")
    return path.resolve()


def _select(authorities: Sequence[str], only: Iterable[str] | None) -> list[str]:
    if not only:
        return list(authorities)
    wanted = {slugify(o) for o in only}
    chosen = [a for a in authorities if slugify(a) in wanted]
    missing = wanted - {slugify(a) for a in chosen}
    if missing:
        raise OptionsError(
            "--only names authorities not in the manifest: " + ", ".join(sorted(missing))
        )
    return chosen


def specs_from_manifest(
    manifest: str | Path,
    *,
    output_dir: str | Path = "reports",
    only: Iterable[str] | None = None,
    timeout: float | None = None,
    notebooks_folder: str | Path | None = None,
    authorities_folder: str | Path | None = None,
    root: str | Path | None = None,
) -> list[RunSpec]:
    """Build one :class:`RunSpec` per notebook x authority listed in a manifest.

    Parameters
    ----------
    manifest : path
        The batch manifest YAML.
    output_dir : path
        Root output folder for the reports.
    only : iterable of str, optional
        Keep only these authorities (names or slugs).
    timeout : float, optional
        Per-cell timeout overriding the manifest's.
    notebooks_folder, authorities_folder : path, optional
        Where notebook names and authority files are looked up; default
        ``notebooks/change_ideas/`` and ``parameters/authorities/``.
    root : path, optional
        Folder against which relative path parameters resolve (default: the project root).

    Returns
    -------
    list of RunSpec
        Ordered by notebook, then authority (a reused kernel reruns the same code).
    """
    info = load_manifest(manifest)
    # a manifest's relative paths, notebooks and authority files are its project's (#19)
    base = Path(root) if root else project_for(info["path"])
    own_nb, own_auth = base / "notebooks" / "change_ideas", base / "parameters" / "authorities"
    nb_folder = (
        Path(notebooks_folder)
        if notebooks_folder
        else (own_nb if own_nb.is_dir() else notebooks_dir() / "change_ideas")
    )
    auth_folder = (
        Path(authorities_folder)
        if authorities_folder
        else (own_auth if own_auth.is_dir() else parameters_dir() / "authorities")
    )
    notebooks = [_find_notebook(n, nb_folder) for n in info["notebooks"]]
    authorities = _select(info["authorities"], only)
    per_authority = {a: load_authority_parameters(a, auth_folder) for a in authorities}
    cell_timeout = timeout if timeout is not None else info["timeout"]
    specs = []
    for nb in notebooks:
        for name in authorities:
            own, own_path = per_authority[name]
            params = resolve_path_parameters({**info["parameters"], **own}, base)
            specs.append(
                RunSpec(
                    notebook=nb,
                    authority=name,
                    parameters=params,
                    output_dir=Path(output_dir),
                    timeout=cell_timeout,
                    sources=(str(info["path"]), str(own_path)),
                )
            )
    return specs


def spec_from_parameters_file(
    notebook: str | Path,
    params_file: str | Path,
    *,
    output_dir: str | Path = "reports",
    timeout: float | None = DEFAULT_CELL_TIMEOUT,
    root: str | Path | None = None,
) -> RunSpec:
    """Build the :class:`RunSpec` for ``paceqi run NOTEBOOK --params FILE``.

    The file is either an authority file (``authority``, ``extract``, ``mapping``,
    ``parameters``) or a flat mapping of parameter names to values that includes ``authority``.
    """
    path = Path(params_file)
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise OptionsError(f"{path}: expected a mapping of keys to values at the top level")
    if "parameters" in data or set(data) <= AUTHORITY_KEYS:
        data = _mapping_or_error(data, path, AUTHORITY_KEYS)
        params = {
            k: data[k] for k in ("authority", "extract", "mapping") if data.get(k) is not None
        }
        params.update(data.get("parameters") or {})
    else:
        params = dict(data)
    authority = params.get("authority")
    if not isinstance(authority, str) or not authority.strip():
        raise OptionsError(f"{path}: missing 'authority' (the authority's name)")
    params = expand_environment(params, str(path))
    check_json_parameters(params, str(path))
    nb = Path(notebook)
    if not nb.is_file():
        raise OptionsError(f"notebook not found: {nb}")
    base = Path(root) if root else project_for(path)
    return RunSpec(
        notebook=nb.resolve(),
        authority=authority,
        parameters=resolve_path_parameters(params, base),
        output_dir=Path(output_dir),
        timeout=timeout,
        sources=(str(path),),
    )
