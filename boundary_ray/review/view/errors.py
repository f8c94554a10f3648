"""What a request can get wrong: each a ``BoundaryError`` with one line, and its HTTP status.

``ViewSession.read`` retries a page once on a new listing when a file it named went away; a
``RequestError`` is about the request, not the lake, and is never retried.
"""

from __future__ import annotations

from boundary_ray.errors import BoundaryError


class RequestError(BoundaryError):
    """A request the view cannot answer as asked (its ``status``)."""

    status = 400


class ParamError(RequestError):
    """A query-string parameter the view cannot use (400)."""


class LabelError(RequestError):
    """A label body the view cannot store (400)."""


class NotFound(RequestError):
    """A problem, model, sample or image the lake does not hold (404)."""

    status = 404


class NoSamples(RequestError):
    """The lake holds no samples yet (409): the pages say so and name ``boundary run``, the
    JSON routes answer this error; a later request shows the samples once a run wrote some."""

    status = 409
