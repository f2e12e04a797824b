"""Suggest themes for notes and find recurring problems across incidents, explainably.

Notes become vectors (TF-IDF over words and word pairs, with a stop-list for
incident boilerplate, reduced by truncated SVD; or, optionally, a local
sentence-embedding model), which are grouped by average-linkage clustering on
cosine distance. The number of themes is chosen by silhouette unless the caller
fixes it, and a note that fits no theme stays unassigned (label ``-1``). Every
theme is explained by its distinctive terms (class-based TF-IDF), its three most
representative notes, its size and its cohesion (mean cosine similarity of its
notes to the theme's centre, from 0 to 1).

- In a session: :func:`suggest_themes`, then :func:`accept_theme`,
  :func:`rename_theme`, :func:`merge_themes` and :func:`split_theme`.
- Across incidents: :func:`recurring_problems` and :func:`similar_incidents`.
- The estimator itself: :class:`ThemeSuggester`.

Where the rules live: the stop-list, tokens, the word counter and keywords in
``_text``; the tree and its automatic cut in ``_clustering``; vectors, themes and
their description in ``_estimator``; suggestions and the facilitator's edits in
``_suggestions``; cross-incident functions in ``_recurring`` and ``_similar``.

Examples
--------
>>> from pmanalytics.themes import suggest_themes
>>> notes = ["DNS lookups time out", "DNS lookups time out on busy nodes",
...          "DNS lookups hang in the cluster", "Disk fills up with logs",
...          "Disk full of debug logs", "Logs filled the disk", "Lunch was good"]
>>> for s in suggest_themes(notes):
...     print(s.label, s.item_ids)
DNS lookups time out on busy nodes ('0', '1', '2')
Disk fills up with logs ('3', '4', '5')
"""

from ._encoders import Encoder, load_sentence_encoder
from ._errors import ThemeError, ThemeWarning
from ._estimator import ThemeSuggester
from ._recurring import RECURRING_COLUMNS, recurring_problems
from ._similar import SIMILAR_COLUMNS, similar_incidents
from ._suggestions import (
    ThemeSuggestion,
    accept_theme,
    merge_themes,
    rename_theme,
    split_theme,
    suggest_themes,
)
from ._text import BOILERPLATE_STOP_WORDS

__all__ = [
    "BOILERPLATE_STOP_WORDS",
    "PLACE_NAMES",
    "RECURRING_COLUMNS",
    "SIMILAR_COLUMNS",
    "Encoder",
    "ThemeError",
    "ThemeSuggester",
    "ThemeSuggestion",
    "ThemeWarning",
    "accept_theme",
    "load_sentence_encoder",
    "merge_themes",
    "recurring_problems",
    "rename_theme",
    "similar_incidents",
    "split_theme",
    "suggest_themes",
]
