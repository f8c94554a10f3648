"""The one place that fixes how every chart looks: sizes, fonts, palette, axes.

Sizes are in CSS pixels, and one pixel is one typographic point when a figure is placed at its
natural size: a chart about 250-340 px wide fits a single paper column (3.5 in = 252 pt) with
8-10 pt text. Colours are the Okabe-Ito set, safe for the common colour-vision deficiencies,
ordered so that the first colours stay distinct in greyscale too; each model also gets a marker
shape, so lines are told apart without colour.
"""

from __future__ import annotations

from typing import Any

FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
FONT_SIZE = 9  # tick labels, legend labels
TITLE_SIZE = 10  # axis titles, facet headers

PANEL_WIDTH = 115  # one facet / one small-multiple panel
PANEL_HEIGHT = 95
SINGLE_WIDTH = 220  # a chart without facets
COLUMNS = 2  # facets wrap after this many panels (keeps a figure one column wide)

PNG_PPI = 288  # PNGs are tagged 288 ppi: natural size in print, sharp on screen
PNG_SCALE = PNG_PPI / 72  # PNG pixels per CSS pixel (4)

# Okabe & Ito (2008), "Color Universal Design"; yellow last (weak on white).
PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)
SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "wedge", "stroke")

GRID = "#e6e6e6"
NEUTRAL = "#bdbdbd"  # for cells that belong to no single model (e.g. 'neither')
DARK_NEUTRAL = "#636363"  # e.g. 'both'


def config() -> dict[str, Any]:
    """The Vega-Lite ``config`` shared by every chart: print fonts, light grid, no frame."""
    axis = {
        "labelFont": FONT,
        "titleFont": FONT,
        "labelFontSize": FONT_SIZE,
        "titleFontSize": TITLE_SIZE,
        "titleFontWeight": "normal",
        "labelColor": "#222222",
        "titleColor": "#222222",
        "gridColor": GRID,
        "gridWidth": 0.6,
        "domainColor": "#444444",
        "tickColor": "#444444",
        "tickSize": 3,
        "labelPadding": 2,
        "titlePadding": 4,
    }
    return {
        "font": FONT,
        "background": "white",
        "padding": 4,
        "view": {"stroke": None, "continuousWidth": SINGLE_WIDTH, "continuousHeight": PANEL_HEIGHT},
        "axis": axis,
        "axisBand": {"grid": False},
        "header": {
            "labelFont": FONT,
            "titleFont": FONT,
            "labelFontSize": TITLE_SIZE,
            "labelFontWeight": "bold",
            "labelPadding": 3,
            "titleFontSize": TITLE_SIZE,
        },
        "legend": {
            "labelFont": FONT,
            "titleFont": FONT,
            "labelFontSize": FONT_SIZE,
            "titleFontSize": FONT_SIZE,
            "titleFontWeight": "normal",
            "orient": "bottom",
            "offset": 8,
            "direction": "horizontal",
            "columns": 2,
            "symbolSize": 40,
            "symbolOpacity": 1,
            "labelLimit": 160,
            "columnPadding": 8,
            "rowPadding": 2,
        },
        "title": {"font": FONT, "fontSize": TITLE_SIZE, "fontWeight": "bold", "anchor": "start"},
        "line": {"strokeWidth": 1.4},
        "point": {"size": 22, "filled": True, "opacity": 1},
        "bar": {"stroke": None},
        "facet": {"spacing": 10},
        "concat": {"spacing": 10},
    }


def apply(chart: Any) -> Any:
    """Attach the theme's config to a top-level Altair chart (returns the configured chart)."""
    return chart.properties(config=config())
