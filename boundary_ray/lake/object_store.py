"""What an object-store lake (``s3://``, ``gs://``, ...) needs that a local one does not.

An object store has no folders and no rename: pyarrow's ``move`` is a copy and a delete, and a
stream that is closed after an error publishes whatever was written before it (checked against
a real S3 server: ``tests/s3/test_s3_objects.py``). What it has instead: an object appears at
its key whole, or not at all, when its upload completes (a single ``PutObject``, or a multipart
upload's ``CompleteMultipartUpload``); a killed writer leaves nothing at the key (an unfinished
multipart upload is invisible; an ``AbortIncompleteMultipartUpload`` lifecycle rule removes
its parts). So the lake writes an object store like this (``put_whole``):

- the file is made whole in memory first (a lake file is one batch: kilobytes to megabytes);
- one under ``SINGLE_PUT_MAX`` goes to its final key in one ``write`` and one ``close``: nothing
  between them can fail, and the upload happens in ``close`` (a single ``PutObject``, the
  filesystem opened with ``allow_delayed_open``), so the key holds the whole file or nothing;
- a larger one is uploaded under a temp name (``*.tmp``, which no reader lists) and copied to
  its key (a server-side copy: the key appears whole), then the temp object is deleted. A
  writer killed in between leaves a ``*.tmp`` object that nothing reads.

File names are fixed by the rows' keys (``lake/writer.py``), so a retried write replaces its
own object, never adds a second one. ``s3://`` credentials and endpoints come as pyarrow reads
them: URI options (``?endpoint_override=host:port&scheme=http``) and the ``AWS_*`` variables
(``settings.storage_env`` names them).
"""

from __future__ import annotations

import re
import uuid

import pyarrow as pa
import pyarrow.fs as pafs

from boundary_ray.errors import BoundaryError
from boundary_ray.lake.location import open_lake

SINGLE_PUT_MAX = 5 * 2**20 - 1  # below S3's smallest part: Arrow uploads nothing before close

_USERINFO = re.compile(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", re.IGNORECASE)


def put_whole(fs: pafs.FileSystem, path: str, payload: bytes | pa.Buffer) -> None:
    """Store ``payload`` at ``path`` on an object store so that no reader ever sees a part of it
    (see the module docstring)."""
    data = payload if isinstance(payload, pa.Buffer) else pa.py_buffer(payload)
    if data.size <= SINGLE_PUT_MAX:
        with fs.open_output_stream(path) as out:
            out.write(data)
        return
    tmp = f"{path}.{uuid.uuid4().hex[:8]}.tmp"
    with fs.open_output_stream(tmp) as out:
        out.write(data)
    fs.copy_file(tmp, path)
    fs.delete_file(tmp)


def redacted(lake: str) -> str:
    """``lake`` without credentials written into it (``s3://KEY:SECRET@bucket/...``)."""
    return _USERINFO.sub(r"\1***@", str(lake))


def bucket_of(root: str) -> str:
    """The bucket (first path part) of an object-store root such as ``bucket/lake``."""
    return root.split("/", 1)[0]


def store_error(lake: str, exc: BaseException) -> BoundaryError:
    """One line saying what went wrong reaching ``lake``, from pyarrow's (AWS SDK's) error."""
    text = " ".join(str(exc).split())
    shown = redacted(lake)
    if "NETWORK_CONNECTION" in text or "Could not resolve host" in text:
        detail = text.rsplit("Details: ", 1)[-1] if "Details: " in text else text
        return BoundaryError(
            f"lake {shown}: cannot reach the object store ({detail}); check the endpoint"
            " (endpoint_override=host:port&scheme=http in the URI, or AWS_ENDPOINT_URL)"
        )
    if any(code in text for code in _CREDENTIAL_ERRORS):
        code = next(c for c in _CREDENTIAL_ERRORS if c in text)
        return BoundaryError(
            f"lake {shown}: the object store refused the credentials ({code}); check"
            " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, AWS_SESSION_TOKEN)"
            " and what they may do in the bucket"
        )
    if "NO_SUCH_BUCKET" in text or "not found. To create buckets" in text:
        return _no_bucket(lake, _bucket_in(text))
    return BoundaryError(f"lake {shown}: {text}")


def _no_bucket(lake: str, bucket: str) -> BoundaryError:
    return BoundaryError(
        f"lake {redacted(lake)}: bucket {bucket!r} does not exist (create it first:"
        " boundary never creates buckets)"
    )


_CREDENTIAL_ERRORS = (
    "INVALID_ACCESS_KEY_ID",
    "SIGNATURE_DOES_NOT_MATCH",
    "ACCESS_DENIED",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "EXPIRED_TOKEN",
)


def _bucket_in(text: str) -> str:
    match = re.search(r"[Bb]ucket '([^']+)'", text)
    return match.group(1) if match else "?"


def check_store(lake: str) -> None:
    """Before a run writes anything to an object-store ``lake``: the URI parses, the store
    answers, takes the credentials and has the lake's bucket; else one line saying which
    (``store_error``). A local lake passes at once."""
    location = open_lake(lake)
    if location.local:
        return
    try:
        fs, root = location.fs, location.root
        info = fs.get_file_info(bucket_of(root))
    except (OSError, pa.ArrowException) as exc:
        raise store_error(lake, exc) from None
    if info.type == pafs.FileType.NotFound:
        raise _no_bucket(lake, bucket_of(root))
