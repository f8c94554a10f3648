"""One thread that owns a vLLM engine; other threads submit requests and wait for their own.

vLLM's ``LLMEngine`` is not thread-safe, so only this loop touches it: it takes new requests
from an inbox, steps the engine while anything is unfinished, and completes each request's
future when its last sample is done. Several Ray Data batches in flight on one actor therefore
share one continuously batched engine, while each batch returns as soon as its own problems
are finished.

The loop thread also builds the engine. A CPU engine's OpenMP runtime gives every thread that
runs torch code its own team of worker threads; libgomp counts the threads of every team, and
once they outnumber the cores it stops spinning at barriers and sleeps in the kernel instead.
An engine built on one thread and stepped on another makes two teams, and on 2 cores its steps
slept ~860 times a second and ran ~15-20 % slower than bare vLLM (``perf sched``; issue 13).
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any


class EngineLoop:
    """Builds the engine with ``start()`` and runs ``engine.step()`` in one daemon thread;
    ``submit`` is safe from any thread."""

    def __init__(self, start: Callable[[], Any]) -> None:
        self.inbox: queue.Queue[tuple[str, str, Any, Future]] = queue.Queue()
        self.pending: dict[str, Future] = {}
        self.ids = itertools.count()
        self.error: BaseException | None = None
        started: Future = Future()
        self.thread = threading.Thread(
            target=self._run, args=(start, started), name="vllm-engine-loop", daemon=True
        )
        self.thread.start()
        self.engine = started.result()  # what start() raised is raised here, in the caller

    def submit(self, prompt: str, params: Any) -> Future:
        """Queue one request; the future resolves to its final ``RequestOutput``."""
        future: Future = Future()
        if self.error is not None:
            future.set_exception(RuntimeError(f"the engine loop stopped: {self.error!r}"))
            return future
        self.inbox.put((f"boundary-{next(self.ids)}", prompt, params, future))
        return future

    def _run(self, start: Callable[[], Any], started: Future) -> None:
        try:
            engine = start()
        except BaseException as exc:  # noqa: BLE001 - the constructor raises it
            started.set_exception(exc)
            return
        started.set_result(engine)
        try:
            while True:
                self._take_new(engine, block=not engine.has_unfinished_requests())
                for out in engine.step():
                    if out.finished:  # outputs carry the external id we gave
                        self.pending.pop(out.request_id).set_result(out)
        except BaseException as exc:  # noqa: BLE001 - every waiting caller gets the error
            self.error = exc
            for future in self.pending.values():
                future.set_exception(exc)
            self.pending.clear()
            while not self.inbox.empty():
                self.inbox.get_nowait()[3].set_exception(exc)

    def _take_new(self, engine: Any, block: bool) -> None:
        """Add every queued request to the engine; wait for one when the engine is idle."""
        while True:
            try:
                request_id, prompt, params, future = self.inbox.get(block=block)
            except queue.Empty:
                return
            block = False
            try:
                engine.add_request(request_id, prompt, params)
            except Exception as exc:  # noqa: BLE001 - a bad request fails its own caller only
                future.set_exception(exc)
                continue
            self.pending[request_id] = future
