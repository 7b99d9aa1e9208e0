"""Bargaining models behind one signature, batched over a leading axis of draws.

``MODELS`` maps each model id to its function; :func:`settle` dispatches by id
(both in ``registry``).
Every function takes arrays of shape ``(draws, actors)`` of positions, saliences
(0-1) and capabilities (>= 0), an optional ``reference`` point per draw, and
keyword-only options of its own, and returns a :class:`Settlement`.

=============  ==================================================  ===========
id             model                                               iterative
=============  ==================================================  ===========
``compromise`` salience x capability weighted mean                 no
``median``     salience x capability weighted median               no
``nash``       asymmetric Nash bargaining solution                 no
``eum``        Bueno de Mesquita's expected utility model          yes
``smp``        KTAB's spatial model of politics                    yes
=============  ==================================================  ===========

The package by role: ``base`` (the shared signature and :class:`Settlement`),
``models/`` (one module per model), ``formats/`` (readers of negotiation tables, KTAB
files and the DEU data), ``reference/`` (plain-Python transcriptions that tests and
benchmarks hold the batched models to; production code never imports them), and the
two applications, ``forecast`` (a table through every model) and ``evaluate`` (the
models scored against the DEU outcomes).
"""

from kennan.bargaining.base import BargainingModel, Settlement, as_batch
from kennan.bargaining.formats.smp_ktab import KtabTable, load_ktab_csv
from kennan.bargaining.formats.tables import NegotiationTable, read_table
from kennan.bargaining.models.compromise import compromise
from kennan.bargaining.models.eum import eum
from kennan.bargaining.models.median import median
from kennan.bargaining.models.nash import nash
from kennan.bargaining.models.smp import SMPSettlement, smp, smp_multi
from kennan.bargaining.registry import MODELS, settle

__all__ = ["MODELS", "BargainingModel", "KtabTable", "NegotiationTable", "SMPSettlement",
           "Settlement", "as_batch", "compromise", "eum", "load_ktab_csv", "median", "nash",
           "read_table", "settle", "smp", "smp_multi"]
