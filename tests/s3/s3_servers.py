"""Real S3-protocol servers on loopback for tests: moto's standalone server (helpers, not tests).

``threaded_server()`` runs moto's ``ThreadedMotoServer`` (the whole S3 REST API over HTTP) in a
thread of this process, on a free port of 127.0.0.1; it accepts any credentials.
``auth_server()`` runs ``python -m moto.server`` in its own process with moto's IAM
authentication on (``INITIAL_NO_AUTH_ACTION_COUNT``): one IAM user may do anything (its key is
the server's ``access_key``/``secret_key``), the bucket ``authed`` exists, and any other key or
secret is refused, as AWS refuses it.

moto >= 5.2.2 is needed: 5.2.1 answers ``CompleteMultipartUpload`` with the root element
``CompleteMultipartUploadResponse`` (getmoto/moto#10055), which pyarrow takes for an error, so
every multipart upload fails there.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata

MOTO_MIN = (5, 2, 2)
REGION = "us-east-1"


@dataclass(frozen=True)
class S3Server:
    """Where a test S3 server listens and how to build lake URIs on it."""

    host: str
    port: int
    access_key: str = "testing"
    secret_key: str = "testing"

    @property
    def endpoint(self) -> str:
        """``host:port``, as pyarrow's ``endpoint_override`` takes it."""
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """``http://host:port``, as ``AWS_ENDPOINT_URL`` takes it."""
        return f"http://{self.endpoint}"

    def uri(self, bucket: str, path: str = "lake") -> str:
        """A lake URI with the endpoint in pyarrow's URI options."""
        return f"s3://{bucket}/{path}?endpoint_override={self.endpoint}&scheme=http"

    def env(self, **more: str) -> dict[str, str]:
        """The ``AWS_*`` variables a user exports for this server (no endpoint: see ``url``)."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_EC2_METADATA_DISABLED": "true",
            **more,
        }

    def filesystem(self):
        """A pyarrow S3 filesystem on this server with these credentials (tests' own reads)."""
        import pyarrow.fs as pafs

        return pafs.S3FileSystem(
            endpoint_override=self.endpoint,
            scheme="http",
            access_key=self.access_key,
            secret_key=self.secret_key,
            region=REGION,
            allow_bucket_creation=True,
        )

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        """Every object key in ``bucket`` under ``prefix`` (no folder markers), sorted."""
        import pyarrow.fs as pafs

        selector = pafs.FileSelector(f"{bucket}/{prefix}".rstrip("/"), recursive=True)
        selector.allow_not_found = True
        infos = self.filesystem().get_file_info(selector)
        return sorted(i.path for i in infos if i.type == pafs.FileType.File)


def moto_problem() -> str | None:
    """Why the installed moto cannot serve these tests, or None."""
    text = metadata.version("moto")
    version = tuple(int(p) for p in text.split(".")[:3] if p.isdigit())
    if version < MOTO_MIN:
        return (
            f"moto {text} breaks pyarrow's multipart uploads (getmoto/moto#10055):"
            " pip install 'moto[server]>=5.2.2' (the dev extra)"
        )
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def threaded_server() -> Iterator[S3Server]:
    """moto's S3 server in a thread of this process, until the block ends."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield S3Server(host, port)
    finally:
        server.stop()


@contextmanager
def auth_server() -> Iterator[S3Server]:
    """moto's server in its own process, checking credentials (see the module docstring)."""
    import boto3

    port = free_port()
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "4"}  # the 4 set-up calls below
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto's server did not start") from None
                time.sleep(0.2)
        anyone = {"aws_access_key_id": "x", "aws_secret_access_key": "x", "region_name": REGION}
        iam = boto3.client("iam", endpoint_url=url, **anyone)
        iam.create_user(UserName="lake")
        key = iam.create_access_key(UserName="lake")["AccessKey"]
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        }
        iam.put_user_policy(UserName="lake", PolicyName="all", PolicyDocument=json.dumps(policy))
        boto3.client(
            "s3",
            endpoint_url=url,
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
            region_name=REGION,
        ).create_bucket(Bucket="authed")
        yield S3Server("127.0.0.1", port, key["AccessKeyId"], key["SecretAccessKey"])
    finally:
        proc.terminate()
        proc.wait(timeout=30)
