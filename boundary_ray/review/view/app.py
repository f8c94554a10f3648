"""The web app of ``boundary view`` (Starlette): three pages, their JSON twins, one write.

    /                                      the lake at a glance          GET /api/overview
    /problems?benchmark=…&model=…          problems with each c/n        GET /api/problems
    /problems/<benchmark>/<problem_id>     one problem, two models       GET /api/problems/<b>/<p>
                                                                         GET /api/samples?model=…
    POST /api/labels                       store one label               (JSON body)
    /api/charts/pass_at_k[?exclude=guess]  the overview's Vega-Lite spec
    /images/<image_id>                     a problem's image (visual benchmarks)
    /static/…                              CSS, script, KaTeX, the Vega bundle

Pages are rendered on the server from the same data their JSON twin returns (Jinja2,
autoescape on, no value ever marked safe). On a lake with no samples yet every page says so and
names ``boundary run`` (200), and every JSON route answers ``{"error": ...}`` with 409; the
lake is listed again at each request (at most once a second), so samples a run writes later
are shown without a restart. Handlers are plain functions: Starlette runs them
on its thread pool, and the one ``ViewSession`` serialises their reads.
"""

from __future__ import annotations

import datetime
import decimal
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from boundary_ray.errors import BoundaryError
from boundary_ray.review.view import filters, overview, problem_list, problem_page, text
from boundary_ray.review.view.bands import BAND_TITLES
from boundary_ray.review.view.errors import NoSamples, NotFound, ParamError, RequestError
from boundary_ray.review.view.labels import store_label
from boundary_ray.review.view.vega_bundle import VegaBundle
from boundary_ray.review.view.view_session import ViewSession

HERE = Path(__file__).resolve().parent
IMAGE_ID_RE = re.compile(r"^[0-9a-f]{64}$")
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
BODY_MAX = 64 * 1024


def _json_default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    raise TypeError(f"not JSON: {type(value).__name__}")


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, default=_json_default, ensure_ascii=False, allow_nan=False).encode()


def problem_url(benchmark: str, problem_id: str, **params: Any) -> str:
    """``/problems/<benchmark>/<problem_id>`` with each segment escaped, and a query string."""
    url = f"/problems/{quote(benchmark, safe='')}/{quote(problem_id, safe='')}"
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return url + ("?" + urlencode(query) if query else "")


def query_url(path: str, params: dict[str, Any]) -> str:
    """``path`` with ``params`` (empty values left out) as its query string."""
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return path + ("?" + urlencode(query) if query else "")


def percent(value: float | None, digits: int = 1) -> str:
    """0.0625 -> '6.2 %'; None -> '–'."""
    if value is None:
        return "–"
    return f"{100 * value:.{digits}f} %"


def create_app(vs: ViewSession, who: str, token: str | None = None) -> Any:
    """The ASGI app over ``vs`` (labels default to ``who``), behind ``security.Guard``."""
    import jinja2
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    from boundary_ray.review.view.security import Guard

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,  # every value is escaped; nothing from the lake is ever marked safe
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(problem_url=problem_url, query_url=query_url, percent=percent, who=who)
    vega = VegaBundle()

    def json_response(data: Any, status: int = 200) -> Response:
        return Response(_json_bytes(data), status_code=status, media_type="application/json")

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(name).render(**context)
        return HTMLResponse(html, status_code=status)

    def failure(request: Request, exc: BoundaryError) -> Response:
        status = exc.status if isinstance(exc, RequestError) else 500
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if request.url.path.startswith("/api/"):
            return json_response({"error": message}, status)
        if isinstance(exc, NoSamples):  # not an error of the page: the lake is still empty
            return page("empty.html", title="No samples yet", message=message, lake=str(vs.lake))
        return page("error.html", status, title="Error", message=message, code=status)

    def require_samples() -> None:
        """Raise ``NoSamples`` while the lake's current listing has no samples file."""
        listing = vs.listing()
        if not listing.has("samples"):
            held = "problems but no samples" if listing.has("problems") else "no samples"
            raise NoSamples(
                f"lake {vs.lake} holds {held} yet: write some with"
                f" `boundary run SPEC --lake {vs.lake}`"
            )

    def guarded(handler: Any, samples: bool = True) -> Any:
        """``handler`` with its ``BoundaryError`` answered as a page or JSON error; ``samples``:
        only once the lake has samples."""

        def endpoint(request: Request) -> Response:
            try:
                if samples:
                    require_samples()
                return handler(request)
            except BoundaryError as exc:
                return failure(request, exc)

        return endpoint

    # --- data, shared by a page and its JSON twin -----------------------------------------

    def list_data(request: Request) -> tuple[filters.ProblemFilters, dict[str, Any]]:
        listing = vs.listing()
        params = dict(request.query_params)
        chosen = request.query_params.getlist("model")  # ?model=a&model=b or ?model=a,b
        params["model"] = ",".join(chosen)
        f = filters.problem_filters(params, listing.models(), listing.benchmarks())
        return f, problem_list.problem_list(vs, f)

    def problem_data(request: Request) -> dict[str, Any]:
        benchmark = request.path_params["benchmark"]
        problem_id = request.path_params["problem_id"]
        listing = vs.listing()
        have = [m for m, b in listing.samples_partitions() if b == benchmark]
        f = filters.sample_filters(request.query_params, have)
        data = problem_page.problem_page(vs, benchmark, problem_id, f)
        data["sample_models"] = have
        return data

    # --- pages ------------------------------------------------------------------------------

    def home(request: Request) -> Response:
        exclude = filters.exclude_guess(request.query_params)
        return page("overview.html", title="Overview", data=overview.overview(vs), exclude=exclude)

    def problems(request: Request) -> Response:
        f, data = list_data(request)
        listing = vs.listing()
        return page(
            "problems.html",
            title="Problems",
            f=f,
            data=data,
            models=listing.models(),
            benchmarks=listing.benchmarks(),
            bands=BAND_TITLES,
            verdicts=filters.VERDICT_FILTERS,
        )

    def problem(request: Request) -> Response:
        data = problem_data(request)
        task = (data["problem"] or {}).get("task") or "math"
        for side in data["samples"].values():
            for sample in side["samples"]:
                sample["pieces"] = text.response_pieces(
                    sample["response"], sample["extracted_answer"], sample["answer_rule"]
                )
        return page(
            "problem.html",
            title=f"{data['benchmark']} · {data['problem_id']}",
            data=data,
            task=task,
            shows=filters.SHOWS,
        )

    # --- JSON ---------------------------------------------------------------------------------

    def api_overview(request: Request) -> Response:
        return json_response(overview.overview(vs))

    def api_problems(request: Request) -> Response:
        return json_response(list_data(request)[1])

    def api_problem(request: Request) -> Response:
        return json_response(problem_data(request))

    def api_samples(request: Request) -> Response:
        params = request.query_params
        for key in ("model", "benchmark", "problem_id"):
            if not params.get(key):
                raise ParamError(f"missing parameter {key!r}")
        listing = vs.listing()
        model, benchmark = params["model"], params["benchmark"]
        if (model, benchmark) not in listing.samples_partitions():
            raise NotFound(f"no samples of model {model!r} on benchmark {benchmark!r}")
        f = filters.sample_filters({**params, "a": model, "b": model}, [model])
        side = problem_page.problem_samples(vs, listing, benchmark, params["problem_id"], f)
        return json_response({"model": model, "benchmark": benchmark, **side[model]})

    async def api_labels(request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        body = await request.body()
        if len(body) > BODY_MAX:
            return json_response({"error": f"the body is over {BODY_MAX} bytes"}, 413)
        try:
            parsed = json.loads(body)
        except ValueError as exc:
            return json_response({"error": f"the body is not JSON ({exc})"}, 400)
        try:
            await run_in_threadpool(require_samples)
            row = await run_in_threadpool(store_label, vs, parsed, who)
        except BoundaryError as exc:
            return failure(request, exc)
        return json_response({"stored": row}, 201)

    def api_chart(request: Request) -> Response:
        exclude = filters.exclude_guess(request.query_params)
        return json_response(overview.chart_spec(vs, exclude))

    def image(request: Request) -> Response:
        image_id = request.path_params["image_id"]
        if not IMAGE_ID_RE.match(image_id):
            raise NotFound(f"no image {image_id[:80]!r}")
        found = problem_page.image_bytes(vs, image_id)
        if found is None:
            raise NotFound(f"no image {image_id} in the lake")
        data, fmt = found
        kind = IMAGE_TYPES.get((fmt or "").upper())
        if kind is None:
            return Response(
                data,
                media_type="application/octet-stream",
                headers={"content-disposition": "attachment"},
            )
        return Response(data, media_type=kind, headers={"cache-control": "max-age=3600"})

    def vega_js(request: Request) -> Response:
        script = vega.script()
        if not script:
            message = f"the Vega bundle could not be built: {vega.error}"
            return Response(f"console.error({json.dumps(message)});", media_type="text/javascript")
        return Response(
            script,
            media_type="text/javascript",
            headers={"cache-control": "max-age=86400"},
        )

    routes = [
        Route("/", guarded(home)),
        Route("/problems", guarded(problems)),
        Route("/problems/{benchmark}/{problem_id:path}", guarded(problem)),
        Route("/api/overview", guarded(api_overview)),
        Route("/api/problems", guarded(api_problems)),
        Route("/api/problems/{benchmark}/{problem_id:path}", guarded(api_problem)),
        Route("/api/samples", guarded(api_samples)),
        Route("/api/labels", api_labels, methods=["POST"]),
        Route("/api/charts/pass_at_k", guarded(api_chart)),
        Route("/images/{image_id}", guarded(image, samples=False)),
        Route("/static/vega.js", vega_js),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes)
    return Guard(app, token)
