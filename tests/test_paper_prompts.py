"""The paper's named prompts (``prompt: qwen-boxed`` / ``qwen25-math-cot``), character for
character as its repository's ``math/examples/math_eval/utils.py`` builds them."""

from __future__ import annotations

import pytest

from boundary_ray.errors import BoundaryError
from boundary_ray.paper_prompts import STOP
from boundary_ray.prompts import PromptBuilder
from boundary_ray.sampler.sampling import Sampling
from boundary_ray.spec import PromptSpec, spec_from_dict

# PROMPT_TEMPLATES[name] as written in LeapLabTHU/limit-of-RLVR, math/examples/math_eval/utils.py
# (commit fd2cf37), Python source and all: ``{{}}`` is what its ``str.format`` makes ``{}``.
PAPER_SOURCE = {
    "qwen-boxed": (
        "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
        "<|im_start|>user\n{input}\nPlease reason step by step, and put your final answer within \\boxed{{}}.<|im_end|>\n"
        "<|im_start|>assistant\n",
        "{output}",
        "\n\n",
    ),
    "qwen25-math-cot": (
        "<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{{}}.<|im_end|>\n"
        "<|im_start|>user\n{input}<|im_end|>\n"
        "<|im_start|>assistant\n",
        "{output}",
        "\n\n",
    ),
}
QUESTION = "Let $f(x) = 2x + 3$. What is $f(\\{1\\})$?\nGive {braces} as is."


def construct_prompt(name: str, question: str) -> str:
    """The repository's ``construct_prompt`` for a zero-shot example (``num_shots=0``)."""
    input_template = PAPER_SOURCE[name][0]
    return input_template.format(input=question).strip(" ")


@pytest.mark.parametrize("name", sorted(PAPER_SOURCE))
def test_the_rendered_text_is_the_papers(name: str) -> None:
    text = PromptBuilder(name, PromptSpec()).render(QUESTION)  # no tokenizer: plain text
    assert text == construct_prompt(name, QUESTION)
    assert "\\boxed{}." in text and "{{" not in text and QUESTION in text


def test_the_two_templates_differ_where_the_paper_says() -> None:
    boxed = PromptBuilder("qwen-boxed", PromptSpec()).render("Q?")
    cot = PromptBuilder("qwen25-math-cot", PromptSpec()).render("Q?")
    assert boxed == (
        "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nQ?\n"
        "Please reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
    assert cot == (
        "<|im_start|>system\nPlease reason step by step, and put your final answer within "
        "\\boxed{}.<|im_end|>\n<|im_start|>user\nQ?<|im_end|>\n<|im_start|>assistant\n"
    )


def test_a_spec_names_them_and_samples_with_the_papers_stop_strings() -> None:
    spec = spec_from_dict(
        {
            "models": [
                {"name": "base", "source": "fake:canned", "prompt": "qwen-boxed", "role": "base"},
                {"name": "cot", "source": "fake:canned", "prompt": "qwen25-math-cot"},
                {"name": "raw", "source": "fake:canned", "prompt": "raw"},
            ],
            "benchmarks": [{"name": "arith", "source": "synthetic:arith?ops=1&per_op=2"}],
        }
    )
    assert Sampling.for_model(spec, spec.models[0]).stop == STOP
    assert Sampling.for_model(spec, spec.models[1]).stop == STOP
    assert Sampling.for_model(spec, spec.models[2]).stop == ("\nQuestion:",)
    # math_eval.py: ["</s>", "<|im_end|>", "<|endoftext|>"] + for "qwen" templates these four
    assert STOP == ("</s>", "<|im_end|>", "<|endoftext|>", "assistant", "user", "_end", "_start")


def test_an_unknown_name_is_refused() -> None:
    with pytest.raises(BoundaryError, match="prompt: 'qwen-box' is not one of chat, raw, qwen"):
        spec_from_dict(
            {
                "models": [{"name": "m", "source": "fake:canned", "prompt": "qwen-box"}],
                "benchmarks": [{"name": "a", "source": "synthetic:arith"}],
            }
        )


def test_code_problems_and_images_have_no_place_in_them() -> None:
    builder = PromptBuilder("qwen-boxed", PromptSpec())
    with pytest.raises(BoundaryError, match="paper's math template"):
        builder.render("def f():", task="code")
    with pytest.raises(BoundaryError, match="no place for images"):
        builder.render("What is shown?", images=1)
