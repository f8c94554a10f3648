"""What ``jobs/run.py`` and ``jobs/score.py`` share: arguments, joining the cluster, errors.

A job script runs as the driver of a ``ray job submit`` (or by hand, with ``RAY_ADDRESS`` set,
on any machine that can reach the cluster). It validates the spec before touching Ray, joins the
running cluster instead of starting a local one, calls one library function, prints one line.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from boundary_ray.errors import BoundaryError
from boundary_ray.settings import worker_env

# Set by Ray's job supervisor in the environment of every ``ray job submit`` entrypoint.
JOB_CONFIG_VAR = "RAY_JOB_CONFIG_JSON_ENV_VAR"
# The env vars boundary_ray.run.ray_session.start_ray gives its workers; it skips its own ray.init
# once this script has joined the cluster, so the script passes them on. They must not appear
# in infra/runtime_env.yaml too: Ray refuses to merge a job's and a driver's env var of one name.
DRIVER_ENV_VARS = worker_env()


def build_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """The arguments of every job script: ``--spec``, ``--lake``, repeated ``--set``."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--spec", required=True, help="YAML spec (a path on the driver node)")
    parser.add_argument("--lake", help="override the spec's lake (a path or s3://, gs:// URI)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a spec key, e.g. --set sampling.n=64 (repeatable; VALUE is YAML)",
    )
    return parser


def parse_overrides(pairs: list[str], lake: str | None) -> dict[str, Any]:
    """``["sampling.n=4"]`` -> ``{"sampling.n": 4}``; values are parsed as YAML scalars."""
    import yaml

    overrides: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise BoundaryError(f"--set {pair!r}: expected KEY=VALUE, e.g. sampling.n=64")
        try:
            overrides[key.strip()] = yaml.safe_load(value)
        except yaml.YAMLError:
            raise BoundaryError(f"--set {pair!r}: the value is not valid YAML") from None
    if lake:
        overrides["lake"] = lake
    return overrides


def connect_to_cluster() -> str | None:
    """Join the running Ray cluster when there is one to join; return its address.

    Under ``ray job submit`` (or with ``RAY_ADDRESS`` set) this calls
    ``ray.init(address="auto")``, which connects or fails but never starts a second, local
    cluster beside the real one. Without either, it does nothing and returns ``None``: the
    library then starts a local Ray instance, as ``boundary run`` does.
    """
    address = os.environ.get("RAY_ADDRESS")
    if not address and JOB_CONFIG_VAR not in os.environ:
        return None
    import ray

    if not ray.is_initialized():
        try:
            ray.init(
                address="auto",
                runtime_env={"env_vars": dict(DRIVER_ENV_VARS)},
                configure_logging=True,
                logging_level="WARNING",
            )
        except (ConnectionError, ValueError) as exc:  # nothing answers; an http:// address
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else "no answer"
            raise BoundaryError(
                f"RAY_ADDRESS={address}: cannot join the cluster ({first_line})"
            ) from None
    return address or "auto"


def run_job(
    prog: str,
    description: str,
    func: Callable[[], Callable[..., Any]],
    argv: list[str] | None = None,
) -> int:
    """Parse ``argv``, check the spec, join the cluster and call ``func()(spec, overrides=...)``.

    ``func`` returns the library function (imported late, so ``--help`` and bad arguments stay
    fast). Returns the exit status: 0, or 2 after a one-line ``<prog>: error: ...`` on stderr.
    """
    args = build_parser(prog, description).parse_args(argv)
    try:
        from boundary_ray.spec import load_spec

        overrides = parse_overrides(args.set, args.lake)
        spec = load_spec(args.spec, overrides)  # a bad spec fails here, before Ray starts
        address = connect_to_cluster()
        started = time.monotonic()
        result = func()(args.spec, overrides=overrides, progress=False)
        elapsed = time.monotonic() - started
    except BoundaryError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # `ray job stop` sends SIGINT first
        print(f"{prog}: interrupted; submit the same job again to resume", file=sys.stderr)
        return 130
    print(summary_line(prog, spec.name, spec.lake, address, elapsed, result), flush=True)
    return 0


def summary_line(
    prog: str, name: str, lake: str, address: str | None, elapsed: float, result: Any
) -> str:
    """One line for the job log: what ran, where, how long, and the library's counters."""
    where = f"cluster {address}" if address else "local Ray"
    parts = [f"{prog}: {name} done in {elapsed:.0f} s on {where}; lake {lake}"]
    if isinstance(result, dict):
        if result.get("run_id"):
            parts.append(f"run_id {result['run_id']}")
        counters = result.get("counters")
        if isinstance(counters, dict) and counters:
            totals: dict[str, int] = {}
            for per_model in counters.values():
                for key, value in (per_model or {}).items():
                    if isinstance(value, int):
                        totals[key] = totals.get(key, 0) + value
            parts.append(", ".join(f"{key} {value}" for key, value in totals.items()))
    return "; ".join(parts)
