"""socbot's benchmarks: a national-scale fictional dataset, raw-SQL and bare-SDK baselines.

``python -m benchmarks`` (``make bench``) runs everything; ``--quick`` is a smoke run. The
generator is ``python -m benchmarks.generate``; serving throughput beside an old revision,
``python -m benchmarks.serving`` (``--only serving``); replicas and a killed one,
``python -m benchmarks.fault``. Figures and how to read them: docs/performance.md.
"""
