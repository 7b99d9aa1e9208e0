"""Expressions of the scenario language: parse with ``ast``, check, emit NumPy closures.

>>> ns = Namespace({"x": "state"}, {"tagged": {"public"}})
>>> e = compile_expression("clip(x - 0.1 * tagged(public), 0, 1)", ns)
>>> float(e({"x": 0.5, "tagged:public": 1.0}))
0.4
"""

from kennan.compiler.expression import Expression, compile_expression
from kennan.compiler.functions import FUNCTIONS, FunctionSpec
from kennan.compiler.namespace import Namespace, name_problem

__all__ = [
    "FUNCTIONS",
    "Expression",
    "FunctionSpec",
    "Namespace",
    "compile_expression",
    "name_problem",
]
