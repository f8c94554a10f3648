"""``boundary label`` writes notes too: in the terminal (text after the letter) and through
--export/--import; the browser view reads them from the same table."""

from __future__ import annotations

import json

from view_lakes import write_view_lake

from boundary_ray.cli import main
from boundary_ray.query import QuerySession
from boundary_ray.review import labelling


def _labels(lake: str) -> list[tuple]:
    with QuerySession(lake) as session:
        rows = session.sql("select * from labels order by who, sample_idx").to_pylist()
    return [(r["who"], r["problem_id"], r["sample_idx"], r["label"], r["note"]) for r in rows]


def test_notes_from_the_terminal_and_from_a_file(tmp_path, capsys):
    lake = str(tmp_path / "lake")
    write_view_lake(lake)
    # at n = 16 the hardest band is the problems one sample solved: 7 to read, not 0
    exported = tmp_path / "to_label.jsonl"
    assert main(["label", "--lake", lake, "--export", str(exported)]) == 0
    assert "7 responses to label" in capsys.readouterr().out
    rows = [json.loads(line) for line in exported.read_text().splitlines()]
    assert all(r["rule"] == "one_correct" and r["c"] == 1 and r["note"] == "" for r in rows)
    rows[0].update(label="guess", note="7 appears from nowhere")
    rows[1].update(label="valid")
    exported.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["label", "--lake", lake, "--import", str(exported), "--who", "ana"]) == 0
    answers = iter(["u  the last step skips a carry ", "s", "q"])
    stored = labelling.label_interactively(
        lake, "ben", {"model": "rl"}, ask=lambda _: next(answers), show=lambda _: None
    )
    assert stored == 1
    first_rl = labelling.candidates(lake, {"model": "rl"})[0]
    assert _labels(lake) == [
        ("ana", rows[0]["problem_id"], rows[0]["sample_idx"], "guess", "7 appears from nowhere"),
        ("ana", rows[1]["problem_id"], rows[1]["sample_idx"], "valid", None),
        (
            "ben",
            first_rl["problem_id"],
            first_rl["sample_idx"],
            "unsure",
            "the last step skips a carry",
        ),
    ]
