"""Random sequences of session commands never break the invariants."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import pmanalytics as pm
from pmanalytics.session import (
    NotAllowedError,
    RuleError,
    Session,
    SessionSettings,
    VoteBudgetError,
    VotingClosedError,
)
from tests.conftest import examples

PEOPLE = ("Cy", "Ana", "Bo")
SECTIONS = ("went_well", "lessons_learned", "future_considerations", "ongoing_problem")
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)


class SessionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="pm-stateful-"))
        self.session = Session.create(
            pm.PostMortem(id="pm-stateful", title="Stateful"),
            self.folder,
            participants=["Ana", "Bo"],
            facilitator="Cy",
            settings=SessionSettings(votes_per_participant=2),
        )

    def teardown(self) -> None:
        self.session.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def pick(self, data: st.DataObject, collection: dict[str, object]) -> str:
        return data.draw(st.sampled_from(sorted(collection) or ["i-missing"]))

    @rule(by=st.sampled_from(PEOPLE), section=st.sampled_from(SECTIONS), text=texts)
    def add_item(self, by: str, section: str, text: str) -> None:
        try:
            self.session.add_item(section, text, by=by)
        except RuleError:
            assert not text.strip()

    @rule(by=st.sampled_from(PEOPLE), data=st.data(), text=texts)
    def edit_item(self, by: str, data: st.DataObject, text: str) -> None:
        item_id = self.pick(data, self.session.state.items)
        item = self.session.state.items.get(item_id)
        try:
            self.session.edit_item(item_id, text, by=by)
        except NotAllowedError:
            assert item is not None and by not in ("Cy", item.author)
        except RuleError:
            assert item is None or not text.strip()

    @rule(by=st.sampled_from(PEOPLE), data=st.data())
    def remove_item(self, by: str, data: st.DataObject) -> None:
        item_id = self.pick(data, self.session.state.items)
        item = self.session.state.items.get(item_id)
        try:
            self.session.remove_item(item_id, by=by)
        except NotAllowedError:
            assert item is not None and by not in ("Cy", item.author)
        except RuleError:
            assert item is None

    @rule(by=st.sampled_from(PEOPLE), data=st.data())
    def vote(self, by: str, data: st.DataObject) -> None:
        item_id = self.pick(data, self.session.state.items)
        left = self.session.votes_left(by)
        try:
            self.session.cast_vote(item_id, by=by)
        except VoteBudgetError:
            assert left == 0
        except VotingClosedError:
            assert self.session.state.phase != "prioritisation"
        except RuleError:
            assert item_id not in self.session.state.items

    @rule(by=st.sampled_from(PEOPLE), data=st.data())
    def withdraw(self, by: str, data: st.DataObject) -> None:
        item_id = self.pick(data, self.session.state.items)
        with contextlib.suppress(RuleError):
            self.session.withdraw_vote(item_id, by=by)

    @rule(by=st.sampled_from(PEOPLE), data=st.data(), label=texts)
    def group(self, by: str, data: st.DataObject, label: str) -> None:
        items = sorted(self.session.state.items)
        chosen = data.draw(st.lists(st.sampled_from(items), unique=True) if items else st.just([]))
        try:
            self.session.create_theme(label, chosen, by=by)
        except RuleError:
            assert not label.strip() or "\n" in label.strip()

    @rule(by=st.sampled_from(PEOPLE), data=st.data())
    def merge(self, by: str, data: st.DataObject) -> None:
        themes = sorted(self.session.state.themes)
        if len(themes) >= 2:
            chosen = data.draw(st.lists(st.sampled_from(themes), min_size=2, unique=True))
            self.session.merge_themes(chosen, by=by)

    @rule(data=st.data())
    def split(self, data: st.DataObject) -> None:
        for theme in sorted(self.session.state.themes):
            items = [i.id for i in self.session.state.theme_items(theme)]
            if items:
                chosen = data.draw(st.lists(st.sampled_from(items), min_size=1, unique=True))
                self.session.split_theme(theme, chosen, "Split", by="Cy")
                return

    @rule(by=st.sampled_from(PEOPLE))
    def next_phase(self, by: str) -> None:
        try:
            self.session.next_phase(by=by)
        except NotAllowedError:
            assert by != "Cy"
        except RuleError:
            assert self.session.state.ended_at is not None

    @rule()
    def to_prioritisation(self) -> None:
        self.session.start_phase("prioritisation", by="Cy")

    @rule(by=st.sampled_from(PEOPLE))
    def undo(self, by: str) -> None:
        before = len(self.session.state.effective)
        try:
            self.session.undo(by=by)
        except NotAllowedError:
            assert by != "Cy"
        except RuleError:
            assert before == 0
        else:
            assert len(self.session.state.effective) == before - 1

    @invariant()
    def vote_budgets_hold(self) -> None:
        state = self.session.state
        for name in PEOPLE:
            assert 0 <= state.votes_used(name) <= 2
        total = sum(sum(c.values()) for c in state.votes.values())
        assert total == sum(item.votes for item in state.items.values())

    @invariant()
    def ids_are_unique_and_themes_exist(self) -> None:
        state = self.session.state
        model = self.session.to_postmortem()  # the model checks ids and references too
        assert len({i.id for i in model.items}) == len(state.items)
        assert all(i.theme_id is None or i.theme_id in state.themes for i in state.items.values())

    @invariant()
    def replaying_the_journal_gives_the_live_state(self) -> None:
        reopened = Session.open(self.session.path)
        assert reopened.state.snapshot() == self.session.state.snapshot()
        reopened.close()


SessionMachine.TestCase.settings = settings(
    max_examples=examples(40),
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestSessionMachine = SessionMachine.TestCase
