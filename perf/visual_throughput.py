"""Throughput of ``boundary run`` with images: the fixture MathVista + MathVision problems (one
hand-made image each) on the tiny VLM, CPU engine. Prints generated tokens/s from engine ready,
samples/s, images stored per problem and the lake's size by table.

    python perf/visual_throughput.py --n 8 --max-tokens 128
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def folder_bytes(path: Path) -> int:
    """Bytes of every file under ``path``."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=4)
    args = parser.parse_args()

    from boundary_ray.lake.reader import read_table
    from boundary_ray.run.pipeline import run_spec
    from boundary_ray.spec import spec_from_dict
    from tests.benchmarks.visual_fixtures import write_fixtures

    with tempfile.TemporaryDirectory() as tmp:
        vista, vision = write_fixtures(Path(tmp) / "fixtures")
        lake = Path(tmp) / "lake"
        spec = spec_from_dict(
            {
                "lake": str(lake),
                "models": [{"name": "tiny-vlm", "source": "builtin:smolvlm-tiny"}],
                "benchmarks": [
                    {"name": "mathvista", "source": str(vista)},
                    {"name": "mathvision", "source": str(vision)},
                ],
                "sampling": {"n": args.n, "max_tokens": args.max_tokens, "seed": 0},
                "engine": {"batch_size": args.batch_size, "in_flight": 2, "max_model_len": 2048},
            }
        )
        counters = run_spec(spec, progress=False)["counters"]["tiny-vlm"]
        problems = read_table(str(lake), "problems").to_pylist()
        images = read_table(str(lake), "images", columns=["image_id", "bytes"]).to_pylist()
        wall = counters["sampling_wall_s"]
        result = {
            "problems": len(problems),
            "samples": counters["samples"],
            "tokens": counters["tokens"],
            "sampling_wall_s": wall,
            "tok_per_s": round(counters["tokens"] / wall, 1),
            "samples_per_s": round(counters["samples"] / wall, 2),
            "image_refs_per_problem": sum(len(p["images"]) for p in problems) / len(problems),
            "distinct_images": len(images),
            "image_bytes_stored": sum(len(i["bytes"]) for i in images),
            "lake_bytes": {t.name: folder_bytes(t) for t in sorted(lake.iterdir()) if t.is_dir()},
        }
        print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
