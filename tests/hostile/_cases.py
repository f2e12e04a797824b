"""Hostile inputs, generated at test time: each case is a file (or entry) put in a folder.

Every case is a function ``make(folder) -> names`` that creates its entries in ``folder``
and returns the names it created (relative to ``folder``), so a test can check that each
one is accounted for: loaded, an error row, or a reported skip.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pmanalytics as pm

Case = Callable[[Path], list[str]]

GOOD = pm.PostMortem(
    id="good-one",
    title="Disk full on the primary",
    started_at="2024-03-01T10:00Z",
    resolved_at="2024-03-01T11:00Z",
    services=("db",),
    summary="The disk filled up.",
)


def front(body: str, name_id: str = "bad") -> str:
    """A canonical-looking file with ``body`` as extra front matter."""
    return f"---\nid: {name_id}\ntitle: Bad\n{body}\n---\n\n## What happened\n\nx\n"


def alias_bomb(levels: int = 9) -> str:
    """A "billion laughs" document: 9 ** levels values from about 0.5 KB of YAML."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        refs = ",".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines)


def _text(name: str, content: str | bytes) -> Case:
    def make(folder: Path) -> list[str]:
        target = folder / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        return [name]

    return make


def _symlink(name: str, target: Callable[[Path], str]) -> Case:
    def make(folder: Path) -> list[str]:
        os.symlink(target(folder), folder / name)
        return [name]

    return make


def _fifo(folder: Path) -> list[str]:
    os.mkfifo(folder / "pipe.md")
    return ["pipe.md"]


def _socket(folder: Path) -> list[str]:
    import socket

    path = folder / "sock.md"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
    except OSError:  # path too long for a socket: use a short folder name via a link
        server.close()
        return []
    server.close()
    return ["sock.md"]


def _not_utf8_name(folder: Path) -> list[str]:
    raw = os.fsencode(folder) + b"/caf\xe9.md"
    with open(raw, "wb") as handle:
        handle.write(pm.dumps(GOOD.model_copy(update={"id": "latin-name"})).encode())
    return [os.fsdecode(b"caf\xe9.md")]


def _sub_link_inside(folder: Path) -> list[str]:
    real = folder / "real-sub"
    real.mkdir()
    pm.write(GOOD.model_copy(update={"id": "linked-inside"}), real)
    os.symlink(real, folder / "linked-sub")
    return ["real-sub/linked-inside.md", "linked-sub/linked-inside.md"]


def _huge_lines(folder: Path) -> list[str]:
    lines = "".join(f"- item {i}\n" for i in range(60_000))
    (folder / "huge.md").write_text(
        f"---\nid: huge\ntitle: Huge\n---\n\n## What went well\n\n{lines}"
    )
    return ["huge.md"]


def _deep_json(folder: Path) -> list[str]:
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    return ["deep.json"]


#: name -> case. Each makes one hostile entry (a few make two that belong together).
CASES: dict[str, Case] = {
    "empty": _text("empty.md", ""),
    "blank": _text("blank.md", "\n \n\t\n"),
    "tiny": _text("tiny.md", "-"),
    "binary": _text("binary.md", bytes(range(256)) * 8),
    "latin1": _text("latin1.md", "---\nid: latin\ntitle: Caf\xe9\n---\n".encode("latin-1")),
    "utf16": _text("utf16.md", pm.dumps(GOOD.model_copy(update={"id": "u16"})).encode("utf-16")),
    "late-nul": _text("late-nul.md", front("summary: ok") + "x" * 9000 + "\x00\n"),
    "alias-bomb": _text("bomb.md", front(alias_bomb(), "bomb")),
    "self-alias": _text("self-alias.md", front("tags: &t [*t]", "self-alias")),
    "deep-yaml": _text("deep-yaml.md", front("extra: " + "[" * 500 + "]" * 500, "deep-yaml")),
    "deep-flow": _text("deep-flow.md", front("extra: " + "{a: " * 2000 + "1" + "}" * 2000)),
    "dup-key": _text("dup-key.md", "---\nid: dup\ntitle: A\ntitle: B\n---\n"),
    "huge-int": _text("huge-int.md", front("impact:\n  customers_affected: " + "9" * 30, "hi")),
    "huge-rank": _text("huge-rank.md", front("severity: " + "9" * 25, "hr")),
    "neg-votes": _text(
        "neg.md", front("items:\n- {id: i1, section: went_well, text: t, votes: -1}")
    ),
    "huge-votes": _text(
        "hv.md",
        "---\nid: hv\ntitle: V\n---\n\n## What went well\n\n- a <!-- "
        + json.dumps({"id": "i-1", "votes": 10**20})
        + " -->\n",
    ),
    "year-0": _text("year0.md", front("started_at: 0000-01-01T00:00Z", "y0")),
    "feb-30": _text("feb30.md", front("started_at: 2024-02-30", "f30")),
    "year-10000": _text("y10k.md", front("resolved_at: 9999-12-31T23:00-05:00", "y10k")),
    "year-225": _text("y225.md", front("started_at: 0225-03-01T00:00Z", "y225")),
    "year-1628": _text("y1628.md", front("started_at: 1628-08-10T15:00Z", "vasa")),
    "inf-minutes": _text("inf.md", front("impact:\n  minutes: .inf", "inf")),
    "wrong-types": _text(
        "types.md",
        front("status: [1, 2]\nservices: {a: 1}\ntimeline: 7\nreview: [x]", "types"),
    ),
    "bad-id": _text("bad-id.md", "---\nid: ../../etc/passwd\ntitle: X\n---\n"),
    "windows-id": _text("con.md", "---\nid: CON\ntitle: Reserved\n---\n"),
    "case-dup": _text("zz-case-dup.md", "---\nid: GOOD-ONE\ntitle: Same but case\n---\n"),
    "stats-overflow": _text(
        "stats.md",
        "# Stats\n\n## Stats\n\nCustomers affected: 100000000000000000000000\n"
        "Duration: 999999999 days\n\n## Summary\n\nx\n",
    ),
    "huge-lines": _huge_lines,
    "bad-csv": _text("bad.csv", 'Summary,Issue key\n"unclosed,OPS-1\n'),
    "ragged-csv": _text("ragged.csv", "Summary,Issue key,Status,Labels\nA\nB,C,D,E,F,G\n"),
    "jira-nul": _text("nul-jira.csv", "Summary,Issue key,Status,Labels\nA\x00,OPS-1,Done,x\n"),
    "bad-json": _text("bad.json", '{"incidents": [}'),
    "deep-json": _deep_json,
    "json-surrogate": _text(
        "sur.json",
        '{"incidents": [{"id": "01H", "reference": "INC-1", "incident_status": {}, '
        '"name": "cut \\ud83d", "summary": "x\\u0000y", "created_at": "2024-01-01T00:00:00Z"}]}',
    ),
    "pagerduty-junk": _text(
        "pd.json", json.dumps({"incidents": [{"id": "P1", "incident_number": "x" * 5}, 7, None]})
    ),
    "incidentio-junk": _text(
        "io.json",
        json.dumps(
            {
                "incidents": [
                    {
                        "id": "01J",
                        "reference": "INC-2",
                        "incident_status": {},
                        "name": 5,
                        "severity": {"rank": 10**30},
                        "created_at": "2024-02-30T00:00:00Z",
                    },
                    {"id": "01K", "reference": "INC-3", "incident_status": [], "name": None},
                    "junk",
                ]
            }
        ),
    ),
    "dangling-link": _symlink("dangling.md", lambda folder: str(folder / "nowhere.md")),
    "link-loop": _symlink("loop.md", lambda folder: str(folder / "loop.md")),
    "link-outside": _symlink("passwd.md", lambda folder: "/etc/passwd"),
    "folder-link-outside": _symlink("etc-sub", lambda folder: "/etc"),
    "folder-link-inside": _sub_link_inside,
    "fifo": _fifo,
    "socket": _socket,
    "not-utf8-name": _not_utf8_name,
}
