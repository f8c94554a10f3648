"""``boundary import qwen-math``: Qwen2.5-Math's evaluation output, as the paper's repository
(LeapLabTHU/limit-of-RLVR, ``math/examples/math_eval/math_eval.py``) writes it.

One file per seed (``test_qwen-boxed_-1_seed1_t0.6_s0_e-1.jsonl``), one line per problem:
``idx`` (its position in the data file the run read), ``question`` (after the repository's
``parse_question``), ``gt``, ``code`` (the n responses), ``pred`` (its extracted answers),
``report``, ``finish_reason`` (one per response) and, after its ``evaluate``, ``score`` (one
boolean per response: the source's verdict). Several seed files merge, each file's samples
after the previous files'. When the file name says which of the paper's templates it used, each
sample's prompt is that template's text (zero-shot, as the paper samples).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from boundary_ray.errors import BoundaryError
from boundary_ray.imports.rows import (
    ImportRow,
    jsonl_lines,
    optional_list,
    string_list,
    text_field,
    verdict_of,
)
from boundary_ray.paper_prompts import PAPER_TEMPLATES, render_paper_prompt

# math_eval.py's out_file: {split}_{prompt_type}_{num_test_sample}_seed{seed}_t{temperature}
# _s{start}_e{end}.jsonl
FILE_NAME = re.compile(r"^[^_]+_(?P<prompt>.+)_-?\d+_seed\d+_t[^_]+_s-?\d+_e-?\d+\.jsonl$")


def prompt_style(path: str) -> str | None:
    """The paper template named in a math_eval.py output file name, if it is one."""
    match = FILE_NAME.match(Path(path).name)
    style = match.group("prompt") if match else None
    return style if style in PAPER_TEMPLATES else None


def read_qwen_math(path: str) -> Iterator[ImportRow]:
    """The samples of one math_eval.py output file."""
    style = prompt_style(path)
    for where, record in jsonl_lines(path):
        idx = record.get("idx")
        if isinstance(idx, bool) or not isinstance(idx, int):
            raise BoundaryError(f"{where}: field 'idx' must be an integer")
        question = text_field(record, "question", where)
        responses = string_list(record, "code", where)
        reasons = optional_list(record, "finish_reason", len(responses), where)
        scores = optional_list(record, "score", len(responses), where)
        prompt = render_paper_prompt(style, question) if style else None
        for i, response in enumerate(responses):
            reason = reasons[i]
            if reason is not None and not isinstance(reason, str):
                raise BoundaryError(f"{where}: field 'finish_reason'[{i}] must be a string")
            yield ImportRow(
                where=where,
                response=response,
                sample_idx=i,
                index=idx,
                question=question,
                finish_reason=reason,
                source_verdict=verdict_of(scores[i], where, "score"),
                prompt=prompt,
            )
