"""Write and query throughput of an S3 lake against a local one, through the lake's own code.

    python perf/s3_lake.py                       # 200 files x 64 samples, the default
    python perf/s3_lake.py --files 400 --rows 256 --response-bytes 2000

The S3 server is moto's (``python -m moto.server``, in its own process on loopback: an
in-memory S3 written in Python, not AWS), so the S3 numbers measure the protocol's round
trips and the lake's request pattern, not a real network or a real store's latency. Each lake
gets the same sample files: ``--files`` batches of ``--rows`` samples with ``--response-bytes``
of random text each, written one batch at a time with ``write_rows`` (one file per batch, as
the pipeline's writer does), then read back three ways: the resume plan's ``present_samples``,
a full ``read_table`` of the samples, and ``boundary query pass_at_k`` (``run_query``) from the
samples, then again from the per-problem outcomes after ``refresh_outcomes`` (timed too: what a
finished ``boundary run`` leaves).
``--old-writes`` also times the object-store write the lake used before (a multipart upload of
a temp object, then ``move``: a copy and a delete) for comparison.
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from boundary_ray import schema
from boundary_ray.lake.reader import read_table
from boundary_ray.lake.writer import write_rows
from boundary_ray.query import run_query
from boundary_ray.query.outcomes import refresh_outcomes
from boundary_ray.run.plan import present_samples


def batches(files: int, rows: int, response_bytes: int, seed: int = 0) -> list[list[dict]]:
    """``files`` batches of sample rows: 8 problems a batch, each problem's samples in order."""
    rng = random.Random(seed)
    out = []
    per_problem = max(rows // 8, 1)
    for f in range(files):
        batch = []
        for r in range(rows):
            pid, idx = f * 8 + r // per_problem, r % per_problem
            text = base64.b64encode(rng.randbytes(response_bytes * 3 // 4)).decode()
            ok = rng.random() < 0.3
            batch.append(
                {
                    "model": "m",
                    "benchmark": "b",
                    "problem_id": f"p{pid:06d}",
                    "sample_idx": idx,
                    "run_id": "perf",
                    "seed": pid * 1000 + idx,
                    "prompt": "What is 1 + 1?",
                    "response": text,
                    "response_tokens": response_bytes // 4,
                    "finish_reason": "stop",
                    "correct": ok,
                    "verdict": "correct" if ok else "wrong",
                }
            )
        out.append(batch)
    return out


def start_moto() -> tuple[subprocess.Popen, str]:
    """moto's S3 server in its own process; returns it and its ``host:port``."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=2)
            return proc, f"127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("moto's server did not start")


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def old_write(endpoint: str, bucket: str, data: list[list[dict]]) -> float:
    """The write the lake did on S3 before: a temp object (no delayed open: a multipart upload),
    then ``move`` (copy + delete), with a folder marker made first."""
    fs = pafs.S3FileSystem(endpoint_override=endpoint, scheme="http")
    folder = f"{bucket}/old/samples/model=m/benchmark=b"
    start = time.perf_counter()
    for batch in data:
        table = pa.Table.from_pylist(batch, schema=schema.TABLES["samples"])
        body = table.select(schema.file_schema("samples").names)
        final = f"{folder}/part-{uuid.uuid4().hex[:20]}.parquet"
        tmp = f"{final}.{uuid.uuid4().hex[:8]}.tmp"
        fs.create_dir(folder, recursive=True)
        with fs.open_output_stream(tmp) as sink:
            pq.write_table(body, sink, compression="zstd")
        fs.move(tmp, final)
    return time.perf_counter() - start


def measure(lake: str, data: list[list[dict]]) -> dict[str, float]:
    """Seconds to write every batch, then to read the samples back three ways."""
    write_s, _ = timed(lambda: [write_rows(lake, "samples", batch) for batch in data])
    plan_s, present = timed(lambda: present_samples(lake, "m", "b"))
    read_s, table = timed(lambda: read_table(lake, "samples"))
    query_s, samples_answer = timed(lambda: run_query("pass_at_k", lake))
    refresh_s, _ = timed(lambda: refresh_outcomes(lake))
    cached_s, cached_answer = timed(lambda: run_query("pass_at_k", lake))
    rows = sum(len(b) for b in data)
    assert table.num_rows == rows and sum(len(v) for v in present.values()) == rows
    assert cached_answer.num_rows == samples_answer.num_rows
    return {
        "write": write_s,
        "plan": plan_s,
        "read": read_s,
        "query": query_s,
        "refresh": refresh_s,
        "cached": cached_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--rows", type=int, default=64)
    parser.add_argument("--response-bytes", type=int, default=1000)
    parser.add_argument("--old-writes", action="store_true")
    args = parser.parse_args()
    os.environ.update(
        AWS_ACCESS_KEY_ID="perf", AWS_SECRET_ACCESS_KEY="perf", AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
    )  # fmt: skip
    data = batches(args.files, args.rows, args.response_bytes)
    rows = args.files * args.rows
    mb = sum(len(r["response"]) for b in data for r in b) / 2**20
    proc, endpoint = start_moto()
    local = tempfile.mkdtemp(prefix="boundary-s3-perf-")
    try:
        fs = pafs.S3FileSystem(
            endpoint_override=endpoint, scheme="http", allow_bucket_creation=True
        )
        fs.create_dir("perf")
        results = {
            "local": measure(f"{local}/lake", data),
            "s3": measure(f"s3://perf/lake?endpoint_override={endpoint}&scheme=http", data),
        }
        old = old_write(endpoint, "perf", data) if args.old_writes else None
    finally:
        proc.terminate()
        shutil.rmtree(local, ignore_errors=True)
    print(f"{args.files} files x {args.rows} samples = {rows} samples, {mb:.1f} MB of responses")
    print(
        "| lake | write | files/s | samples/s | plan (present_samples) | read_table"
        " | pass_at_k from samples | lake outcomes | pass_at_k from outcomes |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['write']:.2f} s | {args.files / r['write']:.0f} |"
            f" {rows / r['write']:,.0f} | {r['plan']:.2f} s | {r['read']:.2f} s |"
            f" {r['query']:.2f} s | {r['refresh']:.2f} s | {r['cached']:.2f} s |"
        )
    if old is not None:
        print(
            f"| s3, the old write (temp + move) | {old:.2f} s | {args.files / old:.0f} |"
            f" {rows / old:,.0f} | | | | | |"
        )


if __name__ == "__main__":
    main()
