"""Perplexity cross-scoring (``boundary score``): how likely one model's responses are under
another model, the paper's Figure 6.

For each scorer model and each selected response in the lake, the scorer re-renders the
problem's question with its own prompt template (``PromptBuilder``: chat template or the raw
base-model template), and vLLM computes ``prompt_logprobs`` over ``prompt ids + response ids``
(``SamplingParams(max_tokens=1, prompt_logprobs=0)``). The sum over the response positions is
``logprob_sum``; ``perplexity = exp(-logprob_sum / response_tokens)``.

Tokenization. The prompt text and the response TEXT are encoded separately with the scorer's
own tokenizer (the prompt as vLLM encodes a text prompt, with the tokenizer's special tokens;
the response with none) and the ids concatenated, so the prompt/response boundary is exact.
A response sampled by a model with another tokenizer is therefore rescored at the text level:
its original token ids are never used, ``response_tokens`` counts the scorer's tokens, and the
perplexity is normalized by that count (per scorer token, not per sampled token), so perplexities
of different scorers over the same text are each per-token in their own vocabulary.
Only the response's text is scored: the end-of-sequence token that closed a response
(``finish_reason = 'stop'``) is not part of the text and is not scored, so for the sampling
model itself ``logprob_sum`` equals the sampling-time ``cum_logprob`` of a response cut by the
token limit, and ``cum_logprob`` minus the EOS token's logprob for one that stopped. A response
whose text does not re-tokenize to the sampled ids scores a slightly different token sequence.

Nothing is cut: a response whose prompt + response does not fit the scorer's
``max_model_len`` gets ``status = 'too_long'`` with the token counts in ``reason``; an empty
response, a sample whose problem is missing from ``problems/``, or an engine error gets
``status = 'error'`` with a reason. Reruns score only the keys missing from ``scores/`` for
each scorer; a run manifest ``runs/<run_id>.json`` has ``command: score``.
"""

from boundary_ray.scoring.run import score_spec, score_spec_file

__all__ = ["score_spec", "score_spec_file"]
