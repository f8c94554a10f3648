"""The KubeRay CRD schemas the manifests' tests check against (helpers, not tests).

``kuberay-v1.5.1-crds.json`` holds the ``v1`` ``openAPIV3Schema`` of the ``RayCluster`` and
``RayJob`` CRDs of KubeRay v1.5.1 (the first release with ``authOptions``, the version
infra/README.md names), as the kuberay repository ships them in
``helm-chart/kuberay-operator/crds/``: descriptions dropped, and each embedded Kubernetes pod
template and Service (``template``, ``headService``, ``submitterPodTemplate``: core types, not
KubeRay's) replaced by ``{type: object, x-kubernetes-preserve-unknown-fields: true}``. The file
records where it came from (tag, commit, paths and the sha256 of each source file). Regenerate it
from a kuberay checkout:

    python tests/infra/kuberay_crds.py /path/to/kuberay v1.5.1 > tests/infra/kuberay-v1.5.1-crds.json
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
VERSION = "v1.5.1"
FILE = HERE / f"kuberay-{VERSION}-crds.json"
SOURCES = {
    "RayCluster": "helm-chart/kuberay-operator/crds/ray.io_rayclusters.yaml",
    "RayJob": "helm-chart/kuberay-operator/crds/ray.io_rayjobs.yaml",
}
OPAQUE = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}


def load() -> dict[str, Any]:
    """The vendored schemas: ``{"source": {...}, "RayCluster": schema, "RayJob": schema}``."""
    return json.loads(FILE.read_text(encoding="utf-8"))


def unknown_keys(value: Any, schema: dict[str, Any], path: str = "") -> list[str]:
    """Paths of keys in ``value`` that ``schema`` does not declare: what the API server's
    strict field validation (``kubectl apply``'s default) refuses, and jsonschema lets through
    (a CRD schema has no ``additionalProperties: false``)."""
    if schema.get("x-kubernetes-preserve-unknown-fields"):
        return []
    found = []
    if isinstance(value, dict):
        props = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if props is not None and key in props:
                found += unknown_keys(item, props[key], f"{path}.{key}")
            elif isinstance(extra, dict):
                found += unknown_keys(item, extra, f"{path}.{key}")
            elif props is not None or extra is False:
                found.append(f"{path}.{key}")
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            found += unknown_keys(item, schema["items"], f"{path}[{i}]")
    return found


def _pruned(node: Any) -> Any:
    if isinstance(node, list):
        return [_pruned(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "description":
            continue
        if key == "properties":
            out[key] = {
                name: OPAQUE if _is_k8s_object(sub) else _pruned(sub) for name, sub in value.items()
            }
        else:
            out[key] = _pruned(value)
    return out


def _is_k8s_object(schema: dict[str, Any]) -> bool:
    """An embedded core object (a pod template, a Service): it has metadata and a spec."""
    props = schema.get("properties") or {}
    return schema.get("type") == "object" and "metadata" in props and "spec" in props


def extract(checkout: Path, tag: str) -> dict[str, Any]:
    """The schemas of ``SOURCES`` at ``tag`` of the kuberay git checkout ``checkout``."""
    import yaml

    def show(what: str) -> bytes:
        return subprocess.run(
            ["git", "-C", str(checkout), "show", what], capture_output=True, check=True
        ).stdout

    commit = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", f"{tag}^{{commit}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    out: dict[str, Any] = {
        "source": {
            "repository": "https://github.com/ray-project/kuberay",
            "tag": tag,
            "commit": commit,
            "files": {},
            "kept": "spec.versions[name=v1].schema.openAPIV3Schema, descriptions dropped,"
            " embedded pod templates and Services opaque",
        }
    }
    for kind, path in SOURCES.items():
        raw = show(f"{tag}:{path}")
        out["source"]["files"][path] = hashlib.sha256(raw).hexdigest()
        crd = yaml.safe_load(raw)
        (v1,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1"]
        out[kind] = _pruned(v1["schema"]["openAPIV3Schema"])
    return out


if __name__ == "__main__":
    print(json.dumps(extract(Path(sys.argv[1]), sys.argv[2]), indent=1, sort_keys=True))
