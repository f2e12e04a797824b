"""The post-mortem session app (ipywidgets): a thin view over :mod:`pmanalytics.session`.

Examples
--------
>>> from pmanalytics.widgets import SessionApp
>>> app = SessionApp(session)          # doctest: +SKIP
>>> app                                 # doctest: +SKIP
"""

from ._app import SessionApp

__all__ = ["SessionApp"]
