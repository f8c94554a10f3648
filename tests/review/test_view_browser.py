"""``boundary view`` in a real headless Chromium: the pages load, the chart answers a hover,
the filters filter, a label click lands in the lake, and hostile model output runs nothing."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from view_lakes import PAYLOADS
from view_server import Server

from boundary_ray.query import QuerySession, run_query

pytestmark = pytest.mark.browser


def test_overview_draws_the_pass_at_k_chart_and_hover_shows_values(view_server, page):
    p = page.page
    p.goto(view_server.base + "/")
    p.wait_for_selector("#pass-chart[data-drawn='1'] svg")
    assert p.title() == "Overview · boundary view"
    # the table beside the chart: base on arith, pass@16 of 8 solved problems of 10
    row = p.locator("table.data tbody tr", has_text="arith").first
    assert "80.0 %" in row.text_content()
    # hover a point of the curve: vega-tooltip shows the query's values
    point = p.locator("#pass-chart svg .mark-symbol path").first
    point.hover()
    tooltip = p.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible")
    text = tooltip.text_content()
    assert "pass_at_k" in text and "model" in text and "k" in text
    assert not page.errors and not page.dialogs


def test_problem_list_filters_match_the_queries(view_server, page):
    p = page.page
    p.goto(view_server.base + "/problems")
    assert p.locator("td.pid a").count() == 16  # every problem of both benchmarks
    # the hardest-solved band of one model: at n = 16 the problems one sample solved
    p.select_option("select[name=band]", "hardest")
    p.select_option("select[name=band_model]", "base")
    p.click("form.filters button[type=submit]")
    p.wait_for_url("**band=hardest**")
    shown = sorted(p.locator("td.pid a").all_text_contents())
    hardest = run_query("hardest_solved", view_server.lake, {"model": "base"}).to_pylist()
    assert (
        shown
        == sorted({r["problem_id"] for r in hardest})
        == [
            "arith-001",
            "arith-006",
            "math-000",
            "math-004",
        ]
    )
    assert {r["rule"] for r in hardest} == {"one_correct"}
    # text in the question and a benchmark; then sort by rl's c/n, largest first
    p.goto(view_server.base + "/problems?benchmark=math&q=f(x)&sort=rl")
    assert p.locator("td.pid a").count() == 6
    p.click("th a.sort.active")  # sorted by rl ascending: a click sorts it descending
    p.wait_for_url("**desc=1**")
    first = p.locator("tbody tr").first.locator("td.cn").nth(1).text_content()
    assert "16/16" in first
    assert not page.errors


def test_problem_page_renders_math_highlights_the_answer_and_shows_raw(view_server, page):
    p = page.page
    p.goto(view_server.base + "/problems/arith/arith-001?show=correct")
    card = p.locator("article.sample").first
    card.locator(".katex").first.wait_for()
    assert card.locator("mark .katex").count() == 1  # the boxed answer, typeset inside its mark
    card.locator(".toggle-raw").click()
    raw = card.locator(".text.raw")
    assert raw.is_visible()
    assert "$\\boxed{4}$" in raw.text_content()
    assert raw.locator("mark").text_content() == "$\\boxed{4}$"
    # both models side by side, filtered to their correct samples
    assert p.locator(".side").count() == 2
    assert p.locator(".side").nth(0).locator("article.sample").count() == 1  # base: 1 of 16
    assert not page.errors


def test_a_label_click_lands_in_the_lake(writable_lake, page):
    server = Server(writable_lake, "--who", "ana")
    try:
        p = page.page
        p.goto(server.base + "/problems/arith/arith-001?show=correct&a=base&b=rl")
        card = p.locator("article.sample[data-model=base]").first
        card.locator("input.note").fill("the 4 comes from nowhere")
        card.locator("button[data-label=guess]").click()
        card.locator(".label-state:has-text('saved')").wait_for()
        with QuerySession(writable_lake) as session:
            rows = session.sql("select * from labels").to_pylist()
            without = session.query("pass_at_k", {"exclude": "guess"}).to_pylist()
        assert [
            (r["model"], r["problem_id"], r["sample_idx"], r["label"], r["who"], r["note"])
            for r in rows
        ] == [("base", "arith-001", 0, "guess", "ana", "the 4 comes from nowhere")]
        # the one correct sample of base on arith-001 no longer counts: 7 of 10 solved at 16
        (at_16,) = [
            r["pass_at_k"]
            for r in without
            if (r["model"], r["benchmark"], r["k"]) == ("base", "arith", 16)
        ]
        assert at_16 == pytest.approx(0.7)
        # the page shows it after a reload, and pass@k without guesses drops to 0 for base
        p.reload()
        assert (
            "guess"
            in p.locator("article.sample[data-model=base] .label-state").first.text_content()
        )
        row = p.locator("table.data tbody tr", has_text="base").first
        assert row.locator("td.passk .wo").all_text_contents() == ["/ 0 %"] * 5  # k = 1 ... 16
        assert not page.errors
    finally:
        assert server.stop() == 0


def test_a_lake_of_hostile_responses_runs_none_of_them(hostile_server, page):
    p = page.page
    problem_id = "p<script>window.__pwned='id'</script>"
    problem = f"/problems/evil/{quote(problem_id, safe='')}"
    for path in ("/", "/problems", "/problems?q=script", problem):
        response = p.goto(hostile_server.base + path)
        assert response.status == 200, path
        assert p.evaluate("typeof window.__pwned") == "undefined", path
    # the payloads are on the page as text: the question, the response, the note
    question = p.locator("section.problem .text.raw").text_content()
    for payload in PAYLOADS:
        assert payload in question
    assert p.locator("#evil-link").count() == 0  # no element came from model output
    assert p.locator("article.sample iframe, article.sample img, article.sample svg").count() == 0
    # read everything raw, hover, label a sample with the hostile note it already has
    for button in p.locator(".toggle-raw").all():
        button.click()
    p.locator("article.sample .text.raw").first.hover()
    card = p.locator("article.sample").first
    card.locator("button[data-label=unsure]").click()
    card.locator(".label-state:has-text('saved')").wait_for()
    p.reload()
    assert p.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []
    assert page.errors == []
