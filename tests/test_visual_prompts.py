"""Image prompts through the tiny VLM's processor, and refusing images on a text-only model."""

from __future__ import annotations

from pathlib import Path

import pytest

from boundary_ray.errors import BoundaryError
from boundary_ray.models.builtin import prepare_builtin
from boundary_ray.models.modality import check_modalities, is_vision_model
from boundary_ray.prompts import PromptBuilder
from boundary_ray.spec import PromptSpec, spec_from_dict


@pytest.fixture(scope="module")
def vlm_path() -> str:
    return str(prepare_builtin("smolvlm-tiny"))


def test_image_parts_come_before_the_question(vlm_path: str) -> None:
    from transformers import AutoProcessor, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(vlm_path)
    processor = AutoProcessor.from_pretrained(vlm_path)
    builder = PromptBuilder("chat", PromptSpec(), tokenizer, processor)
    text = builder.render("How many squares?", "visual", images=1)
    assert text.count("<image>") == 1
    assert text.index("<image>") < text.index("How many squares?")
    assert "\\boxed{}" in text and text.endswith("<|im_start|>assistant\n")
    assert "<image>" not in builder.render("How many squares?", "visual", images=0)
    # the processor expands the placeholder into 16 image tokens around the picture
    from PIL import Image

    ids = processor(text=text, images=[Image.new("RGB", (64, 48))]).input_ids[0]
    assert ids.count(tokenizer.convert_tokens_to_ids("<image>")) == 16


def test_raw_prompts_have_no_place_for_images() -> None:
    with pytest.raises(BoundaryError, match="prompt: raw has no place for images"):
        PromptBuilder("raw", PromptSpec()).render("q", "visual", images=1)


def _spec(source: str):
    return spec_from_dict(
        {
            "models": [{"name": "smol", "source": source}],
            "benchmarks": [{"name": "mathvista", "source": "x.jsonl"}],
        }
    )


def test_an_image_benchmark_on_a_text_only_model_is_refused(tmp_path: Path) -> None:
    spec = _spec("builtin:smollm2-135m-instruct")
    problems = {"mathvista": [{"problem_id": "1", "images": ["ab" * 32]}]}
    with pytest.raises(BoundaryError) as info:
        check_modalities(spec.models, {"smol": "/nowhere"}, problems, 1)
    assert str(info.value) == (
        "benchmark 'mathvista' has images, but model 'smol' (builtin:smollm2-135m-instruct) is"
        " text-only: use a vision-language model (e.g. builtin:smolvlm-tiny)"
    )
    check_modalities(_spec("builtin:smolvlm-tiny").models, {"smol": "/x"}, problems, 1)
    with pytest.raises(
        BoundaryError, match="a problem has 2 images, but engine.images_per_prompt is 1"
    ):
        check_modalities(spec.models, {"smol": "/x"}, {"mathvista": [{"images": ["a", "b"]}]}, 1)
    check_modalities(spec.models, {"smol": "/x"}, {"gsm8k": [{"images": None}]}, 1)  # text: fine


def test_vision_is_read_from_the_config(tmp_path: Path, vlm_path: str) -> None:
    assert is_vision_model(vlm_path, vlm_path) is True
    (tmp_path / "config.json").write_text('{"architectures": ["LlamaForCausalLM"]}')
    assert is_vision_model(str(tmp_path), str(tmp_path)) is False
    assert is_vision_model("Qwen/Qwen2.5-VL-7B-Instruct", "Qwen/Qwen2.5-VL-7B-Instruct") is True
    assert is_vision_model("someone/unknown", "someone/unknown") is None
