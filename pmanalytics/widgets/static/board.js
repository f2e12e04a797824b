// The card board's browser side: plain JavaScript, no build step, no network.
// It draws the view model Python sends (`view`) and sends one message per drag or click;
// every rule lives in Python. User text is only ever set as text, never as HTML.
// One file on purpose: anywidget loads `_esm` from a blob URL, where relative imports of
// sibling modules do not resolve (and there is no bundler: no build step).

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "text") el.textContent = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function put(el, ...children) {
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

function clock(seconds) {
  const s = Math.abs(Math.round(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many || one + "s"}`;
}

const ANNOUNCE_AT = [300, 120, 60, 0]; // seconds left at which the countdown is announced

function render({ model, el }) {
  const ui = {
    selected: null, // the card chosen with the keyboard, to move
    dragging: null, // {kind: "card"|"group", id}
    drafts: {}, // column key -> text being written
    draftColumn: null,
    editing: null, // card id being edited
    renaming: null, // theme id being renamed
    focus: null, // theme id opened in the discussion
    highlight: "",
    received: Date.now(),
    announced: new Set(),
    previous: null,
    pendingFocus: null,
    factsOpen: false,
    fields: {}, // data-key -> what the person typed or chose, kept across redraws
  };
  const root = h("section", { class: "pmb", "aria-label": "Session board" });
  const live = h("div", { class: "pmb-sr", role: "status", "aria-live": "polite" });
  const body = h("div", { class: "pmb-body" });
  root.append(live, body);
  const remember = (event) => {
    const key = event.target.getAttribute && event.target.getAttribute("data-key");
    if (key && key !== "you" && "value" in event.target) ui.fields[key] = event.target.value;
  };
  body.addEventListener("input", remember);
  body.addEventListener("toggle", (event) => {
    if (event.target.classList && event.target.classList.contains("pmb-facts") && view().mode !== "intro") ui.factsOpen = event.target.open;
  }, true);
  // selects report a choice with "change"; text fields only with "input" (their "change"
  // also fires on the blur a redraw causes, with the text just sent)
  body.addEventListener("change", (event) => event.target.tagName === "SELECT" && remember(event));
  const forget = (...prefixes) => {
    for (const key of Object.keys(ui.fields)) {
      if (prefixes.some((p) => key.startsWith(p))) delete ui.fields[key];
    }
  };
  el.append(root);

  const send = (message) => model.send(message);
  const view = () => model.get("view") || {};
  const say = (text) => {
    // each announcement is a new line in the live region (the newest few are kept), so two
    // announcements at once are both read
    live.append(h("p", {}, text));
    while (live.childNodes.length > 4) live.firstChild.remove();
  };

  // ------------------------------------------------------------------ helpers

  const cardById = () => new Map((view().cards || []).map((c) => [c.id, c]));
  const themeLabel = (id) => ((view().groups || []).find((g) => g.id === id) || {}).label || "";

  function dropTarget(node, accepts, onDrop) {
    node.addEventListener("dragover", (event) => {
      if (ui.dragging && accepts(ui.dragging)) {
        event.preventDefault();
        event.stopPropagation();
        node.classList.add("pmb-over");
      }
    });
    node.addEventListener("dragleave", () => node.classList.remove("pmb-over"));
    node.addEventListener("drop", (event) => {
      node.classList.remove("pmb-over");
      if (!ui.dragging || !accepts(ui.dragging)) return;
      event.preventDefault();
      event.stopPropagation();
      const dragged = ui.dragging;
      ui.dragging = null;
      onDrop(dragged);
    });
  }

  function draggable(node, kind, id) {
    node.setAttribute("draggable", "true");
    node.addEventListener("dragstart", (event) => {
      ui.dragging = { kind, id };
      event.dataTransfer.setData("text/plain", `${kind}:${id}`);
      event.dataTransfer.effectAllowed = "move";
      event.stopPropagation();
    });
    node.addEventListener("dragend", () => (ui.dragging = null));
  }

  // ------------------------------------------------------------------ header

  function header(v) {
    const phases = h(
      "ol",
      { class: "pmb-phases", "aria-label": "Agenda" },
      (v.phases || []).map((p) =>
        h(
          "li",
          {
            class: `pmb-phase${p.current ? " pmb-current" : ""}${p.done ? " pmb-done" : ""}`,
            "aria-current": p.current ? "step" : null,
          },
          p.done ? h("span", { "aria-hidden": "true" }, "✓ ") : null,
          p.current ? h("span", { "aria-hidden": "true" }, "▶ ") : null,
          `${p.title} · ${p.minutes} min`,
          p.done ? h("span", { class: "pmb-sr" }, " (done)") : null,
        ),
      ),
    );
    const timer = h("span", { class: "pmb-timer", role: "timer", "aria-label": "Phase time" });
    const controls = h(
      "div",
      { class: "pmb-controls", role: "group", "aria-label": "Session controls" },
      h("label", { for: "pmb-you", class: "pmb-you" }, "You are"),
      h("select", { id: "pmb-you", "data-key": "you", onchange: (e) => send({ cmd: "viewer", name: e.target.value }) },
        v.members.map((m) => h("option", { value: m, selected: m === v.viewer }, m === v.facilitator ? `${m} (facilitator)` : m))),
      h("button", { type: "button", "data-key": "prev", onclick: () => send({ cmd: "previous_phase" }) }, "Previous phase"),
      h("button", { type: "button", "data-key": "next", class: "pmb-primary", onclick: () => send({ cmd: "next_phase" }) }, "Next phase"),
      h("button", { type: "button", "data-key": "undo", disabled: !v.can_undo, onclick: () => send({ cmd: "undo" }) }, "Undo"),
    );
    return h(
      "header",
      { class: "pmb-bar" },
      h("div", { class: "pmb-title" }, h("h2", {}, v.title || "Session"), h("span", { class: "pmb-phase-name" }, v.phase_title), timer),
      phases,
      controls,
    );
  }

  function updateTimer() {
    const v = view();
    const node = body.querySelector(".pmb-timer");
    const elapsed = (Date.now() - ui.received) / 1000;
    if (node) {
      if (!v.timer) node.textContent = "";
      else {
        const left = v.timer.remaining - elapsed;
        node.textContent = left >= 0 ? `${clock(left)} left` : `⏰ ${clock(left)} over`;
        node.classList.toggle("pmb-overrun", left < 0);
        announceCountdown(v, left);
      }
    }
    for (const t of body.querySelectorAll("[data-theme-timer]")) {
      const seconds = Number(t.dataset.seconds) + elapsed;
      const box = Number(t.dataset.box);
      const over = seconds > box;
      t.textContent = over
        ? `⏰ ${clock(seconds)} spent, over the ${clock(box)} time box`
        : `${clock(seconds)} of ${clock(box)}`;
      t.classList.toggle("pmb-overrun", over);
    }
  }

  function announceCountdown(v, left) {
    for (const mark of ANNOUNCE_AT) {
      const key = `${v.phase}:${mark}`;
      if (left <= mark && left > mark - 5 && !ui.announced.has(key)) {
        ui.announced.add(key);
        say(mark === 0 ? `Time is up for ${v.phase_title}.` : `${plural(mark / 60, "minute")} left in ${v.phase_title}.`);
      }
    }
  }

  // ------------------------------------------------------------------ cards

  function cardMeta(card, v) {
    const parts = [];
    if (card.author) parts.push(card.author === v.viewer ? `${card.author} (you)` : card.author);
    else if (card.anonymous) parts.push("anonymous");
    if (card.votes) parts.push(`▲ ${plural(card.votes, "vote")}`);
    if (card.theme_id && v.mode === "columns") parts.push(`⬡ ${themeLabel(card.theme_id)}`);
    if (ui.highlight && card.author === ui.highlight) parts.push("★ highlighted");
    return h("p", { class: "pmb-meta" }, parts.join(" · "));
  }

  function nudgeList(nudges, id) {
    if (!nudges || !nudges.length) return null;
    return h(
      "ul",
      { class: "pmb-nudge", id, "aria-label": "Blameless wording nudge" },
      nudges.map((n) => h("li", {}, h("span", { "aria-hidden": "true" }, "⚠ "), `Reframe: ${n}`)),
    );
  }

  function cardNudges(c) {
    if (!c.nudges || !c.nudges.length) return null;
    return h(
      "details",
      { class: "pmb-nudge" },
      h("summary", {}, h("span", { "aria-hidden": "true" }, "⚠ "), `Blameless wording: ${plural(c.nudges.length, "nudge")}`),
      nudgeList(c.nudges, `nudge-${c.id}`),
    );
  }

  function card(c, v, options = {}) {
    const canChange = c.mine || v.is_facilitator;
    const hl = ui.highlight && c.author === ui.highlight;
    const li = h("li", {
      class: `pmb-card${hl ? " pmb-hl" : ""}${ui.selected === c.id ? " pmb-selected" : ""}`,
      "data-card": c.id,
      "aria-label": null,
    });
    if (ui.editing === c.id) {
      const area = h("textarea", { "data-key": `edit-${c.id}`, "aria-label": "Edit note", rows: 3 });
      area.value = c.text;
      put(
        li,
        area,
        h("button", { type: "button", "data-key": `save-${c.id}`, onclick: () => { ui.editing = null; forget(`edit-${c.id}`); send({ cmd: "edit_item", item_id: c.id, text: area.value }); } }, "Save note"),
        h("button", { type: "button", onclick: () => { ui.editing = null; draw(); } }, "Cancel"),
      );
      return li;
    }
    put(li, h("p", { class: "pmb-text" }, c.text), cardMeta(c, v), cardNudges(c));
    const tools = h("div", { class: "pmb-tools" });
    if (options.select) {
      const chosen = ui.selected === c.id;
      put(
        tools,
        h(
          "button",
          {
            type: "button",
            "data-key": `select-${c.id}`,
            "aria-pressed": chosen ? "true" : "false",
            "aria-label": `Select note: ${c.text.slice(0, 60)}`,
            onclick: () => {
              ui.selected = chosen ? null : c.id;
              draw();
              if (ui.selected) say("Note selected. Choose a theme in the Move selected note toolbar.");
            },
          },
          "Select",
        ),
      );
      draggable(li, "card", c.id);
      dropTarget(li, (d) => d.kind === "card" && d.id !== c.id, (d) => send({ cmd: "group", item_id: d.id, target: c.id }));
    }
    if (options.vote) put(tools, voteButtons(c.id, c.text, c.votes, c.my_votes, v));
    if (options.edit && canChange) {
      put(
        tools,
        h("button", { type: "button", "data-key": `edit-btn-${c.id}`, "aria-label": `Edit note: ${c.text.slice(0, 60)}`, onclick: () => { ui.editing = c.id; ui.pendingFocus = `edit-${c.id}`; draw(); } }, "Edit"),
        h("button", { type: "button", "aria-label": `Remove note: ${c.text.slice(0, 60)}`, onclick: () => send({ cmd: "remove_item", item_id: c.id }) }, "Remove"),
      );
    }
    if (tools.childNodes.length) li.append(tools);
    return li;
  }

  function voteButtons(target, name, votes, mine, v) {
    return [
      h("span", { class: "pmb-votes" }, `▲ ${plural(votes, "vote")}`, mine ? ` (yours: ${mine})` : ""),
      h("button", { type: "button", "data-key": `vote-${target}`, disabled: !v.voting || v.votes_left[v.viewer] <= 0, "aria-label": `Vote for ${name}`, onclick: () => send({ cmd: "vote", target }) }, h("span", { "aria-hidden": "true" }, "+ "), "Vote"),
      h("button", { type: "button", "data-key": `unvote-${target}`, disabled: !v.voting || !mine, "aria-label": `Withdraw a vote from ${name}`, onclick: () => send({ cmd: "unvote", target }) }, h("span", { "aria-hidden": "true" }, "− "), "Withdraw"),
    ];
  }

  // ------------------------------------------------------------------ columns

  function noteForm(column, v) {
    const key = column.key;
    const id = `draft-${key}`;
    const area = h("textarea", {
      id,
      "data-key": id,
      rows: 2,
      placeholder: `A note for ${column.title}…`,
      "aria-describedby": ui.draftColumn === key && model.get("draft_nudges").length ? `nudge-${id}` : null,
    });
    area.value = ui.drafts[key] || "";
    let timer = null;
    area.addEventListener("input", () => {
      ui.drafts[key] = area.value;
      ui.draftColumn = key;
      clearTimeout(timer);
      timer = setTimeout(() => send({ cmd: "draft", text: area.value }), 250);
    });
    const add = () => {
      clearTimeout(timer);
      const text = ui.drafts[key] || "";
      ui.drafts[key] = "";
      forget(id);
      send({ cmd: "add_item", section: key, text });
    };
    area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        add();
      }
    });
    return h(
      "form",
      { class: "pmb-draft", onsubmit: (event) => { event.preventDefault(); add(); } },
      h("label", { for: id, class: "pmb-sr" }, `New note in ${column.title}`),
      area,
      ui.draftColumn === key ? nudgeList(model.get("draft_nudges"), `nudge-${id}`) : null,
      h("button", { type: "submit", "data-key": `add-${key}`, "aria-label": `Add note to ${column.title}` }, "Add note"),
    );
  }

  function columns(v) {
    const cards = cardById();
    const writable = v.mode === "columns";
    return h(
      "div",
      { class: "pmb-columns", style: `--pmb-cols:${v.columns.length}` },
      v.columns.map((column) => {
        const heading = `col-${column.key}`;
        return h(
          "section",
          { class: "pmb-column", "aria-labelledby": heading },
          h("h3", { id: heading }, `${column.title} `, h("span", { class: "pmb-count" }, `(${plural(column.card_ids.length, "note")})`)),
          writable && v.sections.some((s) => s.key === column.key) ? noteForm(column, v) : null,
          h("ul", { class: "pmb-cards", "aria-label": `Notes in ${column.title}` }, column.card_ids.map((id) => card(cards.get(id), v, { edit: writable }))),
          column.hidden ? h("p", { class: "pmb-hidden" }, `${column.hidden} private note(s) by others, shown when the facilitator reveals them`) : null,
        );
      }),
    );
  }

  // ------------------------------------------------------------------ themes

  function moveToolbar(v) {
    const cards = cardById();
    const chosen = cards.get(ui.selected);
    if (!chosen) return null;
    const select = h(
      "select",
      { id: "pmb-move-target", "data-key": "move-target" },
      h("option", { value: "__new__" }, "A new theme"),
      (v.groups || []).filter((g) => g.id !== chosen.theme_id).map((g) => h("option", { value: g.id }, g.label)),
      chosen.theme_id ? h("option", { value: "__none__" }, "Not grouped") : null,
    );
    const label = h("input", { id: "pmb-move-label", "data-key": "move-label", type: "text", placeholder: "Theme label" });
    const move = () => {
      const target = select.value || "__new__";
      const id = chosen.id;
      forget("move-");
      ui.selected = null;
      if (target === "__none__") send({ cmd: "move", item_id: id, theme_id: null });
      else if (target !== "__new__") send({ cmd: "move", item_id: id, theme_id: target });
      else if (chosen.theme_id) send({ cmd: "split", theme_id: chosen.theme_id, item_ids: [id], label: label.value });
      else send({ cmd: "new_theme", item_ids: [id], label: label.value || chosen.text.slice(0, 40) });
      ui.pendingFocus = `select-${id}`;
    };
    return h(
      "div",
      { class: "pmb-toolbar", role: "toolbar", "aria-label": "Move selected note" },
      h("span", {}, "Selected: ", h("q", {}, chosen.text.slice(0, 60))),
      h("label", { for: "pmb-move-target" }, "Move to theme"),
      select,
      h("label", { for: "pmb-move-label" }, "New theme label"),
      label,
      h("button", { type: "button", "data-key": "move", class: "pmb-primary", onclick: move }, "Move to theme"),
      h("button", { type: "button", onclick: () => { ui.selected = null; draw(); } }, "Cancel"),
    );
  }

  function groupHeading(g, v, options) {
    const headingId = `theme-${g.id}`;
    if (ui.renaming === g.id) {
      const input = h("input", { type: "text", "data-key": `rename-${g.id}`, "aria-label": `New label for ${g.label}` });
      input.value = g.label;
      const save = () => { ui.renaming = null; forget(`rename-${g.id}`); send({ cmd: "rename", theme_id: g.id, label: input.value }); };
      input.addEventListener("keydown", (e) => { if (e.key === "Enter") save(); if (e.key === "Escape") { ui.renaming = null; draw(); } });
      return h("div", { class: "pmb-group-head" }, input, h("button", { type: "button", onclick: save }, "Save label"));
    }
    const head = h(
      "div",
      { class: "pmb-group-head" },
      h("h3", { id: headingId }, h("span", { "aria-hidden": "true" }, "⬡ "), g.label, " ", h("span", { class: "pmb-count" }, `(${plural(g.card_ids.length, "note")}, ${plural(g.votes, "vote")})`)),
    );
    if (options.edit) {
      const others = (v.groups || []).filter((o) => o.id !== g.id);
      const merge = h("select", { "aria-label": `Theme to merge into ${g.label}`, "data-key": `merge-src-${g.id}` }, others.map((o) => h("option", { value: o.id }, o.label)));
      put(
        head,
        h("button", { type: "button", "data-key": `rename-btn-${g.id}`, "aria-label": `Rename theme ${g.label}`, onclick: () => { ui.renaming = g.id; ui.pendingFocus = `rename-${g.id}`; draw(); } }, "Rename"),
        others.length ? merge : null,
        others.length ? h("button", { type: "button", "data-key": `merge-${g.id}`, "aria-label": `Merge in the chosen theme, into ${g.label}`, onclick: () => send({ cmd: "merge", theme_id: g.id, source: merge.value }) }, "Merge in") : null,
      );
      draggable(head, "group", g.id);
    }
    return head;
  }

  function groups(v, options) {
    const cards = cardById();
    const loose = (v.cards || []).filter((c) => !c.theme_id);
    const list = h(
      "ul",
      { class: "pmb-groups", "aria-label": "Themes" },
      (v.groups || []).map((g) => {
        const li = h(
          "li",
          { class: "pmb-group", "data-theme": g.id, "aria-labelledby": `theme-${g.id}` },
          groupHeading(g, v, options),
          options.vote ? h("div", { class: "pmb-tools" }, voteButtons(g.id, g.label, g.votes, g.my_votes, v)) : null,
          h("ul", { class: "pmb-cards", "aria-label": `Notes in ${g.label}` }, g.card_ids.map((id) => card(cards.get(id), v, { ...options, vote: false }))),
        );
        if (options.edit) {
          dropTarget(li, (d) => (d.kind === "card" && cards.get(d.id).theme_id !== g.id) || (d.kind === "group" && d.id !== g.id), (d) =>
            d.kind === "card" ? send({ cmd: "move", item_id: d.id, theme_id: g.id }) : send({ cmd: "merge", theme_id: g.id, source: d.id }),
          );
        }
        return li;
      }),
    );
    const looseList = h(
      "section",
      { class: "pmb-loose", "aria-labelledby": "pmb-loose-h", "data-drop": "loose" },
      h("h3", { id: "pmb-loose-h" }, "Not grouped ", h("span", { class: "pmb-count" }, `(${plural(loose.length, "note")})`)),
      h("ul", { class: "pmb-cards", "aria-label": "Notes not grouped" }, loose.map((c) => card(c, v, options))),
    );
    if (options.edit) {
      dropTarget(looseList, (d) => d.kind === "card" && cards.get(d.id).theme_id, (d) => send({ cmd: "move", item_id: d.id, theme_id: null }));
    }
    const parts = [options.edit ? moveToolbar(v) : null];
    if (options.edit) {
      const zone = h("div", { class: "pmb-newzone", "data-drop": "new" }, h("span", { "aria-hidden": "true" }, "+ "), "Drop a note here to start a new theme");
      dropTarget(zone, (d) => d.kind === "card", (d) => {
        const c = cards.get(d.id);
        if (c.theme_id) send({ cmd: "split", theme_id: c.theme_id, item_ids: [c.id], label: c.text.slice(0, 40) });
        else send({ cmd: "new_theme", item_ids: [c.id], label: c.text.slice(0, 40) });
      });
      parts.push(zone);
    }
    if (options.vote) parts.push(votesLeft(v));
    return h("div", { class: "pmb-themes" }, h("div", { class: "pmb-side" }, ...parts, looseList), h("div", { class: "pmb-main" }, list));
  }

  function votesLeft(v) {
    return h(
      "section",
      { class: "pmb-votes-left", "aria-labelledby": "pmb-votes-h" },
      h("h3", { id: "pmb-votes-h" }, `Votes left (of ${v.votes_per_participant})`),
      h("ul", {}, v.members.map((name) => h("li", { class: name === v.viewer ? "pmb-me" : null }, `${name}${name === v.viewer ? " (you)" : ""}: `, h("strong", {}, String(v.votes_left[name])), ` ${v.votes_left[name] === 1 ? "vote" : "votes"} left`))),
    );
  }

  // ------------------------------------------------------------------ discussion

  function actionList(actions, label) {
    if (!actions.length) return h("p", { class: "pmb-meta" }, "No action yet.");
    return h(
      "ul",
      { class: "pmb-actions", "aria-label": label },
      actions.map((a) =>
        h("li", {}, h("strong", {}, a.title), a.owner ? ` — ${a.owner}` : "", a.due ? `, due ${a.due}` : "",
          a.missing.length ? h("span", { class: "pmb-missing" }, ` ⚠ missing ${a.missing.join(" and ")}`) : null),
      ),
    );
  }

  function actionForm(theme, v) {
    const title = h("input", { id: `act-title-${theme.id}`, "data-key": `act-title-${theme.id}`, type: "text", required: true });
    const owner = h("select", { id: `act-owner-${theme.id}`, "data-key": `act-owner-${theme.id}` }, h("option", { value: "" }, "—"), v.members.map((m) => h("option", { value: m }, m)));
    const due = h("input", { id: `act-due-${theme.id}`, "data-key": `act-due-${theme.id}`, type: "date" });
    return h(
      "form",
      { class: "pmb-action-form", "aria-label": `Add action for ${theme.label}`, onsubmit: (e) => { e.preventDefault(); forget(`act-`); send({ cmd: "add_action", title: title.value, owner: owner.value, due: due.value, theme_id: theme.id }); } },
      h("label", { for: title.id }, "Action"), title,
      h("label", { for: owner.id }, "Owner"), owner,
      h("label", { for: due.id }, "Due"), due,
      h("button", { type: "submit", class: "pmb-primary", "data-key": `act-add-${theme.id}` }, "Add action for this theme"),
    );
  }

  function discussion(v) {
    const rows = v.discussion || [];
    if (!rows.length) return h("p", {}, "No themes to discuss: group notes into themes first.");
    const current = rows.find((r) => r.id === ui.focus) || rows.find((r) => r.status === "current") || rows[0];
    const cards = cardById();
    const status = { discussed: "✓ discussed", current: "▶ now", waiting: "waiting" };
    const list = h(
      "ol",
      { class: "pmb-agenda-themes", "aria-label": "Themes in vote order" },
      rows.map((r) =>
        h("li", {}, h("button", { type: "button", "data-key": `focus-${r.id}`, "aria-pressed": r.id === current.id ? "true" : "false", onclick: () => { ui.focus = r.id; draw(); } },
          `${r.label} — ${plural(r.votes, "vote")} · ${status[r.status]}`)),
      ),
    );
    const seconds = r => r.seconds === null ? 0 : r.seconds;
    const detail = h(
      "section",
      { class: "pmb-discuss", "aria-labelledby": "pmb-discuss-h" },
      h("h3", { id: "pmb-discuss-h" }, `Discussing: ${current.label}`),
      h("p", {}, h("span", { class: "pmb-meta" }, `${plural(current.votes, "vote")} · `),
        current.status === "waiting" ? "Not started" : h("span", { "data-theme-timer": "", "data-seconds": current.status === "current" ? seconds(current) : 0, "data-box": current.box_seconds, role: "timer", "aria-label": "Time on this theme" })),
      h("ul", { class: "pmb-cards", "aria-label": `Notes in ${current.label}` }, current.card_ids.map((id) => card(cards.get(id), v, {}))),
      h("h4", {}, "Actions for this theme"),
      actionList((v.actions || []).filter((a) => a.theme_id === current.id), `Actions for ${current.label}`),
      actionForm(current, v),
    );
    if (current.status !== "current") {
      // a finished theme's time is fixed: show it without ticking
      const p = detail.querySelector("[data-theme-timer]");
      if (p) { p.removeAttribute("data-theme-timer"); p.textContent = `${clock(seconds(current))} spent`; }
    }
    return h("div", { class: "pmb-themes" }, h("div", { class: "pmb-side" }, list), h("div", { class: "pmb-main" }, detail));
  }

  function wrapUp(v) {
    const rows = v.discussion || [];
    const discussed = rows.filter((r) => r.status === "discussed");
    const open = rows.filter((r) => r.status !== "discussed");
    const actions = v.actions || [];
    const planned = actions.filter((a) => !a.missing.length).length;
    return h(
      "div",
      { class: "pmb-wrap" },
      h("section", { "aria-labelledby": "pmb-w1" }, h("h3", { id: "pmb-w1" }, `Discussed (${discussed.length} of ${rows.length} top themes)`),
        h("ol", {}, discussed.map((r) => h("li", {}, h("strong", {}, r.label), ` — ${plural(r.votes, "vote")}`, r.seconds !== null ? `, ${clock(r.seconds)} spent` : "",
          actionList(actions.filter((a) => a.theme_id === r.id), `Decided for ${r.label}`)))),
        open.length ? h("p", {}, "Not discussed: ", open.map((r) => r.label).join("; ")) : null),
      h("section", { "aria-labelledby": "pmb-w2" }, h("h3", { id: "pmb-w2" }, `Actions (${planned} of ${actions.length} planned)`), actionList(actions, "All actions")),
    );
  }

  function facts(v, open) {
    const f = v.facts || {};
    return h(
      "details",
      { class: "pmb-facts", open: open, "data-key": "facts" },
      h("summary", {}, "Facts of the incident"),
      f.summary ? h("p", {}, f.summary) : null,
      f.impact ? h("p", {}, h("strong", {}, "Impact: "), f.impact) : null,
      f.timeline && f.timeline.length
        ? h("ol", { class: "pmb-timeline", "aria-label": "Timeline" }, f.timeline.map((t) => h("li", {}, h("time", { datetime: t.at }, t.at.replace("T", " ")), " ", t.text)))
        : null,
    );
  }

  function intro(v) {
    return h(
      "div",
      { class: "pmb-intro" },
      h("blockquote", { class: "pmb-prime" }, h("strong", {}, "The Prime Directive. "), v.prime_directive || ""),
      facts(v, v.phase === "review_facts"),
      h("p", {}, v.ended ? "" : "The board opens at individual reflection. Use Next phase to move through the agenda."),
    );
  }

  // ------------------------------------------------------------------ drawing

  function announceChanges(v, old) {
    if (!old) return;
    if (old.phase !== v.phase) {
      say(v.phase ? `Phase: ${v.phase_title}, ${v.timer ? v.timer.minutes : 0} minutes.` : `Session ${v.phase_title.toLowerCase()}.`);
      return;
    }
    const before = new Set((old.cards || []).map((c) => c.id));
    const added = (v.cards || []).filter((c) => !before.has(c.id));
    if (added.length === 1) say(`New note: ${added[0].text}`);
    else if (added.length > 1) say(`${added.length} new notes on the board.`);
    else if ((old.groups || []).length !== (v.groups || []).length) say(`${plural((v.groups || []).length, "theme")} on the board.`);
  }

  function draw() {
    const v = view();
    const active = document.activeElement;
    const key = active && body.contains(active) ? active.getAttribute("data-key") : null;
    const caret = active && "selectionStart" in active ? [active.selectionStart, active.selectionEnd] : null;
    const message = model.get("message") || "";
    const content = {
      intro,
      columns,
      themes: (x) => groups(x, { edit: true, select: true }),
      vote: (x) => groups(x, { vote: true }),
      discuss: discussion,
      wrap_up: wrapUp,
    }[v.mode || "intro"](v);
    const highlight = h("select", { id: "pmb-hl", "data-key": "highlight", onchange: (e) => { ui.highlight = e.target.value; draw(); } },
      h("option", { value: "" }, "nobody"), (v.anonymous ? [] : v.members).map((m) => h("option", { value: m, selected: m === ui.highlight }, m)));
    const compact = model.get("compact");
    root.classList.toggle("pmb-compact", Boolean(compact));
    if (compact && v.mode === "intro") {
      body.replaceChildren();
      return;
    }
    body.replaceChildren();
    put(
      body,
      compact ? null : header(v),
      h("p", { class: `pmb-msg${message.startsWith("⛔") ? " pmb-error" : ""}`, role: message.startsWith("⛔") ? "alert" : "status" }, message),
      v.mode === "columns" && !v.anonymous ? h("div", { class: "pmb-hl-pick" }, h("label", { for: "pmb-hl" }, "Highlight notes by "), highlight) : null,
      v.mode !== "intro" && !compact ? facts(v, ui.factsOpen) : null,
      h("div", { class: `pmb-content pmb-mode-${v.mode}`, role: "region", "aria-label": `Board: ${v.phase_title}`, tabindex: "-1" }, content),
    );
    for (const field of body.querySelectorAll("input[data-key], select[data-key], textarea[data-key]")) {
      const remembered = ui.fields[field.getAttribute("data-key")];
      if (remembered !== undefined && field.type !== "checkbox") field.value = remembered;
    }
    updateTimer();
    const pending = ui.pendingFocus && body.querySelector(`[data-key="${CSS.escape(ui.pendingFocus)}"]`);
    if (pending) {
      ui.pendingFocus = null;
      pending.focus();
    } else if (key) {
      const node = body.querySelector(`[data-key="${CSS.escape(key)}"]`);
      if (node) {
        node.focus();
        if (caret && "setSelectionRange" in node) { try { node.setSelectionRange(...caret); } catch (e) { /* not a text field */ } }
      }
    }
  }

  const onView = () => {
    const v = view();
    ui.received = Date.now();
    if (ui.selected && !(v.cards || []).some((c) => c.id === ui.selected)) ui.selected = null;
    announceChanges(v, ui.previous);
    ui.previous = v;
    draw();
  };
  model.on("change:view", onView);
  model.on("change:message", draw);
  model.on("change:draft_nudges", draw);
  ui.previous = view();
  draw();
  const ticking = setInterval(updateTimer, 1000);
  return () => {
    clearInterval(ticking);
    model.off("change:view", onView);
    model.off("change:message", draw);
    model.off("change:draft_nudges", draw);
  };
}

export default { render };
