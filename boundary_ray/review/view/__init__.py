"""``boundary view``: read, compare and label samples in a browser, at any lake size.

A local web server over the lake (Starlette on uvicorn), its pages rendered on the server from
DuckDB queries through one ``QuerySession`` (Jinja2, autoescape on), each with a JSON twin:

- ``server``: bind (``--port 0``: a free port), print the address, serve until Ctrl-C;
- ``app``: the routes (``/``, ``/problems``, ``/problems/<benchmark>/<problem_id>``, ``/api/…``);
- ``security``: the token, the loopback host check, same-origin JSON writes, the CSP;
- ``view_session``: the one query session behind a lock, relisting the lake as it grows;
- ``listing``, ``relations``, ``file_ranges``: which files a page reads (only its partitions,
  only the files whose footer holds its problems, outcomes files where fresh);
- ``stats``, ``bands``, ``problem_list``, ``problem_page``, ``overview``: each page's data;
- ``labels``: ``POST /api/labels``, checked, appended to ``labels/`` by the lake writer;
- ``filters``, ``errors``, ``sqltext``, ``text``, ``vega_bundle``: parameters, request errors,
  SQL literals, a response cut around its answer, the offline Vega script.
"""

from boundary_ray.review.view.server import serve

__all__ = ["serve"]
