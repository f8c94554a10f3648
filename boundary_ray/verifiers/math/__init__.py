"""The math verifier: the answer's form (``text``), the verdict (``verifier``) and math-verify's
equivalence check in a child process under a hard timeout (``equivalence_client``,
``equivalence_child``)."""
