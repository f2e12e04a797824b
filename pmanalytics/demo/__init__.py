"""Realistic demo post-mortems, with planted recurring problems and their ground truth.

:func:`generate` makes a deterministic corpus of incidents over a two-year window:
about eight services and six teams, a severity and status mix, heavy-tailed
detection and resolution times, timelines, participants, reviews, 10-60 items per
post-mortem with themes and votes, and 2-10 actions in every state (including
overdue ones as of the end of the window).

A handful of recurring problems (see :data:`PROBLEMS`) are planted in several
incidents each, always in different words. Which items mention which problem is
the *ground truth*: it is kept in :attr:`DemoCorpus.ground_truth` and, on disk,
in a separate ``ground-truth.csv``, never in the post-mortems themselves.

- :func:`generate` and :func:`write_corpus` (:class:`DemoCorpus`, :func:`read_ground_truth`).
- :func:`to_foreign_markdown`: a post-mortem in another team's Markdown template, as
  sample input for the importer.

Where the rules live: the phrases in the package data file ``vocabulary.yaml``
(read by ``_vocabulary``); one incident's story in ``_build``; the corpus, its
processes and files in ``_generate``; the other templates in ``_foreign``.

Examples
--------
>>> from pmanalytics import demo
>>> corpus = demo.generate(20, seed=1)
>>> len(corpus.postmortems), corpus.end.isoformat()
(20, '2026-10-31')
>>> sorted(corpus.ground_truth.columns)
['incident_id', 'item_id', 'problem_id', 'problem_label', 'section']
"""

from ._foreign import FOREIGN_STYLES, to_foreign_markdown
from ._generate import (
    DEFAULT_END,
    GROUND_TRUTH_COLUMNS,
    GROUND_TRUTH_FILE,
    PROBLEMS,
    DemoCorpus,
    generate,
    read_ground_truth,
    write_corpus,
)

__all__ = [
    "DEFAULT_END",
    "FOREIGN_STYLES",
    "GROUND_TRUTH_COLUMNS",
    "GROUND_TRUTH_FILE",
    "PROBLEMS",
    "DemoCorpus",
    "generate",
    "read_ground_truth",
    "to_foreign_markdown",
    "write_corpus",
]
