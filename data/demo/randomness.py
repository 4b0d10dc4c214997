"""Named, independent random streams derived from one seed.

Why: each generation stage draws from its own stream, so changing how much one
stage draws (e.g. more roads) never shifts the numbers another stage sees, and the
same seed always gives the same demo.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    """A generator fixed by (seed, stage name); crc32 keeps it stable across runs."""
    return np.random.default_rng([int(seed), zlib.crc32(name.encode("utf-8"))])
