"""Regular expressions of regex criteria: ECMA-262 patterns, run by ``regress``.

The spec leaves the dialect open (OAI #515); PR #516 proposes ECMA-262, the dialect JSON Schema
and OpenAPI use for ``pattern``. Python's ``re`` is not that dialect (``\\d`` matches any
Unicode digit, ``$`` matches before a final newline, no ``\\p{...}``, named groups spelt
``(?P<n>...)``, ``[^]`` is an error), so patterns are compiled by ``regress``, a binding of the
ECMA-262 engine of the Rust crate of the same name, in Unicode (``u``) mode, as JSON Schema
recommends: the subject is a sequence of code points, ``\\p{...}`` property escapes work and
the stricter Unicode-mode syntax applies (a stray ``]`` or ``{`` is an error instead of a
literal). Matching is a search (``RegExp.prototype.test``), not a full match (CRIT-03).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regress

from ._exceptions import ExpressionSyntaxError

__all__ = ["ECMA_262", "EcmaRegex", "compile_regex"]

ECMA_262 = "ecma-262"

# The `u` flag: Unicode mode. No other flag is set; the spec gives a criterion no way to ask
# for one, and ECMA-262 has no inline modifiers such as Python's `(?i)`.
_UNICODE_MODE = "u"


@dataclass(frozen=True, slots=True)
class EcmaRegex:
    """A compiled ECMA-262 pattern; ``search`` tells whether it matches anywhere in a text."""

    pattern: str
    compiled: regress.Regex

    def search(self, text: str) -> bool:
        """True when the pattern matches somewhere in ``text``.

        Raises UnicodeEncodeError for a text holding a lone surrogate, which is not a
        code point sequence the engine can read.
        """
        return self.compiled.find(text) is not None


def compile_regex(pattern: str) -> EcmaRegex:
    """Compile an ECMA-262 pattern; ExpressionSyntaxError when it is not one."""
    return _compile(pattern)


@lru_cache(maxsize=1024)
def _compile(pattern: str) -> EcmaRegex:
    try:
        compiled = regress.Regex(pattern, _UNICODE_MODE)
    except regress.RegressError as error:
        # regress reports no position, so the error points at the pattern's start.
        raise ExpressionSyntaxError(
            pattern, 1, f"an ECMA-262 regular expression in Unicode mode ({error})"
        ) from None
    return EcmaRegex(pattern, compiled)
