"""The run layer: ``boundary run`` (the Ray Data pipeline), its plan, the Ray session, and the jobs
that re-verify a lake. It drives the layers below it and ends each run by refreshing the
outcomes the queries read."""
