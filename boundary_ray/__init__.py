"""boundary-ray: measure the reasoning boundary of language models (pass@k at large k).

The flow is one way: spec -> problems -> samples -> verdicts -> lake -> queries -> charts.
Heavy libraries (vLLM, torch, Ray) are imported only inside the stages that need them, so
``import boundary_ray`` is fast on any machine.
"""

__version__ = "0.1.0"

__all__ = ["Lake", "__version__"]


def __getattr__(name: str):
    """``boundary_ray.Lake`` is imported on first use, so ``import boundary_ray`` stays fast."""
    if name == "Lake":
        from boundary_ray.api import Lake

        return Lake
    raise AttributeError(f"module 'boundary_ray' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), "Lake"])
