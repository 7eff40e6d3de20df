"""Garbage collection around the CLI's start-up, which builds a lot and frees almost nothing.

Starting (imports, the parser, a playbook) makes tens of thousands of objects that live as
long as the process, so collections during it are pure cost: about 5% of the instructions
of a `socialway review "hi"`. `python -m bot` (bot/__main__.py) turns the collector off
before the imports; `main()` calls `settle()` once the arguments are parsed, so every
command runs with it on, and `review` calls it again once the playbook is loaded, so a long
batch never walks the playbook at each full collection.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Freeze every object made so far (never scanned again) and collect garbage again."""
    gc.freeze()
    gc.enable()
