"""The post-mortem session app (ipywidgets): a thin view over :mod:`pmanalytics.session`.

Examples
--------
>>> from pmanalytics.widgets import SessionApp
>>> app = SessionApp(session)          # doctest: +SKIP
>>> app                                 # doctest: +SKIP
"""

from ._app import SessionApp
from ._helpers import warm_suggester

__all__ = ["SessionApp", "warm_suggester"]
