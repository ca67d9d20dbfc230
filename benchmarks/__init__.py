"""socbot's benchmarks: a national-scale fictional dataset, raw-SQL and bare-SDK baselines.

``python -m benchmarks`` (``make bench``) runs everything; ``--quick`` is a smoke run. The
generator is ``python -m benchmarks.generate``. Figures and how to read them: docs/performance.md.
"""
