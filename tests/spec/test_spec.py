"""The spec: defaults, validation errors that name the key, CLI overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from boundary_ray.errors import BoundaryError
from boundary_ray.lake.location import open_lake
from boundary_ray.spec import load_spec, spec_from_dict

MINIMAL = {
    "models": [{"name": "m", "source": "builtin:smollm2-135m-instruct"}],
    "benchmarks": [{"name": "b", "source": "synthetic:arith?ops=1-2&per_op=2"}],
}


def test_defaults_are_the_papers() -> None:
    spec = spec_from_dict(MINIMAL)
    assert (spec.sampling.temperature, spec.sampling.top_p) == (0.6, 0.95)
    assert spec.models[0].prompt == "chat"
    assert spec.lake == open_lake("./lake")  # opened once, when the spec loads
    assert spec.lake.uri == str(Path("lake").resolve()) and spec.lake.local


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"sampling": {"temprature": 0.6}}, "spec.sampling.temprature: unknown key"),
        ({"sampling": {"n": 0}}, "spec.sampling.n: must be >= 1"),
        ({"sampling": {"n": "many"}}, "spec.sampling.n: expected an integer"),
        ({"sampling": {"top_p": 1.5}}, "spec.sampling.top_p"),
        ({"engine": {"device": "tpu"}}, "spec.engine.device: 'tpu' is not one of"),
        ({"modles": []}, "spec.modles: unknown key"),
        ({"models": [{"name": "Bad Name", "source": "x/y"}]}, "spec.models[0].name"),
        (
            {"models": [{"name": "m", "source": "x/y", "prompt": "fewshot"}]},
            "spec.models[0].prompt",
        ),
        ({"models": [{"name": "m"}]}, "spec.models[0].source: required key is missing"),
        ({"benchmarks": [{"name": "b", "source": "x", "limit": 0}]}, "spec.benchmarks[0].limit"),
        ({"score": {"scorers": ["nobody"]}}, "spec.score.scorers: 'nobody'"),
    ],
)
def test_bad_values_name_the_key(patch: dict, message: str) -> None:
    with pytest.raises(BoundaryError) as err:
        spec_from_dict({**MINIMAL, **patch})
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_duplicate_model_names() -> None:
    models = [{"name": "m", "source": "a/b"}, {"name": "m", "source": "c/d"}]
    with pytest.raises(BoundaryError, match="appears twice"):
        spec_from_dict({**MINIMAL, "models": models})


def test_load_spec_file_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "models: [{name: m, source: builtin:smollm2-135m-instruct}]\n"
        "benchmarks: [{name: b, source: 'synthetic:arith'}]\nsampling: {n: 8}\n"
    )
    spec = load_spec(path, {"sampling.n": 4, "lake": str(tmp_path / "lake")})
    assert spec.sampling.n == 4
    assert str(spec.lake) == str(tmp_path / "lake")


def test_load_spec_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(BoundaryError, match="spec file not found"):
        load_spec(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("models: [unclosed\n")
    with pytest.raises(BoundaryError, match=r"bad\.yaml.*not valid YAML"):
        load_spec(bad)


def test_a_lake_uri_with_an_unknown_scheme_is_named() -> None:
    with pytest.raises(
        BoundaryError, match=r"^spec\.lake: ftp://host/lake: unknown URI scheme 'ftp'"
    ):
        spec_from_dict({**MINIMAL, "lake": "ftp://host/lake"})
