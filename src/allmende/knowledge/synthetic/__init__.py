"""Synthetic knowledge content for the search benchmark and load tests
(``allmende generate --knowledge N``).

German articles, tools, example places and news built from compound nouns ("Leerstands" +
"management"), spread over the networks, real German towns and the last eight years, with
topics, facet terms and impact criteria from the vocabularies. Every row is marked
``is_synthetic``; ``knowledge_synthetic_remove`` deletes exactly those rows.

- ``vocabulary``: the words and sentence patterns (pure, seeded)
- ``services``: storing them in batches, rebuilding the search index, and removing them
"""

from allmende.knowledge.synthetic.services import (
    KnowledgeSyntheticError,
    KnowledgeSyntheticResult,
    knowledge_split,
    knowledge_synthetic_generate,
    knowledge_synthetic_remove,
)

__all__ = [
    "KnowledgeSyntheticError",
    "KnowledgeSyntheticResult",
    "knowledge_split",
    "knowledge_synthetic_generate",
    "knowledge_synthetic_remove",
]
