"""Layers as a test (import-linter's "layers" contract): the flow's order is written once, and a
module that imports from a later layer fails. Every import counts, also one inside a function.

    spec -> problems -> samples -> verdicts -> lake -> queries -> charts (DESIGN.md, "the flow")
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "boundary_ray"

# Earliest first. A module may import from its own layer and from earlier ones. Names are
# modules or packages below ``boundary_ray`` (a package's layer holds all of its modules).
LAYERS: list[tuple[str, ...]] = [
    ("settings", "errors", "schema", "orphan_guard", "ray_session", "formatting", "latex"),
    ("spec", "series"),
    ("benchmarks", "prompts", "models"),
    ("sampler",),
    ("verifiers", "answer_equivalence"),
    ("lake",),
    ("pipeline", "scoring", "run_plan"),
    ("analysis", "outcomes", "labelling", "answer_classes"),
    ("charts",),
    ("api", "cli", "__init__"),  # the library surface and the command line over everything
]

# Imports allowed against the order, each with its reason (import-linter's ``ignore_imports``).
IGNORED: dict[tuple[str, str], str] = {
    ("sampler.images", "lake.images"): "visual: the engine actor reads image bytes by id from "
    "the lake; to be handed in by the pipeline instead",
}


def module_name(path: Path, root: Path) -> str:
    """``root/sampler/stage.py`` -> ``sampler.stage``; a package's ``__init__`` is the package
    (the root's own ``__init__`` is ``__init__``)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, root: Path, package: str) -> set[str]:
    """The ``package`` modules that the file at ``path`` imports, relative to ``package``.

    ``from package import schema`` imports the module ``schema``; ``from package import Lake``
    (a name, not a module) imports the package itself, ``__init__``.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path, root).split(".")
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the file's own package upwards
                base = here if path.name == "__init__.py" else here[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([package, *base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            submodules = [f"{module}.{alias.name}" for alias in node.names]
            candidates = [module, *submodules]
            if module == package and not all(_exists(root, package, m) for m in submodules):
                found.add("__init__")
        else:
            continue
        for name in candidates:
            if name != package and _exists(root, package, name):
                found.add(name.removeprefix(package + "."))
    return found


def _exists(root: Path, package: str, dotted: str) -> bool:
    """Whether ``dotted`` (``package.a.b``) is a module or package under ``root``."""
    if not dotted.startswith(package + "."):
        return False
    path = root.joinpath(*dotted.removeprefix(package + ".").split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def layer_of(module: str, layers: list[tuple[str, ...]]) -> int | None:
    """The index of the layer holding ``module`` (by its longest listed prefix), or None."""
    best, best_len = None, -1
    for index, names in enumerate(layers):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best_len:
                best, best_len = index, len(name)
    return best


def violations(
    root: Path,
    package: str,
    layers: list[tuple[str, ...]],
    ignored: dict[tuple[str, str], str] | None = None,
) -> list[str]:
    """Every import from a later layer under ``root``, and every module in no layer."""
    found = []
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        own = layer_of(module, layers)
        if own is None:
            found.append(f"{module}: in no layer (add it to LAYERS)")
            continue
        for target in sorted(imported_modules(path, root, package)):
            theirs = layer_of(target, layers)
            if theirs is not None and theirs > own and (module, target) not in (ignored or {}):
                found.append(f"{module} (layer {own}) imports {target} (layer {theirs})")
    return found


def test_no_module_imports_from_a_later_layer() -> None:
    assert violations(PACKAGE, "boundary_ray", LAYERS, IGNORED) == []


def test_every_ignored_import_still_exists() -> None:
    for module, target in IGNORED:
        path = PACKAGE.joinpath(*module.split(".")).with_suffix(".py")
        assert target in imported_modules(path, PACKAGE, "boundary_ray"), (module, target)


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "pkg"


@pytest.mark.parametrize(
    "bad",
    [
        "from pkg.lake import writer\n",
        "import pkg.lake.writer\n",
        "def late():\n    from pkg.lake.writer import write\n",
        "from .lake import writer\n",
        "from pkg import lake\n",
    ],
)
def test_the_checker_catches_a_bad_import(tmp_path: Path, bad: str) -> None:
    layers = [("schema",), ("sampler",), ("lake",)]
    root = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "schema.py": "X = 1\n",
            "sampler.py": "from pkg.schema import X\n" + bad,
            "lake/__init__.py": "",
            "lake/writer.py": "from pkg import schema, sampler\n\ndef write(): ...\n",
        },
    )
    layers.append(("__init__",))
    found = violations(root, "pkg", layers)
    assert found and all(f.startswith("sampler (layer 1) imports lake") for f in found), found
    assert (
        violations(root, "pkg", layers, {("sampler", f): "ok" for f in ("lake", "lake.writer")})
        == []
    )


def test_a_module_in_no_layer_is_named(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"__init__.py": "", "schema.py": "", "stray.py": "import pkg.schema\n"})
    assert violations(root, "pkg", [("schema",), ("__init__",)]) == [
        "stray: in no layer (add it to LAYERS)"
    ]


def environment_reads(path: Path) -> list[int]:
    """Lines of ``path`` that read ``os.environ`` or call ``os.getenv``; handing the environment
    on (``os.environ.copy()`` for a child, ``os.environ.update(...)``) is not a read."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id != "os" or node.attr not in ("environ", "getenv"):
                continue
            parent = parents.get(node)
            if (
                node.attr == "environ"
                and isinstance(parent, ast.Attribute)
                and parent.attr in ("copy", "update")
            ):
                continue
            lines.append(node.lineno)
    return sorted(lines)


def test_environment_variables_are_read_only_in_settings() -> None:
    found = {
        module_name(path, PACKAGE): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "settings.py" and (lines := environment_reads(path))
    }
    assert found == {}, "read environment variables in boundary_ray/settings.py"


def test_the_environment_check_sees_a_read(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(
        "import os\nA = os.environ.get('X')\nB = os.getenv('Y')\nos.environ.update({})\n"
    )
    assert environment_reads(path) == [2, 3]
