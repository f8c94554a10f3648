"""Write the published implementations' values of the estimators on fixed correctness counts,
for tests/queries/test_estimator_references.py to hold the queries against.

Run it in a throwaway environment that has the three libraries, never in the project's own:

    python -m venv /tmp/venv-lighteval && /tmp/venv-lighteval/bin/pip install lighteval
    /tmp/venv-lighteval/bin/pip install --no-deps opencompass scorio mmengine ...  # see below
    /tmp/venv-lighteval/bin/python scripts/estimator_references.py \
        --out tests/queries/fixtures/estimator_references.json

- lighteval: ``lighteval.metrics.metrics_sample.GPassAtK(k, n, thresholds).g_pass_at_k(scores)``
  (G-Pass@k_tau and mG-Pass@k of one problem's 0/1 scores);
- OpenCompass: ``compute_g_pass_at_k(n, c, k, t)`` and ``compute_mg_pass_at_k(n, c, k)`` of
  ``opencompass/openicl/icl_evaluator/icl_base_evaluator.py`` (its package imports mmengine and
  a dozen evaluation libraries: installed with ``--no-deps`` one by one until the import works);
- scorio (Hariri et al.'s package): ``scorio.eval.pass_hat_k``, ``g_pass_at_k_tau``,
  ``mg_pass_at_k``, ``bayes`` (Bayes@N, mu and sigma) and ``maj_at_k`` (its binary proxy: a
  strict majority of correct samples among k, which is our maj@k when the wrong answers are one
  class, no sample abstains and k is odd).

Each library averages its per-problem values over the problems, as the queries do. Nothing of
this project is imported.
"""

from __future__ import annotations

import argparse
import json
import random
from importlib.metadata import version

TAUS = (0.25, 0.5, 0.75, 1.0)
# (model, benchmark, samples per problem, problems, seed of the correct counts)
CELLS = (
    ("ref-8", "aime", 8, 7, 1),
    ("ref-16", "aime", 16, 9, 2),
    ("ref-37", "math", 37, 6, 3),
    ("ref-1024", "math", 1024, 8, 4),
)


def correct_counts(n: int, problems: int, seed: int) -> list[int]:
    """c per problem: 0, 1, n - 1 and n first, then uniform draws."""
    rng = random.Random(seed)
    return [0, 1, n - 1, n][:problems] + [rng.randint(0, n) for _ in range(problems - 4)]


def ks_of(n: int) -> list[int]:
    """Every k for small n; powers of two, odd ones and n at n = 1024."""
    if n <= 64:
        return list(range(1, n + 1))
    return sorted({*(2**i for i in range(11) if 2**i <= n), 3, 5, 101, 999, n})


def main() -> None:
    import numpy as np
    import scorio.eval as scorio
    from lighteval.metrics.metrics_sample import GPassAtK
    from opencompass.openicl.icl_evaluator.icl_base_evaluator import (
        compute_g_pass_at_k,
        compute_mg_pass_at_k,
    )

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    cells = []
    for model, benchmark, n, problems, seed in CELLS:
        counts = correct_counts(n, problems, seed)
        matrix = np.array([[1] * c + [0] * (n - c) for c in counts])
        ks = ks_of(n)
        lighteval = GPassAtK(k=ks, n=n, thresholds=list(TAUS))
        per_problem = [lighteval.g_pass_at_k([1] * c + [0] * (n - c)) for c in counts]
        values: dict[str, dict[str, float]] = {
            "lighteval_g_pass": {},
            "lighteval_mg_pass": {},
            "opencompass_g_pass": {},
            "opencompass_mg_pass": {},
            "scorio_pass_hat": {},
            "scorio_g_pass": {},
            "scorio_mg_pass": {},
            "scorio_maj": {},
        }
        for k in ks:
            for tau in TAUS:
                key = f"{k}/{tau}"
                values["lighteval_g_pass"][key] = float(
                    np.mean([m[f"g-pass@{k}_{tau}"] for m in per_problem])
                )
                values["opencompass_g_pass"][key] = float(
                    np.mean([compute_g_pass_at_k(n, c, k, tau) for c in counts])
                )
                values["scorio_g_pass"][key] = float(scorio.g_pass_at_k_tau(matrix, k, tau))
            values["lighteval_mg_pass"][str(k)] = float(
                np.mean([m[f"mg-pass@{k}"] for m in per_problem])
            )
            values["opencompass_mg_pass"][str(k)] = float(
                np.mean([compute_mg_pass_at_k(n, c, k) for c in counts])
            )
            values["scorio_mg_pass"][str(k)] = float(scorio.mg_pass_at_k(matrix, k))
            values["scorio_pass_hat"][str(k)] = float(scorio.pass_hat_k(matrix, k))
            values["scorio_maj"][str(k)] = float(scorio.maj_at_k(matrix, k))
        mu, sigma = scorio.bayes(matrix)
        cells.append(
            {
                "model": model,
                "benchmark": benchmark,
                "n": n,
                "correct": counts,
                "values": values,
                "scorio_bayes": {"mu": float(mu), "sigma": float(sigma)},
            }
        )
    out = {
        "made_by": "scripts/estimator_references.py",
        "versions": {lib: version(lib) for lib in ("lighteval", "opencompass", "scorio", "scipy")},
        "taus": list(TAUS),
        "cells": cells,
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
