"""What an object store lacks, against a real S3 server (moto): no rename, and a stream closed
after an error publishes what it had. The lake's writes there (``lake/object_store.py``) leave
an object at a key whole or not at all, a retried write replaces its own key, a killed writer
leaves nothing a reader takes for a sample."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from s3_servers import S3Server

from boundary_ray import schema
from boundary_ray.lake.object_store import SINGLE_PUT_MAX, put_whole
from boundary_ray.lake.reader import list_files, read_table
from boundary_ray.lake.writer import write_rows
from boundary_ray.run.plan import present_samples

REPO = Path(__file__).resolve().parents[2]


def _rows(n: int, first: int = 0, text: str = "x") -> list[dict]:
    return [
        {
            "model": "m",
            "benchmark": "b",
            "problem_id": f"p{i // 4}",
            "sample_idx": i % 4,
            "run_id": "r",
            "response": text,
            "verdict": "correct",
            "correct": True,
        }
        for i in range(first, first + n)
    ]


def test_pyarrow_publishes_a_stream_closed_after_an_error(s3_server: S3Server, bucket: str) -> None:
    """Why the lake never streams a file to its final key: the ``with`` block's error still
    closes the stream, and S3 then holds the half that was written (small or multipart)."""
    fs = s3_server.filesystem()
    for size in (1000, SINGLE_PUT_MAX + 2**20):  # one PutObject; a multipart upload
        key = f"{bucket}/half-{size}"
        with pytest.raises(RuntimeError), fs.open_output_stream(key) as out:
            out.write(b"a" * size)
            raise RuntimeError("the writer failed here")
        assert fs.get_file_info(key).size == size  # published, though the write did not finish


def test_a_lake_file_is_one_object_at_its_key_and_a_retry_replaces_it(
    s3_server: S3Server, bucket: str, s3_env: dict
) -> None:
    lake = s3_server.uri(bucket)
    first = write_rows(lake, "samples", _rows(8))
    again = write_rows(lake, "samples", _rows(8))  # the same rows, retried
    assert first == again and len(first) == 1
    keys = s3_server.keys(bucket, "lake/samples")
    assert keys == [first[0]] and first[0].endswith(".parquet")  # no temp object, no copy
    assert read_table(lake, "samples").num_rows == 8


def test_a_large_file_goes_through_a_temp_key_and_leaves_none(
    s3_server: S3Server, bucket: str
) -> None:
    fs = s3_server.filesystem()
    payload = os.urandom(SINGLE_PUT_MAX + 3 * 2**20)  # a multipart upload, then a copy
    put_whole(fs, f"{bucket}/lake/big.bin", payload)
    assert s3_server.keys(bucket) == [f"{bucket}/lake/big.bin"]
    with fs.open_input_stream(f"{bucket}/lake/big.bin") as stream:
        assert stream.read() == payload


def test_temp_objects_and_stray_objects_are_never_read_as_samples(
    s3_server: S3Server, bucket: str, s3_env: dict
) -> None:
    lake = s3_server.uri(bucket)
    (path,) = write_rows(lake, "samples", _rows(4))
    fs = s3_server.filesystem()
    folder = path.rsplit("/", 1)[0]
    good = fs.open_input_stream(path).read()
    for name, data in {
        "part-x.parquet.1234abcd.tmp": good[: len(good) // 2],  # a writer killed mid-copy
        "part-y.parquet.5678abcd.tmp": good,  # ... or before deleting its temp object
        "notes.txt": b"not a lake file",
    }.items():
        with fs.open_output_stream(f"{folder}/{name}") as out:
            out.write(data)
    import boto3  # an unfinished multipart upload at a final key: invisible until completed

    client = boto3.client("s3", endpoint_url=s3_server.url, region_name="us-east-1")
    key = path.split("/", 1)[1].replace(".parquet", "-unfinished.parquet")
    upload = client.create_multipart_upload(Bucket=bucket, Key=key)
    client.upload_part(
        Bucket=bucket, Key=key, UploadId=upload["UploadId"], PartNumber=1, Body=good[:100]
    )
    assert list_files(lake, "samples") == [path]
    assert read_table(lake, "samples").num_rows == 4
    assert present_samples(lake, "m", "b") == {"p0": range(4)}


WRITER = textwrap.dedent(
    """
    import base64, os, sys
    from boundary_ray.lake.writer import write_rows
    lake, size = sys.argv[1], int(sys.argv[2])
    for first in range(0, 100000, 4):
        rows = [{"model": "m", "benchmark": "b", "problem_id": f"p{first // 4}",
                 "sample_idx": i, "run_id": "r", "verdict": "wrong",
                 "response": base64.b64encode(os.urandom(size)).decode()}
                for i in range(4)]
        write_rows(lake, "samples", rows)
        print(first, flush=True)
    """
)


@pytest.mark.parametrize("size", [200, 1_600_000], ids=["small-files", "multipart-files"])
def test_a_writer_killed_at_any_moment_leaves_only_whole_files(
    s3_server: S3Server, bucket: str, s3_env: dict, size: int
) -> None:
    """SIGKILL a process writing sample files (single PUTs; or files of 6.4 MB of random
    responses: uploaded to a temp key in parts, then copied) after a few have landed: every ``.parquet``
    object left is a whole file of 4 rows, and a resume plan sees exactly those."""
    lake = s3_server.uri(bucket)
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, lake, str(size)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        text=True,
    )
    for _ in range(3):
        assert proc.stdout.readline(), "the writer died"
    time.sleep(0.05 if size < 1000 else 0.3)  # somewhere inside the next upload
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    files = list_files(lake, "samples")
    assert len(files) >= 3
    fs = s3_server.filesystem()
    if size > 1000:  # the large files really went the multipart way
        assert all(info.size > SINGLE_PUT_MAX for info in fs.get_file_info(files))
    for path in files:
        with fs.open_input_file(path) as handle:
            table = pq.read_table(handle)
        assert table.num_rows == 4 and table.schema.names == schema.file_schema("samples").names
    present = present_samples(lake, "m", "b")
    assert len(present) == len(files) and all(v == range(4) for v in present.values())
    assert read_table(lake, "samples").num_rows == 4 * len(files)
    left = [k for k in s3_server.keys(bucket) if not k.endswith(".parquet")]
    assert all(k.endswith(".tmp") for k in left), left  # at most a dead writer's temp object


def test_a_table_of_several_partitions_writes_each_whole(
    s3_server: S3Server, bucket: str, s3_env: dict
) -> None:
    lake = s3_server.uri(bucket)
    rows = _rows(4) + [{**r, "benchmark": "c"} for r in _rows(4)]
    data = pa.Table.from_pylist(rows, schema=schema.TABLES["samples"])
    from boundary_ray.lake.writer import write_table

    paths = write_table(lake, "samples", data)
    assert len(paths) == 2 and sorted(paths) == s3_server.keys(bucket, "lake/samples")
