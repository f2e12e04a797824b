"""Recreate ``data/sample`` exactly: the demo corpus of 120 incidents with seed 7.

Run from the repository root::

    .venv/bin/python data/regenerate.py

The old ``*.md`` files and ``ground-truth.csv`` in ``data/sample`` are removed first,
so the folder then holds exactly ``pmanalytics.demo.write_corpus("data/sample", 120, 7)``.
The output does not depend on the date or the machine; ``tests/test_demo.py`` checks
that the committed sample still equals a fresh generation. ``data/handwritten`` holds
three post-mortems written by hand and is not touched.
"""

from __future__ import annotations

from pathlib import Path

from pmanalytics import demo

SAMPLE_FOLDER = Path(__file__).resolve().parent / "sample"
SAMPLE_INCIDENTS = 120
SAMPLE_SEED = 7


def main() -> None:
    if SAMPLE_FOLDER.is_dir():
        for old in [*SAMPLE_FOLDER.glob("*.md"), SAMPLE_FOLDER / demo.GROUND_TRUTH_FILE]:
            old.unlink(missing_ok=True)
    folder = demo.write_corpus(SAMPLE_FOLDER, SAMPLE_INCIDENTS, SAMPLE_SEED, progress=False)
    print(f"wrote {SAMPLE_INCIDENTS} post-mortems and {demo.GROUND_TRUTH_FILE} to {folder}")


if __name__ == "__main__":
    main()
