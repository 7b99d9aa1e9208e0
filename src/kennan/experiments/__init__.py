"""Experiments: many draws of a scenario, run in chunks, stored, summarised and replayed.

``runner.run`` (also ``kennan.run``) simulates every course chunk by chunk through an
executor (``executors``: this process, a process pool, or Dask via
``dask_executor``), merges exact ``summary`` objects, keeps per-draw results as
``results.Results`` and, with a run folder, stores each chunk (``store``, ``chunks``,
``lock``; ``query`` runs read-only SQL over them). ``limits`` checks work sizes before
starting; ``designs`` lays out Monte Carlo, Latin hypercube, Saltelli and Morris
designs; ``replay`` and ``rolling`` replay history; ``updating`` weighs draws by
observations. Results are drawn by :mod:`kennan.report.plots`.

Nothing is imported here: import what you need from its module.
"""

__all__ = ["chunks", "dask_executor", "designs", "executors", "limits", "lock", "query",
           "replay", "results", "rolling", "runner", "store", "summary", "updating"]
