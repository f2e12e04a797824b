"""Plotly figure builders: a DataFrame in, a figure out, no I/O.

Each feature has its own module; this package re-exports their public builders.
"""

# Re-exports: one line per feature module (append yours; do not rewrite this file).
