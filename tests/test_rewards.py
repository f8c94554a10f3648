"""``boundary_ray.rewards``: the verifiers as verl's ``compute_score`` and TRL's reward function,
code judged in the sandbox; one training step of TRL's real GRPOTrainer calls it."""

from __future__ import annotations

import importlib.util
import inspect
import json
from pathlib import Path

import pytest

from boundary_ray import rewards
from boundary_ray.benchmarks import load_problems
from boundary_ray.errors import BoundaryError
from boundary_ray.rewards import completion_text, compute_score, reward
from boundary_ray.spec import BenchmarkSpec

FENCE = "```python\ndef truncate_number(number: float) -> float:\n    {}\n```"


@pytest.fixture(scope="module")
def humaneval_2() -> str:
    """HumanEval/2's tests JSON, as the benchmark loader stores it."""
    (problem,) = [
        p
        for p in load_problems(BenchmarkSpec("he", "builtin:humaneval", limit=3))
        if p["problem_id"] == "HumanEval/2"
    ]
    return problem["tests"]


def test_compute_score_has_verls_documented_signature() -> None:
    """docs/preparation/reward_function.rst: parameters data_source, solution_str, ground_truth
    and extra_info; verl's reward managers call it with keywords."""
    params = inspect.signature(compute_score).parameters
    assert list(params) == ["data_source", "solution_str", "ground_truth", "extra_info"]
    assert params["extra_info"].default is None


def test_verl_loads_it_from_the_file_as_its_custom_reward_function() -> None:
    """As verl's get_custom_reward_fn does: spec_from_file_location(path), then the name."""
    spec = importlib.util.spec_from_file_location("custom_module", rewards.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    score = module.compute_score(
        data_source="math500",
        solution_str="So $x = \\frac{1}{2}$, i.e. \\boxed{\\frac12}",
        ground_truth="0.5",
        extra_info={"index": 3, "split": "train"},
    )
    assert score == 1.0 and isinstance(score, float)


@pytest.mark.parametrize(
    ("response", "gold", "extra", "expected"),
    [
        ("\\boxed{4}", "4", None, 1.0),
        ("The answer is 5.", "4", None, 0.0),
        ("so we get \\boxed{x = 3}", "3", None, 1.0),
        ("It is 4 or 5, \\boxed{4} or \\boxed{5}", "4", None, 0.0),  # a hedge earns nothing
        ("3 + 1 = 4 and then", "4", {"finish_reason": "length"}, 0.0),  # cut off: no guess
        ("3 + 1 = 4 and then", "4", None, 1.0),
        (
            "\\boxed{12}",
            "12",
            {"task": "visual", "question_type": "free_form", "answer_type": "integer"},
            1.0,
        ),
    ],
)
def test_math_verdicts_as_rewards(
    response: str, gold: str, extra: dict | None, expected: float
) -> None:
    assert compute_score("gsm8k", response, gold, extra) == expected


def test_code_rewards_run_in_the_sandbox_and_a_forged_pass_earns_nothing(humaneval_2: str) -> None:
    assert compute_score("humaneval", FENCE.format("return number % 1.0"), humaneval_2) == 1.0
    assert compute_score("humaneval", FENCE.format("return number"), humaneval_2) == 0.0
    forgeries = [
        "import os; os._exit(0)",  # end before any check runs
        "import sys; sys.exit(0)",
        "class A(float):\n        def __eq__(self, o): return True\n    return A(0)",  # equal to all
        "print('PASSED'); raise SystemExit(0)",
    ]
    for body in forgeries:
        assert compute_score("humaneval", FENCE.format(body), humaneval_2) == 0.0, body
    assert (
        compute_score("x", FENCE.format("return number % 1.0"), humaneval_2, {"task": "code"})
        == 1.0
    )


def test_verls_stdio_ground_truth_is_read() -> None:
    program = "```python\na, b = map(int, input().split())\nprint(a + b)\n```"
    truth = json.dumps({"inputs": ["1 2\n", "10 -3\n"], "outputs": ["3\n", "7\n"]})
    assert compute_score("livecodebench", program, truth) == 1.0
    assert compute_score("livecodebench", program.replace("a + b", "a * b"), truth) == 0.0


def test_trl_reward_takes_strings_conversations_and_columns(humaneval_2: str) -> None:
    completions = [
        "\\boxed{4}",
        [{"role": "assistant", "content": "The answer is 4."}],
        [{"role": "assistant", "content": [{"type": "text", "text": "\\boxed{5}"}]}],
    ]
    scores = reward(completions, prompts=["p"] * 3, answer=["4", "4", "4"], trainer_state=object())
    assert scores == [1.0, 1.0, 0.0] and all(isinstance(s, float) for s in scores)
    assert reward(["\\boxed{1/2}"], solution=["0.5"]) == [1.0]  # TRL's examples name it solution
    code = [FENCE.format("return number % 1.0"), FENCE.format("import os; os._exit(0)")]
    assert reward(code, tests=[humaneval_2] * 2, task=["code"] * 2) == [1.0, 0.0]
    assert (
        completion_text([{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}])
        == "a"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: compute_score("gsm8k", "\\boxed{4}", None), "the gold answer must be a string"),
        (
            lambda: compute_score("humaneval", "x", "not json"),
            "code ground truth is a string but not JSON",
        ),
        (
            lambda: compute_score("humaneval", "x", {"cases": []}),
            "needs 'kind' functional or stdio",
        ),
        (lambda: compute_score("m", "x", "1", {"task": "chem"}), "task 'chem' is not one of"),
        (lambda: reward([42], answer=["1"]), "a completion must be a string or a list of messages"),
    ],
)
def test_a_gold_that_cannot_be_read_is_an_error_not_a_zero(call, message: str) -> None:
    with pytest.raises(BoundaryError, match=message):
        call()


@pytest.mark.slow
@pytest.mark.parametrize("conversational", [False, True])
def test_one_grpo_step_of_trl_calls_the_reward(
    tmp_path: Path, smollm2_path: str, conversational: bool
) -> None:
    """TRL's GRPOTrainer, one step on CPU, a tiny randomly initialised Llama with the bundled
    SmolLM2 tokenizer: the reward gets TRL's arguments and its values are the step's rewards."""
    pytest.importorskip("trl")
    import torch
    from datasets import Dataset
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM
    from trl import GRPOConfig, GRPOTrainer

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(smollm2_path)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=128,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    model = LlamaForCausalLM(config)
    questions = [("What is 2 + 2?", "4"), ("What is 3 + 5?", "8")]
    rows = [
        {
            "prompt": [{"role": "user", "content": q}]
            if conversational
            else f"Question: {q}\nAnswer:",
            "answer": a,
        }
        for q, a in questions
    ]
    calls = []

    def boundary_reward(completions, **kwargs):
        calls.append((completions, kwargs))
        return reward(completions, **kwargs)

    args = GRPOConfig(
        output_dir=str(tmp_path),
        per_device_train_batch_size=4,
        num_generations=4,
        max_completion_length=8,
        max_steps=1,
        learning_rate=1e-4,
        logging_steps=1,
        report_to=[],
        save_strategy="no",
        use_cpu=True,
        bf16=False,
        seed=0,
    )
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=[boundary_reward],
        args=args,
        train_dataset=Dataset.from_list(rows),
        processing_class=tokenizer,
    )
    trainer.train()
    assert calls, "GRPOTrainer never called the reward"
    completions, kwargs = calls[0]
    assert len(completions) == 4 and len(kwargs["answer"]) == 4 and "completion_ids" in kwargs
    assert all(isinstance(c, list if conversational else str) for c in completions)
    scores = reward(completions, **kwargs)
    logged = [h for h in trainer.state.log_history if "reward" in h]
    assert logged and logged[0]["reward"] == pytest.approx(sum(scores) / len(scores))
