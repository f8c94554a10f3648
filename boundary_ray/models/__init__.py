"""Model sources: bundled offline models (``builtin:``), local folders and hub repo ids."""

from boundary_ray.models.resolve import resolve_model_source

__all__ = ["resolve_model_source"]
