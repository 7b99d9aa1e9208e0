"""Default sizes and names of every command and library function, in one place.

This module imports nothing, so the command line can read its defaults for ``--help``
without loading NumPy or the engine. A library function's keyword default and the
command's option default both name the constant here; change a default here and
both follow.
"""

#: The built-in scenario commands run when none is named.
DEFAULT_SCENARIO = "korea-1952"

#: Monte Carlo draws of every course (``kennan run``, the report's run, signposts).
DRAWS = 10_000
#: Draws per chunk: the unit of work an executor runs, and of a run folder's files.
CHUNK_SIZE = 16_384
#: Per-draw results are kept in memory by default up to this many draws.
KEEP_DRAWS_LIMIT = 200_000
#: Root seed.
SEED = 0

#: Sobol' base samples (a power of two): costs ``base * (judgments + 2)`` draws.
SOBOL_BASE = 4096
#: Morris trajectories and grid levels: cost ``trajectories * (judgments + 1)`` draws.
MORRIS_TRAJECTORIES = 64
MORRIS_LEVELS = 4
#: Bootstrap resamples of a sensitivity index's interval.
SENSITIVITY_RESAMPLES = 100

#: Discovery: Latin hypercube points over the judgments, and runs of each (averaged).
DISCOVERY_POINTS = 2000
DISCOVERY_REPLICATES = 16

#: Draws per run of a mechanism ablation (one run per mechanism, plus the intact one).
ABLATION_DRAWS = 2000

#: Decomposition of variance: judgment draws and histories of chance per draw.
DECOMPOSITION_DRAWS = 2000
DECOMPOSITION_REPLICATIONS = 8

#: EVPI: quantile bins of a judgment and permutations estimating the noise floor.
EVPI_BINS = 10
EVPI_PERMUTATIONS = 20

#: Draws of the short run that picks the outcome and the courses a command was not given.
PILOT_DRAWS = 2000

#: Signposts shown by the report, and periods between the dates they are checked at.
REPORT_SIGNPOSTS = 5
SIGNPOST_EVERY = 3

#: Worker processes the report uses by default (at most the CPUs this process may use).
REPORT_WORKERS = 2
