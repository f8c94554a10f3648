"""Everything that executes model-written code, and nothing else: ``untrusted_exec`` (one
program in a fresh bubblewrap sandbox) and ``untrusted_cgroup`` (a memory and pids cgroup
around it, where the host delegates one). Threat model: ``infra/sandbox.md``."""
