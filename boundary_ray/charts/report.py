"""``boundary report``: every chart the lake's data supports, with its table, in one folder.

Writes ``<out>/<chart>.png`` and ``<chart>.svg`` for each chart whose query returns rows,
``report.md`` (the tables as Markdown, linking the PNGs) and ``index.html``: one
self-contained page (charts inlined as base64 SVG images, tables as HTML; no scripts, no
network) showing them together.
A chart with nothing to plot (no scores yet, no synthetic benchmark, one model only) is
listed as skipped with the reason.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from boundary_ray.charts import CHART_NAMES, chart_kind, draw, extra_tables
from boundary_ray.common.clock import MINUTES, utc_now
from boundary_ray.lake.location import LakeLocation
from boundary_ray.query import QuerySession

# Resamples of the pass@k band. The bootstrap is most of pass_at_k's time and grows with the
# resamples (1000, the query's default: ~25 s on 10 million samples). With 200 the 2.5% and
# 97.5% percentiles carry a Monte Carlo error of ~0.2 of pass@k's standard error (~0.09 at
# 1000): too little to see in a chart band, for a fifth of the time.
# `boundary query pass_at_k --param ci=0.95` still gives the 1000-resample interval.
REPORT_BOOTSTRAP = 200
# query parameters the report uses per chart (the CLI's --param defaults otherwise)
REPORT_PARAMS: dict[str, dict[str, str]] = {
    "pass_at_k": {"ci": "0.95", "bootstrap": str(REPORT_BOOTSTRAP)},
    "algorithm_comparison": {"ci": "0.95", "bootstrap": str(REPORT_BOOTSTRAP)},
}
REPORT_NOTES = {
    "pass_at_k": f" Here the band is the 95% interval ({REPORT_BOOTSTRAP} resamples).",
    "algorithm_comparison": f" Here the interval is 95% ({REPORT_BOOTSTRAP} resamples).",
}
# roles tried in turn as the "compared" side of efficiency_gap: RL first, as in the paper
GAP_ROLES = ("rl", "distilled", "instruct")
OPEN_TABLE_ROWS = 40  # longer tables start folded in index.html
SCREEN_ZOOM = 1.6  # charts are sized for print (1 px = 1 pt); larger on screen
# tables shown without a chart
EXTRA_TABLES = {
    "answer_health": "How often responses fail to give a gradable answer, per model and benchmark.",
}
SKIP_REASONS = {
    "coverage": "needs two models on the same problems",
    "efficiency_gap": "needs a model with role base and one with role rl, distilled or instruct",
    "boundary_by_difficulty": "needs a synthetic: benchmark (problems with an ops difficulty)",
    "process_pass_at_k": "needs a synthetic: benchmark (problems with a gold dependency graph)",
    "perplexity": "needs scores: run `boundary score SPEC`",
    "pass_at_k_by_role": "needs models of two or more roles",
    "training_curve": "needs checkpoints: models tagged with a step (a checkpoint series in the spec)",
    "algorithm_comparison": "needs a model with role base and models with role rl of its family",
}
# the paper's tables laid out from a chart's query result (charts/paper_tables.py)
PAPER_TABLES = {
    "algorithm_comparison": (
        "table_3",
        "Table 3: RL algorithms",
        "pass@1 and pass@K (%) of the base model and of each RL algorithm (its last checkpoint), "
        "and \u0394SE = base pass@K \u2212 pass@1 (the paper's Table 3).",
    ),
    "training_curve": (
        "table_4",
        "Table 4: training steps",
        "pass@1 and pass@K (%) of the base model and of each checkpoint of a series (the "
        "paper's Table 4).",
    ),
}


@dataclass
class Section:
    """One chart (or table) of the report."""

    name: str
    title: str
    caption: str
    table: pa.Table | None = None
    files: dict[str, str] = field(default_factory=dict)  # format -> file name
    svg: str = ""
    skipped: str = ""
    query: str = ""  # the `boundary query` behind the table (default: name)
    extras: dict[str, pa.Table] = field(default_factory=dict)  # the chart's further queries


def write_report(lake: str | LakeLocation, out_dir: str) -> str:
    """Write the report for ``lake`` into ``out_dir``; returns the path of ``index.html``.
    Every section's query runs on one ``QuerySession``."""
    from boundary_ray.charts.colors import lake_models

    out = Path(out_dir)
    with QuerySession(lake) as session:
        out.mkdir(parents=True, exist_ok=True)
        models = lake_models(session.lake)
        sections = [_chart_section(name, session, models, out) for name in CHART_NAMES]
        sections = _with_explicit_pass_at_k(sections, session, models, out)
        sections += [_paper_table(s) for s in sections if s.name in PAPER_TABLES]
        sections += [_table_section(name, cap, session) for name, cap in EXTRA_TABLES.items()]
        summary = _summary(session)
    lake = str(session.lake)
    stamp = utc_now(MINUTES)
    _write(out / "report.md", _markdown(lake, stamp, sections, summary))
    index = out / "index.html"
    _write(index, _html(lake, stamp, sections, summary))
    return str(index)


def _summary(session: QuerySession) -> list[str]:
    """The report's opening lines: per model, problems solved at k=1 and at k=n."""
    from boundary_ray.query.formatting import solved_lines

    return solved_lines(session.query("solved_summary", {}))


def _chart_section(name: str, session: QuerySession, models: list[str], out: Path) -> Section:
    kind = chart_kind(name)
    section = Section(name, kind.title, kind.caption)
    if name == "efficiency_gap":
        table, role = _gap_table(session)
        if role not in (None, "rl"):
            section.caption += f" Compared models: role {role} (no model has role rl)."
    else:
        table = session.query(kind.query, REPORT_PARAMS.get(name))
        section.caption += REPORT_NOTES.get(name, "")
        if table.num_rows:
            section.extras = extra_tables(name, session, REPORT_PARAMS.get(name))
    section.table = table
    if (
        name == "pass_at_k_by_role"
        and table is not None
        and len(set(table["role"].to_pylist())) < 2
    ):
        table = None  # one role: the plain pass@k chart says it all
    if table is None or table.num_rows == 0:
        section.skipped = SKIP_REASONS.get(name, "the query returned no rows")
        return section
    _render(section, name, table, models, out)
    return section


def _with_explicit_pass_at_k(
    sections: list[Section], session: QuerySession, models: list[str], out: Path
) -> list[Section]:
    """``sections`` with a second pass@k chart after the first, counting explicit answers only
    (``--param answers=explicit``), when its points differ from the first's (issue 18)."""
    index = next((i for i, s in enumerate(sections) if s.name == "pass_at_k"), None)
    if index is None or sections[index].skipped or sections[index].table is None:
        return sections
    full = sections[index]
    table = session.query("pass_at_k", {**REPORT_PARAMS["pass_at_k"], "answers": "explicit"})
    if _points(table) == _points(full.table):
        return sections
    name = "pass_at_k_explicit"
    section = Section(
        name,
        f"{full.title}: explicit answers only",
        f"{full.caption} Only explicit answers count: a right number that the response never "
        "marks as its answer (no \\boxed{}, 'the answer is' or '####'; the last-number "
        "fallback) counts as wrong. Shown because it differs from the curve above; "
        "answer_health gives the share of correct verdicts resting on the fallback.",
        table=table,
        query="pass_at_k --param answers=explicit",
        extras=full.extras,
    )
    _render(section, "pass_at_k", table, models, out)
    return [*sections[: index + 1], section, *sections[index + 1 :]]


def _render(section: Section, chart: str, table: pa.Table, models: list[str], out: Path) -> None:
    """Draw ``chart`` from ``table`` into ``<out>/<section.name>.{png,svg}``."""
    from boundary_ray.charts.export import render_bytes

    spec = draw(chart, table, models, section.extras).to_dict()
    for fmt in ("png", "svg"):
        data = render_bytes(spec, fmt)
        (out / f"{section.name}.{fmt}").write_bytes(data)
        section.files[fmt] = f"{section.name}.{fmt}"
        if fmt == "svg":
            section.svg = data.decode()


def _points(table: pa.Table) -> list[tuple[Any, ...]]:
    """A pass@k table's point estimates, rounded past float noise."""
    return sorted(
        (r["model"], r["benchmark"], r["k"], round(r["pass_at_k"], 12)) for r in table.to_pylist()
    )


def _gap_table(session: QuerySession) -> tuple[pa.Table | None, str | None]:
    for role in GAP_ROLES:
        table = session.query("efficiency_gap", {"rl_role": role})
        if table.num_rows:
            return table, role
    return None, None


def _paper_table(chart: Section) -> Section:
    """Table 3 or 4 from the result of the chart ``chart`` (skipped when that was)."""
    from boundary_ray.charts.paper_tables import algorithm_table, steps_table

    name, title, caption = PAPER_TABLES[chart.name]
    section = Section(name, title, caption, query=chart.name)
    if chart.skipped:
        section.skipped = chart.skipped
        return section
    layout = algorithm_table if chart.name == "algorithm_comparison" else steps_table
    section.table = layout(chart.table)
    return section


def _table_section(name: str, caption: str, session: QuerySession) -> Section:
    table = session.query(name)
    section = Section(name, name.replace("_", " ").capitalize(), caption, table=table)
    if table.num_rows == 0:
        section.skipped = "the query returned no rows"
    return section


def _shown(table: pa.Table) -> pa.Table:
    """The columns a report table shows: list columns (problem id lists) are left out."""
    keep = [f.name for f in table.schema if not pa.types.is_list(f.type) and f.name != "rl_tags"]
    return table.select(keep)


# --- Markdown ---------------------------------------------------------------------------------


def _markdown(lake: str, stamp: str, sections: list[Section], summary: list[str]) -> str:
    from boundary_ray.query.formatting import format_table

    lines = [f"# boundary report: {lake}", "", f"Generated {stamp}.", ""]
    lines += [f"- {line}" for line in summary] + [""]
    for section in sections:
        lines += [f"## {section.title}", "", section.caption, ""]
        if section.skipped:
            lines += [f"*Skipped: {section.skipped}.*", ""]
            continue
        if "png" in section.files:
            lines += [f"![{section.title}]({section.files['png']})", ""]
        lines += [f"Query: `boundary query {section.query or section.name}`", ""]
        lines += [format_table(_shown(section.table), "markdown").rstrip(), ""]
    return "\n".join(lines) + "\n"


# --- HTML -------------------------------------------------------------------------------------

CSS = """
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; color: #222; margin: 24px;
       max-width: 980px; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; border-top: 1px solid #ddd;
     padding-top: 12px; }
p.caption { font-size: 13px; color: #444; max-width: 720px; }
p.skipped { font-size: 13px; color: #777; font-style: italic; }
.chart img { max-width: 100%; height: auto; }
.files { font-size: 12px; color: #666; }
table { border-collapse: collapse; font-size: 12px; margin: 8px 0 4px; }
th, td { border-bottom: 1px solid #e6e6e6; padding: 2px 8px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { border-bottom: 1px solid #999; }
details { margin: 6px 0; } summary { cursor: pointer; font-size: 12px; color: #444; }
nav { font-size: 13px; } nav a { margin-right: 10px; }
"""


def _html(lake: str, stamp: str, sections: list[Section], summary: list[str]) -> str:
    esc = html.escape
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>boundary report: {esc(lake)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>boundary report: {esc(lake)}</h1>",
        f'<p class="caption">Generated {esc(stamp)}. Charts: {sum(bool(s.files) for s in sections)}; '
        f"skipped: {sum(bool(s.skipped) for s in sections)}.</p>",
        '<ul class="summary">' + "".join(f"<li>{esc(line)}</li>" for line in summary) + "</ul>",
        "<nav>" + "".join(f'<a href="#{s.name}">{esc(s.title)}</a>' for s in sections) + "</nav>",
    ]
    for section in sections:
        parts.append(f'<section id="{section.name}"><h2>{esc(section.title)}</h2>')
        parts.append(f'<p class="caption">{esc(section.caption)}</p>')
        if section.skipped:
            parts.append(f'<p class="skipped">Skipped: {esc(section.skipped)}.</p></section>')
            continue
        if section.svg:
            parts.append(f'<div class="chart">{_inline_svg(section.svg)}</div>')
            links = " · ".join(
                f'<a href="{f}">{fmt.upper()}</a>' for fmt, f in section.files.items()
            )
            parts.append(
                f'<p class="files">{links} · query: '
                f"<code>boundary query {esc(section.query or section.name)}</code></p>"
            )
        table = _shown(section.table)
        is_open = " open" if table.num_rows <= OPEN_TABLE_ROWS else ""
        parts.append(
            f"<details{is_open}><summary>table: {table.num_rows} rows</summary>"
            f"{_html_table(table)}</details></section>"
        )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _inline_svg(svg: str) -> str:
    """An ``<img>`` holding the SVG as a base64 data URI, shown at SCREEN_ZOOM x its size.

    A data URI, not inline markup: Vega's SVGs reuse element ids (clip paths), which would
    clash between several charts inlined in one page.
    """
    import base64

    match = re.search(r'<svg[^>]*\bwidth="([\d.]+)"', svg)
    width = f' style="width: {float(match.group(1)) * SCREEN_ZOOM:.0f}px"' if match else ""
    encoded = base64.b64encode(svg.encode()).decode()
    return f'<img alt="chart" src="data:image/svg+xml;base64,{encoded}"{width}>'


def _html_table(table: pa.Table) -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(c)}</th>" for c in table.column_names)
    rows = []
    for row in table.to_pylist():
        cells = []
        for value in row.values():
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            cells.append(
                f'<td class="num">{_number(value)}</td>'
                if numeric
                else f"<td>{esc('' if value is None else str(value))}</td>"
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _number(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
