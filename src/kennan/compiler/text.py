"""The text of an expression, and the map from parser positions back to it.

The parser sees the text wrapped in parentheses (so it may span lines and start with
blanks) and reports byte offsets; messages need 1-based lines and character columns
of the text the user wrote.
"""

from __future__ import annotations

import ast
import re

NEWLINE = re.compile(r"\r\n|\r|\n")


def position(source: str, index: int) -> tuple[int, int]:
    """Line (1-based) and column (0-based) of character ``index`` of ``source``."""
    before = NEWLINE.split(source[:index])
    return len(before), len(before[-1])


class SourceText:
    """The user's text, its parenthesised form, and the map between their positions."""

    def __init__(self, source: str):
        self.lines = NEWLINE.split(source)
        self.wrapped = "(" + source + "\n)"
        self.wrapped_lines = NEWLINE.split(self.wrapped)

    def _clamp(self, line: int, col: int) -> tuple[int, int]:
        # Positions on the closing wrapper line point at the end of the user's text.
        if line > len(self.lines):
            return len(self.lines), len(self.lines[-1])
        line = max(line, 1)
        if line == 1:
            col -= 1
        return line, max(0, min(col, len(self.lines[line - 1])))

    def char_col(self, line: int, byte_col: int) -> int:
        """The character column of an ``ast`` byte offset on a wrapped line."""
        if not 1 <= line <= len(self.wrapped_lines):
            return byte_col
        raw = self.wrapped_lines[line - 1].encode("utf-8", "surrogatepass")
        return len(raw[:byte_col].decode("utf-8", "ignore"))

    def node_position(self, node: ast.AST) -> tuple[int, int]:
        """Where ``node`` starts in the user's text."""
        line = getattr(node, "lineno", 1)
        return self._clamp(line, self.char_col(line, getattr(node, "col_offset", 0)))

    def after(self, node: ast.AST) -> tuple[int, int]:
        """Where the first token after ``node`` starts (an operator's position)."""
        line = node.end_lineno or 1
        col = self.char_col(line, node.end_col_offset or 0)
        while line <= len(self.wrapped_lines):
            text = self.wrapped_lines[line - 1]
            while col < len(text) and text[col] in " \t\f)\\":
                col += 1
            if col < len(text) and text[col] != "#":
                return self._clamp(line, col)
            line, col = line + 1, 0
        return self._clamp(line, col)

    def syntax_position(self, exc: SyntaxError) -> tuple[int, int]:
        """Where a syntax error is, from its (character-based) line and offset."""
        return self._clamp(exc.lineno or 1, (exc.offset or 1) - 1)

    def unmatched_close(self) -> tuple[int, int]:
        """The first ``)`` that closes more than the text opened (string-unaware)."""
        level = 0
        for line, text in enumerate(self.lines, start=1):
            for col, char in enumerate(text):
                level += {"(": 1, ")": -1}.get(char, 0)
                if level < 0:
                    return line, col
        return 1, 0
