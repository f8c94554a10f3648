"""The ``boundary`` command line: run, query, chart, report, score, verify, import, models.

Each verb parses its arguments and calls one library function; every ``BoundaryError``, and
every usage error argparse finds, becomes a one-line ``boundary: error: ...`` on stderr and exit
status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import NoReturn

from boundary_ray.errors import BoundaryError

DEMO_SPEC = Path(__file__).parent / "examples" / "demo.yaml"


def _params(pairs: list[str] | None, flag: str = "--param") -> dict[str, str]:
    """``KEY=VALUE`` pairs of a repeated option as a dict (errors name ``flag``)."""
    params = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise BoundaryError(f"{flag} {pair!r}: expected key=value")
        params[key] = value
    return params


def _overrides(pairs: list[str] | None) -> dict[str, object]:
    """``--set KEY=VALUE`` pairs as dotted keys and YAML values (one-line errors naming the key)."""
    from boundary_ray.spec import parse_override

    return dict(parse_override(pair) for pair in pairs or [])


def cmd_run(args: argparse.Namespace) -> int:
    spec_path = args.spec or DEMO_SPEC
    overrides = _overrides(args.set)
    if args.lake:
        overrides["lake"] = args.lake
    if getattr(args, "dry_run", False):
        from boundary_ray.run.plan import format_plan, plan_spec_file

        sys.stdout.write(format_plan(plan_spec_file(spec_path, overrides)))
        return 0
    from boundary_ray.run.pipeline import run_spec_file

    demo = Path(spec_path).resolve() == DEMO_SPEC.resolve()
    if demo and not args.quiet:
        print(_spec_header(DEMO_SPEC), flush=True)  # what the demo runs, and why
    result = run_spec_file(spec_path, overrides=overrides, progress=not args.quiet)
    if not args.quiet:
        _print_run_summary(result["run_id"], result["lake"])
    if demo:
        from boundary_ray.charts.report import write_report

        report = write_report(result["lake"], str(Path(result["lake"]).parent / "report"))
        print(f"report: {report}")
    return 0


def _spec_header(path: Path) -> str:
    """The comment lines a spec file opens with, without their ``#``."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[2:] if line.startswith("# ") else line[1:])
    return "\n".join(lines)


def _print_run_summary(run_id: str, lake: str) -> None:
    """After a run: where it wrote, the lake's pass@k table, and per model how many problems
    it solves at k=1 and at k=n."""
    from boundary_ray.query import QuerySession
    from boundary_ray.query.formatting import format_table, solved_lines

    print(f"\nrun {run_id} done; lake: {lake}")
    with QuerySession(lake) as session:
        print(format_table(session.query("pass_at_k"), "table", None))
        for line in solved_lines(session.query("solved_summary")):
            print(line)


def cmd_query(args: argparse.Namespace) -> int:
    from boundary_ray.query.formatting import format_table

    if args.name.endswith(".sql"):  # a SQL file over the lake's views (Lake.sql in Python)
        from boundary_ray.query import run_sql

        path = Path(args.name)
        if not path.is_file():
            raise BoundaryError(f"{args.name}: no such SQL file")
        if args.param:
            raise BoundaryError(f"--param: only for the named queries, not {args.name}")
        table = run_sql(path.read_text(encoding="utf-8"), args.lake)
    else:
        from boundary_ray.query import run_query

        table = run_query(args.name, args.lake, _params(args.param))
    sys.stdout.write(format_table(table, args.format, args.out))
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    """One statement over the lake's views, or the DuckDB shell with them defined."""
    if args.statement is None:
        from boundary_ray.query.shell import init_script, open_shell

        if args.print_init:
            sys.stdout.write(init_script(args.lake))
            return 0
        return open_shell(args.lake)
    from boundary_ray.query import run_sql
    from boundary_ray.query.formatting import format_table

    sys.stdout.write(format_table(run_sql(args.statement, args.lake), args.format, args.out))
    return 0


def cmd_chart(args: argparse.Namespace) -> int:
    from boundary_ray.charts import render_chart

    path = render_chart(args.name, args.lake, args.out, _params(args.param))
    print(path)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from boundary_ray.charts.report import write_report

    print(write_report(args.lake, args.out))
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from boundary_ray.scoring import score_spec_file

    overrides = _overrides(args.set)
    if args.lake:
        overrides["lake"] = args.lake
    score_spec_file(args.spec, overrides=overrides, progress=not args.quiet)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    if args.task == "process":
        return _verify_process(args)
    if args.lake or args.input is None:
        raise BoundaryError(
            f"verify {args.task}: give one IN.jsonl (--lake is for `verify process`)"
        )
    from boundary_ray.verifiers.offline import verify_jsonl

    for result in verify_jsonl(args.task, args.input, timeout_s=args.timeout):
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
    return 0


def _verify_process(args: argparse.Namespace) -> int:
    if (args.lake is None) == (args.input is None):
        raise BoundaryError("verify process: give either IN.jsonl or --lake DIR")
    if args.lake is not None:
        from boundary_ray.run.process_job import format_counts, verify_process_lake

        sys.stdout.write(format_counts(verify_process_lake(args.lake)))
        return 0
    from boundary_ray.verifiers.process.offline import verify_process_jsonl

    for result in verify_process_jsonl(args.input, timeout_s=args.timeout):
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
    return 0


def _tags(text: str | None) -> dict[str, object]:
    """``--tags k=v,k2=v2`` as a dict; each value is read as YAML (``step=300`` is a number)."""
    import yaml

    tags: dict[str, object] = {}
    for pair in (text or "").split(","):
        if not pair.strip():
            continue
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise BoundaryError(
                f"--tags {pair!r}: expected key=value, e.g. algorithm=grpo,step=300"
            )
        try:
            parsed = yaml.safe_load(value)
        except yaml.YAMLError:
            parsed = value
        tags[key.strip()] = parsed if isinstance(parsed, str | int | float | bool) else value
    return tags


def cmd_import(args: argparse.Namespace) -> int:
    from boundary_ray.imports.job import ImportRequest, import_samples

    name, sep, source = args.benchmark.partition("=")
    if not sep or not name or not source:
        raise BoundaryError(f"--benchmark {args.benchmark!r}: expected NAME=SOURCE")
    request = ImportRequest(
        fmt=args.format,
        files=tuple(args.files),
        lake=args.lake,
        model=args.model,
        benchmark=name,
        source=source,
        role=args.role,
        tags=_tags(args.tags),
        prompt=args.prompt,
    )
    result = import_samples(request, progress=not args.quiet)
    totals = result["counters"][args.model]
    if result["run_id"] is None:
        print(
            f"{args.model} on {name}: all {totals['already_in_lake']} samples already in the lake"
        )
        return 0
    from boundary_ray.query.answer_classes import refresh_answer_classes
    from boundary_ray.query.outcomes import refresh_outcomes

    # as a run ends: aggregate queries then read per-problem counts, maj@k its stored votes
    refresh_outcomes(result["lake"])
    refresh_answer_classes(result["lake"], [args.model])
    print(
        f"import {result['run_id']} done; lake: {result['lake']}\n"
        f"{args.model} on {name}: {totals['samples']} samples written, "
        f"{totals['already_in_lake']} already in the lake, {totals['correct']} correct"
        + (f", {totals['skipped']} skipped" if totals["skipped"] else "")
    )
    if totals["source_verdicts"]:
        print(
            f"the source's verdict differs from ours on {totals['source_disagreements']} of "
            f"{totals['source_verdicts']} samples: boundary query source_disagreement "
            f"--lake {result['lake']}"
        )
    return 0


def cmd_label(args: argparse.Namespace) -> int:
    from boundary_ray.review import labelling

    params = _params(args.param)
    if args.export and args.import_:
        raise BoundaryError("label: give --export or --import, not both")
    if args.export:
        count = labelling.export_candidates(args.lake, args.export, params)
        print(
            f"{count} responses to label written to {args.export}; fill in 'label' and run "
            f"`boundary label --lake {args.lake} --import {args.export} --who NAME`"
        )
        return 0
    if args.import_:
        count = labelling.import_labels(args.lake, args.import_, args.who)
        print(f"{count} labels stored in {args.lake}/labels")
        return 0
    if not args.who:
        raise BoundaryError("label: --who NAME is required (who labels is stored with each label)")
    count = labelling.label_interactively(args.lake, args.who, params)
    print(f"{count} labels stored in {args.lake}/labels")
    return 0


def cmd_view(args: argparse.Namespace) -> int:
    from boundary_ray.review.view.server import serve

    return serve(args.lake, args.host, args.port, args.token, args.who)


def cmd_models(args: argparse.Namespace) -> int:
    from boundary_ray.models.builtin import BUILTIN_MODELS, prepare_builtin

    if args.action == "list":
        for name, info in BUILTIN_MODELS.items():
            print(f"builtin:{name}\t{info.description}")
        return 0
    names = args.names or list(BUILTIN_MODELS)
    for name in names:
        print(prepare_builtin(name.removeprefix("builtin:")))
    return 0


def cmd_lake_compact(args: argparse.Namespace) -> int:
    from boundary_ray.lake.compact import compact_lake

    partitions = _params(args.partition, "--partition")
    for result in compact_lake(args.lake, args.table, partitions, args.target_mb):
        done = f"{result.files_before} files -> {result.files_after}"
        why = (
            f" (skipped: {result.skipped})"
            if result.skipped
            else f", {result.rows_merged} rows merged"
        )
        kept = result.caches_carried
        print(
            f"{result.partition}: {done}{why}"
            + (f"; kept fresh: {', '.join(kept)}" if kept else "")
        )
    if args.table == "samples":
        from boundary_ray.query.outcomes import refresh_outcomes

        refresh_outcomes(args.lake)  # partitions whose outcomes were not fresh before
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    from boundary_ray.lake.reader import lake_root
    from boundary_ray.lake.runs import list_runs
    from boundary_ray.query.formatting import format_table

    lake_root(args.lake)
    skipped: list[str] = []
    table = list_runs(args.lake, skipped)
    for path in skipped:  # a manifest cut short or edited by hand: say so, list the rest
        print(f"boundary runs: skipped {path}: not a readable run manifest", file=sys.stderr)
    if args.format == "table":
        table = table.drop_columns(["counters"])
    sys.stdout.write(format_table(table, args.format))
    return 0


def cmd_lake_outcomes(args: argparse.Namespace) -> int:
    from boundary_ray.lake.reader import lake_root
    from boundary_ray.query.outcomes import refresh_outcomes

    lake_root(args.lake)
    counts = refresh_outcomes(args.lake)
    print(", ".join(f"{count} {what}" for what, count in counts.items()) + " partitions")
    return 0


def cmd_lake_snapshot(args: argparse.Namespace) -> int:
    from boundary_ray.lake.snapshot import snapshot_lake
    from boundary_ray.query.catalog import VIEWS_FILE, queries_dir

    views = (queries_dir() / VIEWS_FILE).read_text(encoding="utf-8")
    counts = snapshot_lake(args.lake, args.out, views)
    print(f"{args.out}: {sum(counts.values())} files linked; in DuckDB: .read {args.out}/views.sql")
    return 0


def cmd_lake_answer_classes(args: argparse.Namespace) -> int:
    from boundary_ray.lake.reader import lake_root
    from boundary_ray.query.answer_classes import refresh_answer_classes

    lake_root(args.lake)
    counts = refresh_answer_classes(args.lake)
    comparisons = counts.pop("comparisons")
    votes = counts.pop("majority_rebuilt")
    print(
        ", ".join(f"{count} {what}" for what, count in counts.items())
        + f" partitions; {comparisons} verifier comparisons; maj@k stored for {votes} partitions"
    )
    return 0


def cmd_lake_upgrade(args: argparse.Namespace) -> int:
    from boundary_ray.lake.upgrade import upgrade_lake

    for line in upgrade_lake(args.lake, dry_run=args.dry_run):
        print(line)
    return 0


class OneLineErrorParser(argparse.ArgumentParser):
    """``argparse``, with a usage error as one ``boundary: error:`` line, like the CLI's other
    errors, instead of the usage block and the error (``--help`` still prints the usage). The
    verbs' parsers are of this class too (``add_subparsers`` makes them the parent's class)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"boundary: error: {message} (see: {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every verb."""
    parser = OneLineErrorParser(
        prog="boundary", description="Measure the reasoning boundary of language models (pass@k)."
    )
    verbs = parser.add_subparsers(dest="verb", required=True)

    run = verbs.add_parser("run", help="sample, verify and write to the lake (resumable)")
    run.add_argument("spec", nargs="?", help="YAML spec (default: the bundled demo)")
    run.add_argument("--lake", help="override the spec's lake location")
    run.add_argument(
        "--set", action="append", metavar="KEY=VALUE", help="override a spec key, e.g. sampling.n=4"
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument(
        "--dry-run",
        action="store_true",
        help="print the plan (models after series expansion, problems, samples to draw and "
        "already in the lake) and stop: no Ray, no engine",
    )
    run.set_defaults(func=cmd_run)

    demo = verbs.add_parser("demo", help="run the bundled offline demo (same as a bare `run`)")
    demo.add_argument("--lake", help="where to write the lake (default ./lake)")
    demo.add_argument("--set", action="append", metavar="KEY=VALUE")
    demo.add_argument("--quiet", action="store_true")
    demo.set_defaults(func=cmd_run, spec=None)

    query = verbs.add_parser("query", help="run one of queries/*.sql over a lake")
    query.add_argument(
        "name", help="query name, e.g. pass_at_k, or FILE.sql: any SQL over the lake's views"
    )
    query.add_argument("--lake", default="./lake")
    query.add_argument("--param", action="append", metavar="KEY=VALUE")
    query.add_argument(
        "--format", default="table", choices=["table", "csv", "json", "parquet", "markdown"]
    )
    query.add_argument("--out", help="file for --format parquet")
    query.set_defaults(func=cmd_query)

    sql = verbs.add_parser(
        "sql",
        help="SQL over the lake's views: one statement, or the DuckDB shell with them defined",
    )
    sql.add_argument("statement", nargs="?", help="one SQL statement (omit it for the shell)")
    sql.add_argument("--lake", default="./lake")
    sql.add_argument(
        "--format", default="table", choices=["table", "csv", "json", "parquet", "markdown"]
    )
    sql.add_argument("--out", help="file for --format parquet")
    sql.add_argument(
        "--print-init",
        action="store_true",
        help="print the shell's init script (views over the lake) instead of starting the shell",
    )
    sql.set_defaults(func=cmd_sql)

    chart = verbs.add_parser("chart", help="render a chart (png, svg, pdf or html by suffix)")
    chart.add_argument("name")
    chart.add_argument("--lake", default="./lake")
    chart.add_argument("--out", required=True)
    chart.add_argument("--param", action="append", metavar="KEY=VALUE")
    chart.set_defaults(func=cmd_chart)

    report = verbs.add_parser("report", help="every chart and table the lake supports")
    report.add_argument("--lake", default="./lake")
    report.add_argument("--out", required=True)
    report.set_defaults(func=cmd_report)

    score = verbs.add_parser("score", help="perplexity of lake responses under scorer models")
    score.add_argument("spec")
    score.add_argument("--lake")
    score.add_argument("--set", action="append", metavar="KEY=VALUE")
    score.add_argument("--quiet", action="store_true")
    score.set_defaults(func=cmd_score)

    verify = verbs.add_parser(
        "verify",
        help="re-grade responses offline from JSONL; `verify process --lake DIR` recomputes "
        "a lake's process verdicts (appended to its process/ table)",
    )
    verify.add_argument("task", choices=["math", "code", "visual", "process"])
    verify.add_argument("input", nargs="?", help="JSONL file ('-' for stdin)")
    verify.add_argument("--lake", help="process only: judge every sample of this lake")
    verify.add_argument("--timeout", type=float, default=None, help="per-sample seconds")
    verify.set_defaults(func=cmd_verify)

    lake = verbs.add_parser(
        "lake", help="maintain a lake (compact small files, upgrade an older one)"
    )
    lake_verbs = lake.add_subparsers(dest="lake_verb", required=True)
    compact = lake_verbs.add_parser(
        "compact",
        help="merge each partition's small files into row-group-sized files, atomically "
        "(safe beside a running job; local or mounted lakes)",
    )
    compact.add_argument("--lake", default="./lake")
    compact.add_argument("--table", default="samples", help="problems, models, samples or scores")
    compact.add_argument(
        "--partition", action="append", metavar="KEY=VALUE", help="only these, e.g. model=m"
    )
    compact.add_argument(
        "--target-mb", type=float, default=128.0, help="uncompressed MB per merged file"
    )
    compact.set_defaults(func=cmd_lake_compact)
    upgrade = lake_verbs.add_parser(
        "upgrade",
        help="rewrite files of an older lake that reading as-is cannot handle (idempotent)",
    )
    upgrade.add_argument("--lake", default="./lake")
    upgrade.add_argument("--dry-run", action="store_true", help="say what it would rewrite")
    upgrade.set_defaults(func=cmd_lake_upgrade)
    outcomes = lake_verbs.add_parser(
        "outcomes",
        help="rebuild the per-problem outcomes the aggregate queries read (after a killed run)",
    )
    outcomes.add_argument("--lake", default="./lake")
    outcomes.set_defaults(func=cmd_lake_outcomes)
    snapshot = lake_verbs.add_parser(
        "snapshot",
        help="hard-link the lake's files into a new folder as of one instant, for your own SQL "
        "(no compaction can change it; with its views.sql)",
    )
    snapshot.add_argument("--lake", default="./lake")
    snapshot.add_argument("--out", required=True, help="a new folder on the lake's filesystem")
    snapshot.set_defaults(func=cmd_lake_snapshot)
    classes = lake_verbs.add_parser(
        "answer-classes",
        help="rebuild the answer classes maj_at_k votes over, grouping answers with the "
        "verifier's equivalence (math-verify, the visual rule); partitions unchanged are kept",
    )
    classes.add_argument("--lake", default="./lake")
    classes.set_defaults(func=cmd_lake_answer_classes)

    runs = verbs.add_parser(
        "runs", help="the lake's runs: state (running, done, interrupted, failed), times, counts"
    )
    runs.add_argument("--lake", default="./lake")
    runs.add_argument("--format", default="table", choices=["table", "csv", "json", "markdown"])
    runs.set_defaults(func=cmd_runs)

    imp = verbs.add_parser(
        "import",
        help="import samples another tool wrote (jsonl, qwen-math, lm-eval, inspect, "
        "nemo-skills), verified here; rerun to resume (every sample once)",
    )
    imp.add_argument("format", help="jsonl | qwen-math | lm-eval | inspect | nemo-skills")
    imp.add_argument("files", nargs="+", metavar="FILE", help="the tool's files, in seed order")
    imp.add_argument("--lake", default="./lake")
    imp.add_argument("--model", required=True, help="the model's name in the lake")
    imp.add_argument(
        "--benchmark",
        required=True,
        metavar="NAME=SOURCE",
        help="the problems the samples answer: any source a spec takes "
        "(a JSONL/Parquet path, builtin:humaneval, synthetic:arith?...)",
    )
    imp.add_argument("--role", default="instruct", help="base | rl | distilled | instruct")
    imp.add_argument("--tags", metavar="K=V,...", help="the model's tags, e.g. algorithm=grpo")
    imp.add_argument(
        "--prompt", help="the prompt style it was sampled with (chat, raw, qwen-boxed, ...)"
    )
    imp.add_argument("--quiet", action="store_true", help="no progress lines")
    imp.set_defaults(func=cmd_import)

    label = verbs.add_parser(
        "label",
        help="label the hardest solved responses valid | guess | unsure (in the terminal, or "
        "--export a file to fill in by hand and --import it); stored in the lake's labels/",
    )
    label.add_argument("--lake", default="./lake")
    label.add_argument("--who", help="who is labelling (stored with each label)")
    label.add_argument("--export", metavar="FILE.jsonl", help="write the responses to label")
    label.add_argument(
        "--import", dest="import_", metavar="FILE.jsonl", help="store the labels filled in a file"
    )
    label.add_argument(
        "--param",
        action="append",
        metavar="KEY=VALUE",
        help="hardest_solved parameters: max_rate (default 0.05), model, benchmark",
    )
    label.set_defaults(func=cmd_label)

    view = verbs.add_parser(
        "view",
        help="read, compare and label samples in a browser: a local web server over the lake "
        "(/, /problems, /problems/<benchmark>/<problem_id>, JSON under /api/)",
    )
    view.add_argument("--lake", default="./lake")
    view.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: loopback)"
    )
    view.add_argument("--port", type=int, default=8000, help="port (0: a free one; default 8000)")
    view.add_argument(
        "--token",
        help="a secret every request must carry (required beyond loopback); open the printed "
        "address once and the browser keeps it in a cookie",
    )
    view.add_argument("--who", help="who labels (default: $USER); the page can change it")
    view.set_defaults(func=cmd_view)

    models = verbs.add_parser("models", help="prepare the bundled offline models")
    models.add_argument("action", choices=["prepare", "list"])
    models.add_argument("names", nargs="*", help="e.g. smollm2-135m-instruct (default: all)")
    models.set_defaults(func=cmd_models)
    return parser


# Errors about files rather than code: a corrupt or truncated Parquet file in the lake
# (pyarrow's ArrowInvalid, DuckDB's IOException/InvalidInputException) or a path that cannot
# be read or written (OSError). The CLI reports them in one line; anything else is a bug and
# keeps its traceback.
_DATA_ERRORS = {
    ("pyarrow.lib", "ArrowInvalid"),
    ("_duckdb", "IOException"),
    ("_duckdb", "InvalidInputException"),
    ("duckdb", "IOException"),
    ("duckdb", "InvalidInputException"),
}


def _is_data_error(exc: BaseException) -> bool:
    """True for an error about a file (unreadable lake file, unwritable output path)."""
    if isinstance(exc, OSError):
        return True
    return any((cls.__module__, cls.__name__) in _DATA_ERRORS for cls in type(exc).__mro__)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``boundary`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BoundaryError as exc:
        one_line = str(exc).replace("\r", "\\r").replace("\n", "\\n")  # a key may hold one
        print(f"boundary: error: {one_line}", file=sys.stderr)
        return 2
    except Exception as exc:
        if not _is_data_error(exc):
            raise
        # an unreadable lake file or an unwritable --out: the message names the path
        one_line = " ".join(str(exc).split())
        print(f"boundary: error: {one_line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("boundary: interrupted; rerun the same command to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
