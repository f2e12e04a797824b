"""A page that runs the card board's JavaScript against a real BoardWidget, with no kernel.

anywidget hands the board's ``render`` a ``model`` (get, on, off, send). Here that model
lives in the page and talks to a :class:`~pmanalytics.widgets.board.BoardWidget` in the test
process through Playwright's ``expose_function``: every message the JavaScript sends is
handled by the widget exactly as a kernel would, and the page takes the widget's new state.
The page also polls the widget every ``poll_ms`` (the app re-reads the journal every second),
so two pages on two sessions over one journal behave like two kernels.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pmanalytics.widgets.board import BoardWidget

STATIC = Path(__file__).resolve().parents[2] / "pmanalytics" / "widgets" / "static"
ORIGIN = "http://board.test"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Post-mortem session board</title>
<link rel="stylesheet" href="board.css">
<style>body{margin:.5rem 1rem}</style></head>
<body><div id="app"></div>
<script type="module">
import widget from "./board.js";
class Model {
  constructor(state) { this.state = state; this.handlers = {}; }
  get(name) { return this.state[name]; }
  on(event, callback) { (this.handlers[event] ||= []).push(callback); }
  off(event, callback) {
    this.handlers[event] = (this.handlers[event] || []).filter((c) => c !== callback);
  }
  apply(changes) {
    for (const [name, value] of Object.entries(changes)) {
      if (JSON.stringify(this.state[name]) === JSON.stringify(value)) continue;
      this.state[name] = value;
      for (const callback of this.handlers[`change:${name}`] || []) callback();
    }
  }
  send(message) {
    window.pmPending = (window.pmPending || 0) + 1;
    window.pmSend(JSON.stringify(message)).then((reply) => {
      this.apply(JSON.parse(reply));
      window.pmPending -= 1;
    });
  }
}
const model = new Model(JSON.parse(await window.pmState()));
window.pmModel = model;
widget.render({ model, el: document.getElementById("app") });
const poll = async () => {
  model.apply(JSON.parse(await window.pmPoll()));
  setTimeout(poll, __POLL__);
};
setTimeout(poll, __POLL__);
window.pmReady = true;
</script></body></html>
"""


def _state(board: BoardWidget) -> str:
    return json.dumps(
        {
            "view": board.view,
            "message": board.message,
            "draft_nudges": board.draft_nudges,
            "compact": board.compact,
        }
    )


def open_board(context: Any, board: BoardWidget, poll_ms: int = 500) -> Any:
    """A new page in ``context`` showing ``board``; returns the page once the board is drawn."""

    def serve(route: Any) -> None:
        name = route.request.url.removeprefix(ORIGIN + "/").split("?")[0] or "index.html"
        if name == "index.html":
            route.fulfill(body=PAGE.replace("__POLL__", str(poll_ms)), content_type="text/html")
        elif name in ("board.js", "board.css"):
            kind = "text/javascript" if name.endswith(".js") else "text/css"
            route.fulfill(body=(STATIC / name).read_text(encoding="utf-8"), content_type=kind)
        else:
            route.fulfill(status=404, body="")

    def handle(message: str) -> str:
        board.send_command(json.loads(message))
        return _state(board)

    def poll() -> str:
        board.poll()
        return _state(board)

    context.route(f"{ORIGIN}/**", serve)
    context.expose_function("pmSend", handle)
    context.expose_function("pmPoll", poll)
    context.expose_function("pmState", lambda: _state(board))
    page = context.new_page()
    page.goto(f"{ORIGIN}/index.html")
    page.wait_for_function("window.pmReady === true")
    page.locator(".pmb").wait_for()
    return page


def settle(page: Any) -> None:
    """Wait until every message the page sent has been answered and drawn."""
    page.wait_for_function("!window.pmPending")
