"""How :mod:`pmanalytics.demo` builds one post-mortem: the model data and its ground truth.

Nothing here is public. All randomness comes from the ``random.Random`` passed in;
the incident-wide draws (times, services, planted problems) are made first by
:func:`skeleton` and :func:`plant_problems`, then each incident is built from its
own generator, so one incident's text never shifts another's.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from .._model import TEMPLATE_SECTIONS
from . import _vocabulary as txt

WINDOW_DAYS = 730
_QUIET_DAYS = 2  # no incident starts in the very last days of the window
_SEVERITY_WEIGHTS = (3, 12, 35, 50)  # SEV1 .. SEV4
# How often a background note falls in each of the template's sections.
_SECTION_SHARE = {
    "went_well": 0.33,
    "lessons_learned": 0.30,
    "future_considerations": 0.28,
    "ongoing_problem": 0.09,
}
_SECTION_WEIGHTS = tuple(_SECTION_SHARE[section] for section in TEMPLATE_SECTIONS)


# --------------------------------------------------------------------------- skeleton


@dataclass
class Spec:
    """What is decided about an incident before it is written up."""

    index: int
    started_at: datetime
    service: str
    severity: int
    problems: list[txt.Problem]
    fixes: set[str] = field(default_factory=set)
    """Ids of the planted problems whose fix is done in this incident."""


def skeleton(rng: random.Random, n: int, start: date) -> list[Spec]:
    """When, where and how bad, for all incidents; numbered in order of start."""
    services = list(txt.SERVICE_WEIGHTS)
    weights = list(txt.SERVICE_WEIGHTS.values())
    origin = datetime.combine(start, time(0, 0), UTC)
    drawn = []
    for _ in range(n):
        day = rng.randrange(WINDOW_DAYS - _QUIET_DAYS)
        if (origin.weekday() + day) % 7 >= 5 and rng.random() < 0.5:
            day = rng.randrange(WINDOW_DAYS - _QUIET_DAYS)  # fewer weekend incidents
        hour = rng.randrange(8, 19) if rng.random() < 0.7 else rng.randrange(24)
        moment = origin + timedelta(days=day, hours=hour, minutes=rng.randrange(60))
        service = rng.choices(services, weights)[0]
        severity = rng.choices((1, 2, 3, 4), _SEVERITY_WEIGHTS)[0]
        drawn.append((moment, service, severity))
    drawn.sort(key=lambda row: row[0])
    return [Spec(i + 1, *row, problems=[]) for i, row in enumerate(drawn)]


#: Where in the window a problem's fix is done: an effective fix after its last incident
#: before this point, an ineffective one in the incident nearest the other point.
EFFECTIVE_FIX_AT = 0.5
INEFFECTIVE_FIX_AT = 0.35


def plant_problems(rng: random.Random, specs: list[Spec]) -> None:
    """Give each problem its share of incidents (at least two), favouring its services, and
    plant its fix: a problem whose fix works is only seen before the fix, in the first half of
    the window; one whose fix does not work is seen throughout, its fix a third of the way in."""
    n = len(specs)
    if not n:
        return
    first, last = specs[0].started_at, specs[-1].started_at
    for problem in txt.PROBLEMS:
        k = min(n, max(2, round(problem.rate * n)))
        fix_day = first + (last - first) * EFFECTIVE_FIX_AT
        # Weighted sampling without replacement: the k largest u ** (1 / w). Every incident
        # draws its key (so the draws do not depend on the fix); a problem whose fix works
        # only takes incidents before the fix.
        keys = [
            (rng.random() ** (1.0 / problem.affinity.get(spec.service, 1.0)), spec.index)
            for spec in specs
        ]
        before = [key for key in keys if specs[key[1] - 1].started_at <= fix_day]
        if problem.fix_works and len(before) >= k:
            keys = before
        chosen = sorted(index for _, index in heapq.nlargest(k, keys))
        for index in chosen:
            specs[index - 1].problems.append(problem)
        if problem.fix_works:
            fixer = chosen[-1]
        else:
            target = first + (last - first) * INEFFECTIVE_FIX_AT
            fixer = min(chosen, key=lambda i: abs(specs[i - 1].started_at - target))
        specs[fixer - 1].fixes.add(problem.id)


# --------------------------------------------------------------------------- helpers


def minutes_text(minutes: int) -> str:
    """``95`` -> ``'1 hour 35 minutes'``."""
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours, rest = divmod(minutes, 60)
    if hours >= 48:
        return f"{hours // 24} days {hours % 24} hours"
    text = f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{text} {rest} minutes" if rest else text


def _round_sig(value: float, digits: int = 2) -> int:
    if value < 1:
        return 0
    scale = 10 ** max(0, int(math.log10(value)) - digits + 1)
    return int(round(value / scale) * scale)


def _lognormal(rng: random.Random, median: float, sigma: float, low: int, high: int) -> int:
    return int(min(high, max(low, round(rng.lognormvariate(math.log(median), sigma)))))


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if txt.capitalise(text) == text and text else text


# --------------------------------------------------------------------------- one incident


class Incident:
    """Builds the model data of one post-mortem and its ground-truth rows.

    ``build()`` returns a dict for ``PostMortem.model_validate`` and one
    ``(incident_id, item_id, section, problem_id, problem_label)`` row per planted item.
    """

    def __init__(self, rng: random.Random, spec: Spec, end: date, width: int) -> None:
        self.r = rng
        self.spec = spec
        self.end = end
        self.end_at = datetime.combine(end, time(23, 59), UTC)
        self.seq = f"{spec.index:0{width}d}"
        self.meta: dict[str, tuple[str, str | None]] = {}  # item id -> (category, problem id)

    def fill(self, template: str, *extra: txt.Vocab) -> str:
        return txt.fill(template, self.r, *extra, self.ctx, txt.FILL)

    def moment_between(self, low: datetime, high: datetime) -> datetime:
        span = max(0, int((high - low).total_seconds() // 60))
        return low + timedelta(minutes=self.r.randint(0, span))

    def build(self) -> tuple[dict[str, Any], list[tuple[str, ...]]]:
        r, spec = self.r, self.spec
        self._context()
        if spec.problems and r.random() < 0.5:
            scenario = spec.problems[0].scenario
        else:
            scenario = r.choice(
                [s for s in txt.SCENARIOS if not s.services or spec.service in s.services]
            )
        self._times()
        self._people()
        held_on, review_start = self._review_date()
        # A draft: the review is still to come, or (rarely) it never happened at all.
        draft = held_on > self.end or r.random() < 0.02
        self.draft_until = min(self.end_at, review_start)
        self.id = f"{self.started:%Y-%m-%d}-{spec.service}-{scenario.key}-{self.seq}"
        title = self.fill(r.choice(scenario.titles))
        summary = self._summary(scenario)
        customers, impact_text = self._impact()
        items, truth = self._items(draft, review_start)
        themes = [] if draft else self._themes(items)
        actions = self._actions(items, themes, draft, review_start)
        status = self._status(draft, held_on, actions)
        if status == "in_review":  # themes are not ranked until the review is finished
            themes = [{k: v for k, v in theme.items() if k != "rank"} for theme in themes]
        review: dict[str, Any] = {"facilitator": self.facilitator}
        if not draft:
            review.update(held_on=held_on, duration_minutes=self.review_minutes)
        tags = dict.fromkeys((*scenario.tags, *(["customer-facing"] if customers else [])))
        data: dict[str, Any] = {
            "id": self.id,
            "title": title,
            "status": status,
            "severity": {"label": f"SEV{spec.severity}", "rank": spec.severity},
            "services": self.services,
            "teams": self.teams,
            "tags": list(tags),
            "started_at": self.started,
            "detected_at": self.detected,
            "mitigated_at": self.mitigated,
            "resolved_at": self.resolved,
            "summary": summary,
            "impact": {
                "text": impact_text,
                "customers_affected": customers,
                "minutes": float(self.ttm),
            },
            "timeline": self.timeline,
            "participants": self.participants,
            "review": review,
            "items": items,
            "themes": themes,
            "actions": actions,
            "links": [
                {
                    "url": f"https://grafana.example.com/d/{spec.service}/overview",
                    "label": "Service dashboard",
                },
                {
                    "url": f"https://chat.example.com/archives/inc-{self.seq}",
                    "label": "Incident channel",
                },
            ],
        }
        return data, [(self.id, *row) for row in truth]

    # the incident ------------------------------------------------------------------

    def _context(self) -> None:
        """One value per slot for the whole incident, so that its story is coherent."""
        r, svc, sev = self.r, self.spec.service, self.spec.severity
        related = txt.RELATED[svc]
        extra = r.choices((0, 1, 2), (0.45, 0.4, 0.15))[0]
        secondary = r.sample(related, min(extra, len(related)))
        self.services = [svc, *secondary]
        teams = list(dict.fromkeys(txt.SERVICE_TEAM[s] for s in self.services))
        if "platform" not in teams and (sev <= 2 or r.random() < 0.35):
            teams.append("platform")
        self.teams = teams
        percents = ((30, 40, 60, 80, 100), (10, 15, 20, 30), (4, 5, 8, 10, 12), (1, 2, 3, 5))
        values = {
            "svc": svc,
            "other": secondary[0] if secondary else r.choice(related),
            "team": r.choice(teams),
            "sev": f"SEV{sev}",
            "version": f"v{r.randint(1, 9)}.{r.randint(0, 40)}.{r.randint(0, 9)}",
            "lo": str(r.choice((80, 120, 150, 200, 250))),
            "hi": str(r.choice((900, 1200, 2000, 3500, 5000, 8000))),
            "pct": str(r.choice(percents[sev - 1])),
            "hours": str(r.randint(2, 9)),
            "big": f"{r.choice((40, 120, 300, 900)) * 1000:,}",
            "mult": str(r.choice((3, 4, 5, 8, 10))),
        }
        for slot in ("flow", "vendor", "thing", "lang", "dash", "metric", "role", "chan"):
            values[slot] = r.choice(txt.FILL[slot])
        self.ctx: dict[str, tuple[str, ...]] = {k: (v,) for k, v in values.items()}

    def _times(self) -> None:
        """Heavy-tailed (lognormal) minutes to detect, mitigate and resolve."""
        r, sev = self.r, self.spec.severity
        speed = (0.5, 0.8, 1.0, 1.4)[sev - 1]
        self.started = self.spec.started_at
        limit = int((self.end_at - self.started).total_seconds() // 60) - 30
        ttd = _lognormal(r, 10 * speed, 1.1, 1, 720)
        ttm = ttd + _lognormal(r, 25, 1.1, 2, 2880)
        ttr = min(7 * 24 * 60, limit, ttm + _lognormal(r, 30, 2.0, 0, 6 * 24 * 60))
        self.ttm = ttm = min(ttm, ttr)
        self.ttd = ttd = min(ttd, ttm)
        self.ttr = ttr
        self.detected = self.started + timedelta(minutes=ttd)
        self.mitigated = self.started + timedelta(minutes=ttm)
        self.resolved = self.started + timedelta(minutes=ttr)

    def _people(self) -> None:
        """Responders from the involved teams; a facilitator and observers from elsewhere."""
        r = self.r
        pool = [name for team in self.teams for name in txt.PEOPLE[team]]
        count = min(len(pool), r.randint(2, 4) + (2 if self.spec.severity <= 2 else 0))
        responders = r.sample(pool, count)
        outsiders = [n for t in txt.TEAMS for n in txt.PEOPLE[t] if n not in responders]
        self.facilitator = r.choice(outsiders)
        rest = [n for n in outsiders if n != self.facilitator]
        others = r.sample(rest, r.choices((1, 2, 3, 4), (0.3, 0.35, 0.25, 0.1))[0])
        scribe = others.pop() if r.random() < 0.3 else None
        people = [{"name": self.facilitator, "role": "facilitator"}]
        people += [{"name": name, "role": "responder"} for name in responders]
        if scribe:
            people.append({"name": scribe, "role": "scribe"})
        people += [{"name": name, "role": "observer"} for name in others]
        self.participants = people
        self.responders = responders
        self.authors = [*responders, *responders, self.facilitator, *others]

    def _review_date(self) -> tuple[date, datetime]:
        r = self.r
        held = self.resolved.date() + timedelta(days=r.choice((1, 2, 2, 3, 3, 4, 5, 6, 7, 9, 12)))
        if held.weekday() >= 5:
            held += timedelta(days=7 - held.weekday())
        self.review_minutes = r.choice(range(45, 95, 5))
        hour = r.choice((9, 10, 11, 13, 14, 15, 16))
        return held, datetime.combine(held, time(hour, r.choice((0, 30))), UTC)

    def _summary(self, scenario: txt.Scenario) -> str:
        """The "what happened" paragraph, and the timeline telling the same story."""
        r = self.r
        trigger = self.fill(r.choice(scenario.triggers))
        self.symptom = symptom = self.fill(r.choice(scenario.symptoms))
        detection = self.fill(r.choice(txt.DETECTIONS))
        mitigation = _lower_first(self.fill(r.choice(scenario.mitigations)))
        resolution = _lower_first(
            self.fill(r.choice(txt.RESOLUTION_SENTENCES), {"ttr": (minutes_text(self.ttr),)})
        )
        events = [(self.started, trigger, "trigger"), (self.detected, detection, "detection")]
        escalate_at = self.detected + timedelta(minutes=r.randint(1, 12))
        if escalate_at < self.mitigated and (self.spec.severity <= 3 or r.random() < 0.4):
            events.append((escalate_at, self.fill(r.choice(txt.ESCALATIONS)), "escalation"))
        if self.spec.severity <= 2 or r.random() < 0.2:
            talk_at = self.moment_between(self.detected, self.mitigated)
            events.append((talk_at, self.fill(r.choice(txt.COMMUNICATIONS)), "communication"))
        events.append((self.mitigated, f"Responders {mitigation}", "mitigation"))
        events.append((self.resolved, self.fill(r.choice(txt.RESOLUTIONS)), "resolution"))
        events.sort(key=lambda event: event[0])
        self.timeline = [{"at": at, "text": text, "kind": kind} for at, text, kind in events]
        clock = f"{self.started:%H:%M} UTC on {self.started:%A}"
        if r.random() < 0.5:
            return (
                f"At {clock}, {_lower_first(trigger)}. {symptom}. {detection} after "
                f"{minutes_text(self.ttd)}. Responders {mitigation} {minutes_text(self.ttm)} "
                f"after the start, and {resolution}."
            )
        return (
            f"{trigger}, starting at {clock}. {detection} {minutes_text(self.ttd)} later; by "
            f"then {_lower_first(symptom)}. The team {mitigation} after "
            f"{minutes_text(self.ttm)}; {resolution}."
        )

    def _impact(self) -> tuple[int, str]:
        r, sev = self.r, self.spec.severity
        median = (25_000, 4_000, 400, 30)[sev - 1]
        internal = sev == 4 and r.random() < 0.4
        customers = 0 if internal else _round_sig(r.lognormvariate(math.log(median), 0.9))
        templates = txt.IMPACTS_INTERNAL if customers == 0 else txt.IMPACTS
        values = {
            "symptom": (self.symptom,),
            "symptom_lc": (_lower_first(self.symptom),),
            "minutes": (str(self.ttm),),
            "customers": (f"{customers:,}",),
        }
        return customers, self.fill(r.choice(templates), values)

    # items ---------------------------------------------------------------------------

    def _items(
        self, draft: bool, review_start: datetime
    ) -> tuple[list[dict[str, Any]], list[tuple[str, ...]]]:
        """10-60 items; planted problems mixed in among the background ones."""
        r = self.r
        by_section: dict[str, list[tuple[str, str, txt.Problem | None]]] = {
            section: [] for section in TEMPLATE_SECTIONS
        }
        for problem in self.spec.problems:
            for template in r.sample(problem.ongoing, 2 if r.random() < 0.3 else 1):
                by_section["ongoing_problem"].append((problem.category, template, problem))
            for section, templates in (
                ("lessons_learned", problem.lessons),
                ("future_considerations", problem.future),
            ):
                if r.random() < 0.35:
                    by_section[section].append((problem.category, r.choice(templates), problem))
        planted = sum(len(entries) for entries in by_section.values())
        wanted = min(60, max(10, round(r.lognormvariate(math.log(24), 0.45))))
        total = min(60, max(planted + 6, wanted))
        counts = Counter(TEMPLATE_SECTIONS)  # at least one background item per section
        counts.update(
            r.choices(
                TEMPLATE_SECTIONS, _SECTION_WEIGHTS, k=total - planted - len(TEMPLATE_SECTIONS)
            )
        )
        for section in TEMPLATE_SECTIONS:
            choices = txt.BACKGROUND[section]
            picked = r.sample(choices, min(counts[section], len(choices)))
            picked += r.choices(choices, k=counts[section] - len(picked))
            by_section[section].extend((category, text, None) for category, text in picked)
        items: list[dict[str, Any]] = []
        truth: list[tuple[str, ...]] = []
        seen: set[str] = set()
        for section in TEMPLATE_SECTIONS:
            entries = by_section[section]
            r.shuffle(entries)
            for category, template, source in entries:
                vocab = source.slots if source else {}
                text = self.fill(template, vocab)
                for _ in range(3):  # the same words twice in one review would look odd
                    if text not in seen:
                        break
                    text = self.fill(template, vocab)
                seen.add(text)
                item_id = f"i-{len(items) + 1:02d}"
                items.append(self._item(item_id, section, text, source, draft, review_start))
                self.meta[item_id] = (category, source.id if source else None)
                if source is not None:
                    truth.append((item_id, section, source.id, source.label))
        return items, truth

    def _item(
        self,
        item_id: str,
        section: str,
        text: str,
        problem: txt.Problem | None,
        draft: bool,
        review_start: datetime,
    ) -> dict[str, Any]:
        r = self.r
        item: dict[str, Any] = {"id": item_id, "section": section, "text": text}
        if r.random() >= 0.15:
            item["author"] = r.choice(self.authors)
        if draft:  # written down, not yet discussed or voted on
            item["created_at"] = self.moment_between(self.resolved, self.draft_until)
            return item
        mean = 3.0 if problem and section == "ongoing_problem" else 1.2
        item["votes"] = min(9, int(r.expovariate(1 / mean)))
        if r.random() < 0.25:  # added before the session
            item["created_at"] = self.moment_between(self.resolved, review_start)
        else:
            item["created_at"] = review_start + timedelta(
                minutes=r.randint(3, 35), seconds=r.randint(0, 59)
            )
        return item

    def _themes(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Group items of the most common categories; rank themes by their votes."""
        r = self.r
        counts = Counter(self.meta[item["id"]][0] for item in items)
        chosen = [category for category, _ in counts.most_common(r.randint(2, 5))]
        themes = []
        for category in chosen:
            theme_id = f"t-{category}"
            members = [item for item in items if self.meta[item["id"]][0] == category]
            for number, item in enumerate(members):
                if number == 0 or r.random() < 0.85:
                    item["theme_id"] = theme_id
            votes = sum(i.get("votes", 0) for i in members if i.get("theme_id") == theme_id)
            themes.append((-votes, theme_id, r.choice(txt.THEME_LABELS[category])))
        themes.sort(key=lambda theme: theme[0])
        return [
            {"id": theme_id, "label": label, "rank": rank}
            for rank, (_, theme_id, label) in enumerate(themes, start=1)
        ]

    # actions -------------------------------------------------------------------------

    def _actions(
        self,
        items: list[dict[str, Any]],
        themes: list[dict[str, Any]],
        draft: bool,
        review_start: datetime,
    ) -> list[dict[str, Any]]:
        """2-10 actions; most planted problems get one that addresses their item."""
        r = self.r
        count = r.choices(range(2, 11), (10, 16, 18, 16, 12, 9, 7, 5, 3))[0]
        theme_ids = {theme["id"] for theme in themes}
        chosen: list[tuple[str, str, str | None]] = []  # (kind, title, addresses)
        planted: dict[int, bool] = {}  # position in chosen -> is the problem's fix
        for problem in self.spec.problems:
            mine = [i["id"] for i in items if self.meta[i["id"]][1] == problem.id]
            if problem.id in self.spec.fixes and mine:
                # The fix: an effective one prevents, an ineffective one mitigates or detects.
                kinds = [a for a in problem.actions if (a[0] == "prevent") == problem.fix_works]
                kind, template = r.choice(kinds or list(problem.actions))
                planted[len(chosen)] = True
                chosen.append((kind, self.fill(template, problem.slots), r.choice(mine)))
            elif len(chosen) < count and r.random() < 0.75:
                kind, template = r.choice(problem.actions)
                target = r.choice(mine) if mine and r.random() < 0.8 else None
                planted[len(chosen)] = False
                chosen.append((kind, self.fill(template, problem.slots), target))
        # Other actions address background notes only, so a planted problem's actions are
        # exactly the ones above (and its fix the only one done).
        background = [i for i in items if self.meta[i["id"]][1] is None]
        ahead = [
            i for i in background if i["section"] in ("future_considerations", "ongoing_problem")
        ]
        planted_themes = {f"t-{problem.category}" for problem in self.spec.problems}
        titles = {title for _, title, _ in chosen}
        for _ in range(40):
            if len(chosen) >= count:
                break
            source = r.choice(ahead or background or items)
            category = self.meta[source["id"]][0]
            kind, template = r.choice(txt.ACTIONS[category])
            title = self.fill(template)
            if title in titles:
                continue
            titles.add(title)
            roll, theme = r.random(), f"t-{category}"
            if roll < 0.4:
                chosen.append((kind, title, source["id"]))
            else:
                usable = theme in theme_ids and theme not in planted_themes
                chosen.append((kind, title, theme if roll < 0.6 and usable else None))
        if draft:
            created = self.moment_between(self.resolved, self.draft_until)
        else:
            created = review_start + timedelta(minutes=self.review_minutes)
        return [
            self._action(number, kind, title, target, created, draft, planted.get(number - 1))
            for number, (kind, title, target) in enumerate(chosen, start=1)
        ]

    def _action(
        self,
        number: int,
        kind: str,
        title: str,
        target: str | None,
        created: datetime,
        draft: bool,
        fix: bool | None = None,
    ) -> dict[str, Any]:
        """Owner, due date, priority, and a status as of the end of the window.

        ``fix``: ``True`` for a planted problem's fix (done within weeks), ``False`` for its
        other actions (never done), ``None`` for the rest.
        """
        r = self.r
        owner = r.choice([*self.responders, self.facilitator])
        priority = r.choices(("high", "medium", "low"), (0.3, 0.5, 0.2))[0]
        due = created.date() + timedelta(days=r.choice((7, 14, 14, 21, 30, 30, 45, 60, 90)))
        action: dict[str, Any] = {
            "id": f"a-{number}",
            "title": title,
            "owner": owner,
            "due": due,
            "kind": kind,
            "priority": priority,
            "created_at": created,
        }
        if target is not None:
            action["addresses"] = target
        if r.random() < 0.6:
            team = next(t for t in txt.TEAMS if owner in txt.PEOPLE[t])
            number_in_tracker = r.randint(100, 9999)
            action["link"] = (
                f"https://tracker.example.com/browse/{txt.TRACKER_KEYS[team]}-{number_in_tracker}"
            )
        if fix is True and not draft:
            done_at = created + timedelta(days=r.randint(3, 21), hours=r.randint(0, 8))
            if done_at <= self.end_at:
                action["status"] = "done"
                action["completed_at"] = done_at
                return action
        if draft:
            action["status"] = "in_progress" if r.random() < 0.2 else "open"
            return action
        if fix is False:
            action["status"] = r.choice(("open", "in_progress", "wont_do"))
            return action
        roll = r.random()
        neglect = {"high": 0.12, "medium": 0.2, "low": 0.35}[priority]
        if roll < 0.08:
            action["status"] = "wont_do"
        elif roll < 0.08 + neglect:  # never gets done: overdue once the due date passes
            action["status"] = "in_progress" if r.random() < 0.4 else "open"
        else:
            days = r.lognormvariate(math.log(20), 0.9)
            done_at = created + timedelta(minutes=round(days * 24 * 60))
            if done_at <= self.end_at:
                action["status"] = "done"
                action["completed_at"] = done_at
            else:
                action["status"] = "in_progress" if r.random() < 0.6 else "open"
        return action

    def _status(self, draft: bool, held_on: date, actions: list[dict[str, Any]]) -> str:
        """Draft until reviewed; recent ones in review; old ones reviewed or closed."""
        r = self.r
        if draft:
            return "draft"
        if (self.end - held_on).days < 14:
            return "in_review" if r.random() < 0.8 else "reviewed"
        if r.random() < 0.03:
            return "in_review"
        settled = all(action["status"] in ("done", "wont_do") for action in actions)
        return "closed" if r.random() < (0.85 if settled else 0.2) else "reviewed"
