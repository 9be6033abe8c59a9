"""The approval outbox (``uow.intents``): the same contract over the fake and the SQL table (SQLite
and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from core.model import IntentKind, IntentStatus, RemoteIntent
from tests.integration.db.conftest import UowMaker

NOW = datetime(2025, 3, 1, 15, 30, tzinfo=UTC)
START = datetime(2025, 3, 4, 10, 45)
"""Store-local wall time, as proposals and assignments keep it."""


def intent(proposal_id: int | None, kind: IntentKind = IntentKind.SCHEDULE,
           **changes: object) -> RemoteIntent:
    fields: dict[str, object] = {"id": 0, "kind": kind, "event_id": 7, "run_id": 3,
                                 "proposal_id": proposal_id, "employee_id": "E1", "start": START,
                                 "created_at": NOW, "updated_at": NOW, **changes}
    return RemoteIntent(**fields)  # type: ignore[arg-type]


def test_an_intent_reads_back_exactly_as_committed_and_keeps_its_outcome(any_uow: UowMaker) -> None:
    with any_uow() as uow:
        made = uow.intents.add(intent(11))
        uow.commit()
    assert made.id > 0
    with any_uow() as uow:
        found = uow.intents.get(made.id)
        assert found == made and found is not None and found.status is IntentStatus.PENDING
        found.status, found.external_id, found.attempts = IntentStatus.CONFIRMED, "43898785", 1
        uow.intents.update(found)
        uow.commit()
    with any_uow() as uow:
        again = uow.intents.get(made.id)
    assert again is not None and (again.status, again.external_id, again.attempts) == (
        IntentStatus.CONFIRMED, "43898785", 1)
    assert again.start == START and again.created_at == NOW


def test_intents_of_proposals_come_oldest_first_and_others_are_left_out(any_uow: UowMaker) -> None:
    with any_uow() as uow:
        a = uow.intents.add(intent(11))
        b = uow.intents.add(intent(12, IntentKind.UNSCHEDULE, external_id="1", assignment_id=5))
        uow.intents.add(intent(None, external_id="2"))
        c = uow.intents.add(intent(11, status=IntentStatus.UNKNOWN))
        uow.commit()
    with any_uow() as uow:
        assert [i.id for i in uow.intents.for_proposals([12, 11])] == [a.id, b.id, c.id]
        assert uow.intents.for_proposals([]) == []
        assert [i.id for i in uow.intents.list(status=IntentStatus.UNKNOWN)] == [c.id]


def test_an_intent_not_committed_is_not_there(any_uow: UowMaker) -> None:
    with any_uow() as uow:
        uow.intents.add(intent(11))
        uow.rollback()
    with any_uow() as uow:
        assert uow.intents.list() == []


def test_of_two_claims_of_the_same_attempt_exactly_one_wins(any_uow: UowMaker) -> None:
    with any_uow() as uow:
        made = uow.intents.add(intent(11))
        uow.commit()
    outcomes = []
    for _ in range(2):
        with any_uow() as uow:
            outcomes.append(uow.intents.claim_attempt(made.id, 0, NOW))
            uow.commit()
    with any_uow() as uow:
        found = uow.intents.get(made.id)
    assert outcomes == [True, False] and found is not None and found.attempts == 1
