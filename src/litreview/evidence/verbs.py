"""A verb as it follows a singular subject: one rule for the rewrites that change a subject.

The related-work prose makes coordinated verbs agree with a paper's name ("... and evaluates
it"), and a quoted sentence puts one author's "I describe" as "the author describes": both
conjugate a base form the same way.
"""

from __future__ import annotations

import re


def third_singular(base: str) -> str:
    """ "evaluate" -> "evaluates", "study" -> "studies", "address" -> "addresses"."""
    if re.search(r"(?:s|sh|ch|x|z|o)$", base):
        return base + "es"
    if re.search(r"[^aeiou]y$", base):
        return base[:-1] + "ies"
    return base + "s"
