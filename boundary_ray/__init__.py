"""boundary-ray: measure the reasoning boundary of language models (pass@k at large k).

The flow is one way: spec -> problems -> samples -> verdicts -> lake -> queries -> charts.
Heavy libraries (vLLM, torch, Ray) are imported only inside the stages that need them, so
``import boundary_ray`` is fast on any machine.
"""

__version__ = "0.1.0"
