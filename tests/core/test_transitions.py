"""The declared transition table: what it allows, and the typed error it raises otherwise."""

from __future__ import annotations

import pytest

from retour.core.exceptions import InvalidTransition
from retour.core.transitions import TransitionTable


class DoorInvalidTransition(InvalidTransition):
    code = "test.door.invalid_transition"


DOOR = TransitionTable.build(
    name="test.door",
    moves={
        "open": {"closed": "open"},
        "close": {("open", "ajar"): "closed"},
        "nudge": {"closed": ("ajar", "open")},
    },
    error=DoorInvalidTransition,
    message="You cannot %(action)s the door while it is %(state)s.",
    action_labels={"open": "open", "close": "close", "nudge": "nudge"},
    state_labels={"open": "Open", "closed": "Closed", "ajar": "Ajar"},
)


def test_allowed_moves():
    assert DOOR.allows("open", "closed")
    assert DOOR.allows("close", "ajar", "closed")
    assert DOOR.targets("nudge", "closed") == frozenset({"ajar", "open"})
    assert not DOOR.allows("nudge", "closed", "closed")
    assert DOOR.commands_from("closed") == ["open", "nudge"]
    assert ("open", "close", frozenset({"closed"})) in DOOR.rows()


def test_refused_move_raises_the_tables_error_naming_action_and_state():
    with pytest.raises(DoorInvalidTransition) as refused:
        DOOR.check("open", "open")

    assert refused.value.code == "test.door.invalid_transition"
    assert str(refused.value) == "You cannot open the door while it is Open."
    assert refused.value.extra == {"command": "open", "state": "open", "target": None}


def test_every_command_needs_a_label():
    with pytest.raises(ValueError):
        TransitionTable.build(
            name="x",
            moves={"go": {"a": "b"}},
            error=InvalidTransition,
            message="",
            action_labels={},
        )
