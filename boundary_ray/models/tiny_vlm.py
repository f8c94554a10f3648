"""``builtin:smolvlm-tiny``: an Idefics3 (SmolVLM-architecture) checkpoint built from a config.

No vision-language weights are reachable offline, so this model is for **plumbing only**: its
text part is the bundled SmolLM2-135M-Instruct (weights copied in, vocabulary grown for the
Idefics3 image tokens) and its vision tower is tiny and **random** (hidden 64, 2 layers, 256 px
images in 16 px patches, ``scale_factor=4`` -> 16 image tokens per image). It loads in vLLM
(CPU and CUDA builds) with images and n samples, so the whole visual path can be tested; its
answers about an image are unrelated to the image. Text-only prompts still answer sensibly.

The build is deterministic (``torch.manual_seed``), ~6 s, ~262 MB in float32.
"""

from __future__ import annotations

from pathlib import Path

IMAGE_SIZE = 256
PATCH_SIZE = 16
SCALE_FACTOR = 4
IMAGE_SEQ_LEN = (IMAGE_SIZE // PATCH_SIZE) ** 2 // SCALE_FACTOR**2  # 16 tokens per image
SEED = 1234

# ChatML (SmolLM2's own format) with ``{"type": "image"}`` content parts as ``<image>``, which
# the Idefics3 processor (transformers and vLLM) expands into the image's token sequence.
CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}"
    "{% else %}{% for part in message['content'] %}"
    "{% if part['type'] == 'image' %}<image>"
    "{% elif part['type'] == 'text' %}{{ part['text'] }}{% endif %}"
    "{% endfor %}{% endif %}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def image_tokens() -> list[str]:
    """The tokens Idefics3 needs in the vocabulary (``<row_i_col_j>`` for split images)."""
    tiles = [f"<row_{i}_col_{j}>" for i in range(1, 7) for j in range(1, 7)]
    return ["<fake_token_around_image>", "<image>", "<end_of_utterance>", "<global-img>", *tiles]


def build_tiny_vlm(text_dir: Path, out: Path) -> None:
    """Write the tiny VLM to ``out`` from the SmolLM2 HF folder ``text_dir``."""
    import torch
    from transformers import (
        AutoModelForCausalLM,
        AutoTokenizer,
        Idefics3Config,
        Idefics3ForConditionalGeneration,
        Idefics3ImageProcessorPil,
        Idefics3Processor,
    )

    tokenizer = AutoTokenizer.from_pretrained(text_dir)
    tokenizer.add_special_tokens({"additional_special_tokens": image_tokens()})
    text = AutoModelForCausalLM.from_pretrained(text_dir, dtype=torch.float32)
    text_config = text.config.to_dict()
    vocab = len(tokenizer)
    text_config["vocab_size"] = vocab
    config = Idefics3Config(
        text_config=text_config,
        vision_config={
            "hidden_size": 64,
            "intermediate_size": 128,
            "num_hidden_layers": 2,
            "num_attention_heads": 1,  # head_dim 64: a size the CPU attention accepts
            "image_size": IMAGE_SIZE,
            "patch_size": PATCH_SIZE,
        },
        scale_factor=SCALE_FACTOR,
        image_token_id=tokenizer.convert_tokens_to_ids("<image>"),
        pad_token_id=tokenizer.pad_token_id,  # the default (128002) is outside this vocabulary
        tie_word_embeddings=bool(text.config.tie_word_embeddings),
    )
    torch.manual_seed(SEED)
    model = Idefics3ForConditionalGeneration(config).to(torch.float32)
    text.resize_token_embeddings(vocab)
    missing, unexpected = model.model.text_model.load_state_dict(
        text.model.state_dict(), strict=True
    )
    assert not missing and not unexpected
    model.lm_head.weight = model.model.text_model.embed_tokens.weight  # tied, as in SmolLM2
    model.config.architectures = ["Idefics3ForConditionalGeneration"]
    model.save_pretrained(out, safe_serialization=True)
    image_processor = Idefics3ImageProcessorPil(
        do_image_splitting=False,
        size={"longest_edge": IMAGE_SIZE},
        max_image_size={"longest_edge": IMAGE_SIZE},
    )
    processor = Idefics3Processor(
        image_processor=image_processor,
        tokenizer=tokenizer,
        image_seq_len=IMAGE_SEQ_LEN,
        chat_template=CHAT_TEMPLATE,
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    processor.save_pretrained(out)
    tokenizer.save_pretrained(out)
    (out / "generation_config.json").unlink(missing_ok=True)
    text.generation_config.save_pretrained(out)
