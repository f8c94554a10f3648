"""The code verifier: the program extracted from a response (``extraction``, ``sanitize``), the
problem's cases (``cases``, ``oracle``), the harness code run beside it (``drivers``), plain data
out of the sandbox (``plain``), stdout compared on the host (``stdio``) and the verdict
(``verifier``). The sandbox itself is ``boundary_ray.sandbox``."""
