"""A declared transition table: which command may move a lifecycle from which state to which.

Each lifecycle (a return case, a claim, a refund…) declares one table, so an illegal move fails in
one place with a typed error whose message names the action and the state. Commands that change
data without changing the status (recording a receipt while partially received) are declared as
self-transitions, so the table is also the list of what may happen in each state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from retour.core.exceptions import InvalidTransition


@dataclass(frozen=True)
class TransitionTable:
    """`moves[command][from_state]` is the set of states the command may lead to.

    `error` is the InvalidTransition subclass raised (its `code` is the stable one clients see);
    `message` a lazily translated template with %(action)s and %(state)s placeholders;
    `action_labels` the translated name of each command, as a button would say it (a whole
    label, never a fragment spliced into a sentence, so that every language can translate it); `state_labels` of each state.
    """

    name: str
    moves: Mapping[str, Mapping[str, frozenset[str]]]
    error: type[InvalidTransition]
    message: str | Promise
    action_labels: Mapping[str, str | Promise]
    state_labels: Mapping[str, str | Promise] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = set(self.moves) - set(self.action_labels)
        if missing:
            raise ValueError(f"{self.name}: commands without a label: {sorted(missing)}")

    @classmethod
    def build(
        cls,
        *,
        name: str,
        moves: Mapping[str, Mapping[Iterable[str] | str, Iterable[str] | str]],
        **kwargs: Any,
    ) -> TransitionTable:
        """Declare moves as {command: {from or (from, …): to or (to, …)}}."""
        normalised: dict[str, dict[str, frozenset[str]]] = {}
        for command, sources in moves.items():
            table: dict[str, frozenset[str]] = {}
            for source, targets in sources.items():
                source_states = (source,) if isinstance(source, str) else tuple(source)
                target_states = frozenset((targets,) if isinstance(targets, str) else targets)
                for state in source_states:
                    table[str(state)] = table.get(str(state), frozenset()) | target_states
            normalised[command] = table
        return cls(name=name, moves=normalised, **kwargs)

    def targets(self, command: str, state: str) -> frozenset[str]:
        return self.moves.get(command, {}).get(state, frozenset())

    def allows(self, command: str, state: str, target: str | None = None) -> bool:
        targets = self.targets(command, state)
        return bool(targets) and (target is None or target in targets)

    def check(self, command: str, state: str, target: str | None = None) -> None:
        """Raise the table's InvalidTransition unless `command` may move `state` (to `target`)."""
        if self.allows(command, state, target):
            return
        self.refuse(command, state, target)

    def refuse(self, command: str, state: str, target: str | None = None) -> None:
        """Raise the table's InvalidTransition for `command` in `state` (for guards that the
        table cannot express, such as a move that belongs to another flow)."""
        action = self.action_labels.get(command, command)
        state_label = self.state_labels.get(state, state)
        raise self.error(
            str(self.message) % {"action": str(action), "state": str(state_label)},
            extra={"command": command, "state": state, "target": target},
        )

    def commands_from(self, state: str) -> list[str]:
        """The commands that may run in `state`, in declaration order (for menus and docs)."""
        return [command for command, sources in self.moves.items() if state in sources]

    def rows(self) -> list[tuple[str, str, frozenset[str]]]:
        """(from, command, targets) rows, for documentation and tests."""
        return [
            (state, command, targets)
            for command, sources in self.moves.items()
            for state, targets in sources.items()
        ]
