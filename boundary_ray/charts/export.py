"""Write a chart to PNG, SVG, PDF or HTML by the file's suffix, offline, with vl-convert."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from boundary_ray.charts import theme
from boundary_ray.errors import BoundaryError

FORMATS = ("png", "svg", "pdf", "html", "json")


def chart_format(out: str) -> str:
    """The export format named by ``out``'s suffix; a BoundaryError for any other suffix."""
    suffix = Path(out).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise BoundaryError(
            f"--out {out}: unknown chart format {suffix!r}; use one of .png, .svg, .pdf, .html, "
            ".json"
        )
    return suffix


def render_bytes(spec: dict[str, Any], fmt: str) -> bytes:
    """The chart ``spec`` (a Vega-Lite dict) rendered as ``fmt`` bytes.

    HTML pages carry the Vega JavaScript inline (no network needed to open them); JSON is
    the Vega-Lite spec itself (what ``Lake.chart(...).to_dict()`` gives in Python).
    """
    if fmt == "json":
        import json

        return (json.dumps(spec, indent=1, ensure_ascii=False) + "\n").encode()
    import vl_convert as vlc

    if fmt == "png":
        # vl-convert multiplies pixels by ppi / 72 (and by ``scale``): 288 ppi = 4x, tagged 288 ppi.
        return vlc.vegalite_to_png(spec, scale=1, ppi=theme.PNG_PPI)
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec).encode()
    if fmt == "pdf":
        return vlc.vegalite_to_pdf(spec)
    if fmt == "html":
        return vlc.vegalite_to_html(spec, bundle=True).encode()
    raise BoundaryError(f"unknown chart format {fmt!r}; use one of {', '.join(FORMATS)}")


def save(chart: Any, out: str) -> str:
    """Write ``chart`` (an Altair chart) to ``out``, format by suffix; returns the path.

    The file is written whole: a temporary name first, then a rename.
    """
    fmt = chart_format(out)
    data = render_bytes(chart.to_dict(), fmt)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return str(path)
