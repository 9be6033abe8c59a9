"""The central error handler: friendly domain errors, referenced bugs, modal field errors."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable

import httpx
import pytest

from bot.slack.errors import ack_payload, friendly_message, new_reference
from core.errors import Conflict, InvalidInput
from devtools.fake_slack import FakeSlack
from tests.fakes.slack_requests import SignedRequest, SlackRequests

Post = Callable[[SignedRequest], httpx.Response]
REF = re.compile(r"ref ([A-Z0-9]{6})")


def test_domain_error_becomes_a_friendly_ephemeral_reply(
    post: Post, slack: SlackRequests, fake_slack: FakeSlack
) -> None:
    assert post(slack.slash_command("fail-domain")).status_code == 200

    reply = fake_slack.wait_for("response_url")[0].params
    assert reply == {
        "text": "No event 123456 in the next 14 days.",
        "response_type": "ephemeral",
        "replace_original": False,
    }


def test_unexpected_error_shows_a_reference_that_is_in_the_log_with_its_traceback(
    post: Post, slack: SlackRequests, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    assert post(slack.slash_command("fail-bug")).status_code == 200

    reply = fake_slack.wait_for("response_url")[0].params
    match = REF.search(str(reply["text"]))
    assert match is not None and str(reply["text"]).startswith("Something went wrong (ref ")
    assert "kaboom" not in str(reply["text"])
    logged = [r for r in caplog.records if r.levelno == logging.ERROR and match.group(1) in r.getMessage()]
    assert len(logged) == 1
    assert logged[0].exc_info is not None and "kaboom in a handler" in str(logged[0].exc_info[1])


def test_error_log_never_contains_the_request_body(
    post: Post, slack: SlackRequests, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    post(slack.slash_command("fail-bug secret-looking-argument-42"))
    fake_slack.wait_for("response_url")

    assert not any(
        "secret-looking-argument-42" in r.getMessage() or "response_url" in r.getMessage()
        for r in caplog.records
        if r.name.startswith(("bot", "slack_bolt"))
    )


def test_invalid_input_in_a_modal_answers_with_field_errors(post: Post, slack: SlackRequests) -> None:
    response = post(
        slack.view_submission(
            "probe_modal", {"dates": {"range": {"type": "plain_text_input", "value": "12/26-12/24"}}}
        )
    )

    assert response.status_code == 200
    assert json.loads(response.text) == {
        "response_action": "errors",
        "errors": {"dates": "The end is before the start."},
    }


def test_bug_in_a_modal_pushes_a_view_with_the_reference(
    post: Post, slack: SlackRequests, caplog: pytest.LogCaptureFixture
) -> None:
    response = post(slack.view_submission("probe_modal_bug", {}))

    body = json.loads(response.text)
    assert response.status_code == 200 and body["response_action"] == "push"
    match = REF.search(json.dumps(body["view"]))
    assert match is not None
    assert any(match.group(1) in r.getMessage() for r in caplog.records)


def test_unhandled_event_is_acked_so_slack_does_not_retry(post: Post, slack: SlackRequests) -> None:
    response = post(slack.event({"type": "channel_rename", "channel": {"id": "C0TEAM", "name": "x"}}))

    assert response.status_code == 200


def test_unhandled_action_gets_404_without_logging_its_payload(
    post: Post, slack: SlackRequests, caplog: pytest.LogCaptureFixture
) -> None:
    response = post(slack.block_actions("nobody_listens", value="private-value-77"))

    assert response.status_code == 404
    assert not any("private-value-77" in r.getMessage() for r in caplog.records)


def test_references_are_six_uppercase_letters_or_digits() -> None:
    refs = {new_reference() for _ in range(50)}

    assert all(re.fullmatch(r"[A-Z0-9]{6}", ref) for ref in refs)
    assert len(refs) > 45


def test_invalid_input_fields_are_listed_in_the_message() -> None:
    error = InvalidInput("Check the form.", {"start": "not a date", "end": "before start"})

    assert friendly_message(error) == "Check the form.\n• start: not a date\n• end: before start"


def test_domain_error_before_a_command_ack_becomes_the_ephemeral_ack() -> None:
    response = ack_payload(
        {"command": "/sched"}, Conflict("Already approved by @ana."), "Already approved by @ana."
    )

    assert json.loads(str(response.body)) == {
        "response_type": "ephemeral",
        "text": "Already approved by @ana.",
    }


def test_user_text_quoted_in_a_domain_error_cannot_ping_the_channel() -> None:
    error = InvalidInput("No employee named <!channel> & co.", {"who": "<!here> is not a person"})

    text = friendly_message(error)

    assert "<!channel>" not in text and "<!here>" not in text
    assert text == "No employee named &lt;!channel&gt; &amp; co.\n• who: &lt;!here&gt; is not a person"
    assert friendly_message(error) == text  # escaped once, however often it is shown
