"""Defaults shared by the commands, kept in a module with no imports so the CLI starts fast."""

#: The built-in scenario commands run when none is named.
DEFAULT_SCENARIO = "korea-1952"
