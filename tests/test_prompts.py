"""Zero-shot prompts with the bundled models' real tokenizers."""

from __future__ import annotations

import pytest
from transformers import AutoTokenizer

from boundary_ray.errors import BoundaryError
from boundary_ray.models.builtin import prepare_builtin
from boundary_ray.prompts import PromptBuilder
from boundary_ray.spec import DEFAULT_INSTRUCTION, PromptSpec


@pytest.fixture(scope="module")
def gemma_tokenizer():
    return AutoTokenizer.from_pretrained(prepare_builtin("gemma3-270m"))


def test_chat_prompt_uses_the_template_and_the_instruction(smollm2_path: str) -> None:
    builder = PromptBuilder("chat", PromptSpec(), AutoTokenizer.from_pretrained(smollm2_path))
    text = builder.render("What is 1+1?")
    assert text.endswith("<|im_start|>assistant\n")
    assert f"What is 1+1?\n{DEFAULT_INSTRUCTION}<|im_end|>" in text
    assert builder.duplicate_bos is None  # SmolLM2's tokenizer adds no BOS of its own


def test_raw_prompt_has_no_chat_tokens(gemma_tokenizer) -> None:
    builder = PromptBuilder("raw", PromptSpec(), gemma_tokenizer)
    text = builder.render("What is 1+1?")
    assert (
        text == f"Question: What is 1+1?\n{DEFAULT_INSTRUCTION}\nAnswer: Let's think step by step."
    )
    assert "<" not in text
    assert builder.render("def add(a, b):\n", task="code") == "def add(a, b):\n"


def test_a_template_that_writes_bos_is_not_given_a_second(gemma_tokenizer) -> None:
    assert gemma_tokenizer("x").input_ids[0] == gemma_tokenizer.bos_token_id  # adds <bos> itself
    gemma_tokenizer.chat_template = (
        "{{ bos_token }}{% for m in messages %}{{ m['content'] }}{% endfor %}"
    )
    text = PromptBuilder("chat", PromptSpec(), gemma_tokenizer).render("What is 1+1?")
    assert text.startswith("What is 1+1?")
    ids = gemma_tokenizer(text).input_ids
    assert ids.count(gemma_tokenizer.bos_token_id) == 1


def test_chat_without_a_template_is_an_error() -> None:
    with pytest.raises(BoundaryError, match="prompt: chat needs a tokenizer with a chat template"):
        PromptBuilder("chat", PromptSpec(), None)
