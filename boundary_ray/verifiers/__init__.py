"""Verifiers: math (answer extraction + equivalence) and code (sandboxed execution)."""

from boundary_ray.verifiers.base import Verdict, Verifier

__all__ = ["Verdict", "Verifier"]
