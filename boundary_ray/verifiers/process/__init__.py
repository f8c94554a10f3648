"""The process verifier: a response's claimed intermediate quantities (``text``, ``strict``,
``lenient``) against the problem's gold graph (``graph``), the verdict (``verifier``) and
re-grading a JSONL file (``offline``)."""
