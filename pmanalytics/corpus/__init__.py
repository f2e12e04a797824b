"""The corpus package (placeholder on the metrics branch: take the corpus branch's version).

:mod:`pmanalytics.corpus.filters` holds the filtering rule.
"""
