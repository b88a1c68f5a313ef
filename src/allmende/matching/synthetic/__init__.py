"""Synthetic properties, space needs and organisations on real German places, for the matching
benchmark and for load tests (``allmende generate``).

Places come from ``data/places.csv`` and are drawn with probability proportional to their
population, so that Berlin or Köln get far more rows than a village. Every row is marked
``is_synthetic``, and ``synthetic_remove`` deletes exactly those rows.

- ``vocabulary``: distributions and German words the rows are made of
- ``columns``: pure, seeded drawing of the rows as columns (numpy)
- ``services``: storing them in batches, and removing them
"""

from allmende.matching.synthetic.services import (
    SyntheticDataExists,
    SyntheticResult,
    synthetic_generate,
    synthetic_remove,
)

__all__ = ["SyntheticDataExists", "SyntheticResult", "synthetic_generate", "synthetic_remove"]
