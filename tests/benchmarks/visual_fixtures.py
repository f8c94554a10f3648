"""Hand-made visual benchmark fixtures: PIL images and rows in MathVista's and MathVision's
published formats (multiple choice, integer, float with precision, list, unit), made here,
never downloaded.

    python -m tests.benchmarks.visual_fixtures OUT_DIR   # writes mathvista.jsonl + images/,
                                                        # mathvision.parquet (embedded bytes)
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def _png(draw_fn, size=(320, 240)) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, "white")
    draw_fn(ImageDraw.Draw(image))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def images() -> dict[str, bytes]:
    """Five small drawings, by name."""

    def triangle(d):
        d.polygon([(40, 200), (280, 200), (120, 40)], outline="black", width=3)
        d.text((120, 20), "A=110", fill="black")

    def squares(d):
        for i in range(3):
            d.rectangle([30 + 90 * i, 80, 90 + 90 * i, 140], fill="red")

    def spring(d):
        d.line([(20, 120), (300, 120)], fill="blue", width=4)
        d.text((40, 60), "m=0.40 kg  v=0.50 m/s  k=750 N/m", fill="black")

    def bars(d):
        for i, h in enumerate([60, 150, 90, 170, 80]):
            d.rectangle([20 + 60 * i, 220 - h, 60 + 60 * i, 220], fill="green")
            d.text((22 + 60 * i, 222), str(2012 + i), fill="black")

    def clock(d):
        d.ellipse([60, 20, 260, 220], outline="black", width=3)
        d.line([(160, 120), (160, 40)], fill="black", width=3)
        d.line([(160, 120), (220, 120)], fill="black", width=2)

    return {
        "triangle": _png(triangle),
        "squares": _png(squares),
        "spring": _png(spring),
        "bars": _png(bars),
        "clock": _png(clock),
    }


def mathvista_rows() -> list[dict]:
    """Six MathVista-format rows (``image`` is a path under ``images/``); two share a picture."""
    hint_mc = "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\n"
    hint_int = "Hint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end.\n"
    hint_float = "Hint: Please answer the question requiring a floating-point number with one decimal place and provide the final value, e.g., 1.2, 1.3, 1.4, at the end.\n"
    hint_list = "Hint: Please answer the question requiring a Python list as an answer and provide the final list, e.g., [1, 2, 3], [1.2, 1.3, 1.4], at the end.\n"

    def row(pid, image, question, answer, qtype, atype, choices=None, precision=None, unit=None):
        query = (
            hint_mc
            if qtype == "multi_choice"
            else {"integer": hint_int, "float": hint_float, "list": hint_list}[atype]
        )
        query += f"Question: {question}"
        if choices:
            query += "\nChoices:\n" + "\n".join(
                f"({chr(65 + i)}) {c}" for i, c in enumerate(choices)
            )
        return {
            "pid": pid,
            "question": question,
            "image": f"images/{image}.png",
            "decoded_image": None,
            "choices": choices,
            "unit": unit,
            "precision": precision,
            "answer": answer,
            "question_type": qtype,
            "answer_type": atype,
            "query": query,
            "metadata": {"split": "testmini", "source": "fixture", "context": "synthetic scene"},
        }

    return [
        row(
            "1",
            "triangle",
            "The bisectors of angles B and C meet at O. Find angle BOC.",
            "145°",
            "multi_choice",
            "text",
            ["135°", "140°", "145°", "150°"],
        ),
        row("2", "squares", "How many red squares are there?", "3", "free_form", "integer"),
        row(
            "3",
            "spring",
            "By what distance d (in cm) is the spring compressed?",
            "1.2",
            "free_form",
            "float",
            precision=1.0,
        ),
        row(
            "4",
            "bars",
            "Between which two years does the bar chart reach its two highest values?",
            "[2013, 2015]",
            "free_form",
            "list",
        ),
        row(
            "5",
            "bars",
            "How many years does the chart span?",
            "4",
            "free_form",
            "integer",
            unit="years",
        ),
        row(
            "6",
            "squares",
            "What colour are the squares?",
            "red",
            "multi_choice",
            "text",
            ["blue", "green", "red", "black"],
        ),
    ]


def mathvision_rows(pictures: dict[str, bytes]) -> list[dict]:
    """Four MathVision-format rows with the image bytes embedded (as Hugging Face stores them)."""

    def row(idx, image, question, options, answer, level, subject):
        return {
            "id": idx,
            "question": f"<image1>\n{question}",
            "options": options,
            "image": f"images/{idx}.jpg",
            "decoded_image": {"bytes": pictures[image], "path": None},
            "answer": answer,
            "solution": None,
            "level": level,
            "subject": subject,
        }

    return [
        row(
            "10",
            "squares",
            "How many squares would there be if one more were drawn?",
            ["2", "3", "4", "5", "6"],
            "C",
            1,
            "counting",
        ),
        row(
            "11",
            "clock",
            "Which hand points at twelve?",
            ["A", "B", "C", "D", "E"],
            "B",
            2,
            "metric geometry - angle",
        ),
        row(
            "12",
            "triangle",
            "What fraction of the figure is shaded?",
            [],
            "\\frac{1}{2}",
            3,
            "metric geometry - area",
        ),
        row(
            "13", "clock", "How many hours until the hands overlap again?", [], "1", 4, "arithmetic"
        ),
    ]


def write_fixtures(folder: Path) -> tuple[Path, Path]:
    """``mathvista.jsonl`` (+ ``images/*.png``) and ``mathvision.parquet`` under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    pictures = images()
    (folder / "images").mkdir(exist_ok=True)
    for name, data in pictures.items():
        (folder / "images" / f"{name}.png").write_bytes(data)
    vista = folder / "mathvista.jsonl"
    vista.write_text("".join(json.dumps(r) + "\n" for r in mathvista_rows()))
    vision = folder / "mathvision.parquet"
    pq.write_table(pa.Table.from_pylist(mathvision_rows(pictures)), vision)
    return vista, vision


if __name__ == "__main__":
    for path in write_fixtures(Path(sys.argv[1] if len(sys.argv) > 1 else "visual_fixtures")):
        print(path)
