"""Where :class:`Corpus` and :func:`load` used to live; they are in :mod:`pmanalytics.corpus`.

Kept only so that modules not yet moved keep importing; import from
``pmanalytics.corpus`` (or ``pmanalytics``) instead.
"""

from .corpus import Corpus, load

__all__ = ["Corpus", "load"]
