"""The paper's own prompt templates, by name (``prompt: qwen-boxed`` / ``prompt: qwen25-math-cot``).

The paper's repository (LeapLabTHU/limit-of-RLVR, ``math/examples/math_eval/utils.py``, from
Qwen2.5-Math's evaluation code) samples with named templates written as plain text, chat tokens
included, even for base models. The text below is ``PROMPT_TEMPLATES[name][0]`` of that file,
character for character, after its own ``str.format(input=question)`` (which turns ``{{}}`` into
``{}``); ``construct_prompt`` then strips spaces at both ends (``.strip(" ")``), as ``render``
does. Zero-shot only: the paper samples without demonstrations (``--num_shots 0``).

``STOP`` are the stop strings its ``math_eval.py`` gives vLLM for these templates (every template
whose name holds ``qwen`` adds ``assistant``, ``user``, ``_end`` and ``_start``).
"""

from __future__ import annotations

# name -> the input template, with ``{input}`` where the question goes
PAPER_TEMPLATES: dict[str, str] = {
    "qwen-boxed": (
        "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
        "<|im_start|>user\n{input}\nPlease reason step by step, and put your final answer "
        "within \\boxed{{}}.<|im_end|>\n"
        "<|im_start|>assistant\n"
    ),
    "qwen25-math-cot": (
        "<|im_start|>system\nPlease reason step by step, and put your final answer within "
        "\\boxed{{}}.<|im_end|>\n"
        "<|im_start|>user\n{input}<|im_end|>\n"
        "<|im_start|>assistant\n"
    ),
}

STOP: tuple[str, ...] = (
    "</s>",
    "<|im_end|>",
    "<|endoftext|>",
    "assistant",
    "user",
    "_end",
    "_start",
)


def render_paper_prompt(name: str, question: str) -> str:
    """The prompt the paper's repository builds for ``question`` with template ``name``."""
    return PAPER_TEMPLATES[name].format(input=question).strip(" ")
