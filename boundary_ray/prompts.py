"""Zero-shot prompts, as in the paper: the tokenizer's chat template for instruct models, a
plain-text template with no chat tokens for base models, or one of the paper repository's own
named templates (``qwen-boxed``, ``qwen25-math-cot``: plain text with chat tokens written in,
``paper_prompts.py``), the same text whatever the tokenizer.

A problem with images gets one ``{"type": "image"}`` content part per image before its text,
rendered by the model's chat template (the processor's, when it has one: Qwen2.5-VL's writes
``<|vision_start|><|image_pad|><|vision_end|>``, Idefics3's ``<image>``); vLLM expands each
placeholder into the image's tokens and takes the pixels as ``multi_modal_data``.
"""

from __future__ import annotations

from typing import Any

from boundary_ray.errors import BoundaryError
from boundary_ray.paper_prompts import PAPER_TEMPLATES, render_paper_prompt
from boundary_ray.spec import PromptSpec


class PromptBuilder:
    """Renders the prompt text for one model (``style`` 'chat', 'raw' or a paper template)."""

    def __init__(
        self,
        style: str,
        prompts: PromptSpec,
        tokenizer: Any | None = None,
        processor: Any | None = None,
    ) -> None:
        """``processor``: a vision model's processor, whose chat template places images."""
        if style == "chat" and (tokenizer is None or not getattr(tokenizer, "chat_template", None)):
            raise BoundaryError(
                "prompt: chat needs a tokenizer with a chat template (use prompt: raw)"
            )
        self.style = style
        self.prompts = prompts
        self.tokenizer = tokenizer
        self.duplicate_bos = _added_bos(tokenizer) if style == "chat" else None
        has_template = processor is not None and getattr(processor, "chat_template", None)
        self.templater = processor if has_template else tokenizer

    def render(self, question: str, task: str = "math", images: int = 0) -> str:
        """The full prompt text for one problem with ``images`` images (placed before the text)."""
        if self.style in PAPER_TEMPLATES:
            if images or task == "code":
                what = "images" if images else "code problems"
                raise BoundaryError(
                    f"prompt: {self.style} is the paper's math template, with no place for "
                    f"{what} (use prompt: chat)"
                )
            return render_paper_prompt(self.style, question)
        instruction = self.prompts.code_instruction if task == "code" else self.prompts.instruction
        if self.style == "raw":
            if images:
                raise BoundaryError(
                    "prompt: raw has no place for images (use prompt: chat with a vision model)"
                )
            if task == "code":
                return question  # a base model completes the function body
            return self.prompts.raw.format(question=question, instruction=instruction)
        content: Any = f"{question}\n{instruction}"
        if images:
            text_part = {"type": "text", "text": content}
            content = [{"type": "image"} for _ in range(images)] + [text_part]
        text = self.templater.apply_chat_template(
            [{"role": "user", "content": content}],
            add_generation_prompt=True,
            tokenize=False,
        )
        if self.duplicate_bos and text.startswith(self.duplicate_bos):
            return text[len(self.duplicate_bos) :]  # the tokenizer adds it again
        return text


def _added_bos(tokenizer: Any) -> str | None:
    """The BOS token text when the tokenizer adds BOS itself: a chat template that also writes
    it would give the prompt two."""
    bos = getattr(tokenizer, "bos_token", None)
    if not bos:
        return None
    ids = tokenizer("x").input_ids
    return bos if ids and ids[0] == tokenizer.bos_token_id else None
