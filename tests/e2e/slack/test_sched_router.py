"""``/sched`` end to end: ack, dispatch, help, unknown words, ephemeral vs public replies."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx

from bot.slack.subcommands import REGISTRY, parse_command_text
from devtools.fake_slack import FakeSlack
from tests.e2e.slack.support import Probe
from tests.fakes.slack_requests import SignedRequest, SlackRequests

Post = Callable[[SignedRequest], httpx.Response]


def _reply(fake_slack: FakeSlack) -> dict[str, object]:
    call = fake_slack.wait_for("response_url")[0]
    return call.params


def test_sched_help_lists_every_registered_subcommand_with_examples(
    post: Post, slack: SlackRequests, fake_slack: FakeSlack, probe: Probe
) -> None:
    response = post(slack.slash_command("help"))

    assert response.status_code == 200
    reply = _reply(fake_slack)
    assert reply["response_type"] == "ephemeral"
    rendered = json.dumps(reply["blocks"])
    for sub in REGISTRY.all():
        assert f"*{sub.name}*" in rendered
        for example in sub.examples:
            assert example in rendered


def test_unknown_subcommand_answers_with_the_help(
    post: Post, slack: SlackRequests, fake_slack: FakeSlack, probe: Probe
) -> None:
    post(slack.slash_command("frobnicate now"))

    reply = _reply(fake_slack)
    assert "frobnicate" in str(reply["text"])
    assert "/sched frobnicate" in json.dumps(reply["blocks"])
    assert "*help*" in json.dumps(reply["blocks"])
    assert probe.of("probe") == []


def test_subcommand_gets_its_arguments_and_replies_ephemerally(
    post: Post, slack: SlackRequests, fake_slack: FakeSlack, probe: Probe
) -> None:
    post(slack.slash_command('probe 12/24 "family trip"'))

    call = probe.wait("probe")[0]
    assert call["args"] == ("12/24", "family trip")
    assert call["public"] is False
    assert _reply(fake_slack)["response_type"] == "ephemeral"


def test_public_word_makes_the_reply_visible_to_the_channel(
    post: Post, slack: SlackRequests, fake_slack: FakeSlack, probe: Probe
) -> None:
    post(slack.slash_command("probe week public"))

    assert probe.wait("probe")[0]["args"] == ("week",)
    assert _reply(fake_slack)["response_type"] == "in_channel"


def test_command_is_acknowledged_with_an_empty_body_before_work(
    post: Post, slack: SlackRequests, probe: Probe
) -> None:
    response = post(slack.slash_command("nap"))

    assert response.status_code == 200
    assert response.text == ""
    probe.wait("nap")


def test_parse_command_text_lowercases_the_subcommand_and_keeps_unbalanced_quotes() -> None:
    parsed = parse_command_text("  WEEK o'brien public ")

    assert parsed.name == "week"
    assert parsed.args == ("o'brien",)
    assert parsed.public is True


def test_empty_command_text_parses_to_no_subcommand() -> None:
    parsed = parse_command_text("   ")

    assert (parsed.name, parsed.args, parsed.public) == ("", (), False)


def test_a_leading_mention_keeps_its_case_while_subcommand_words_are_lowered() -> None:
    assert parse_command_text("<@U0ABC12|ana> week").name == "<@U0ABC12|ana>"
    assert parse_command_text("WEEK 12/24").name == "week"


def test_an_unknown_word_is_echoed_escaped(post: Post, slack: SlackRequests, fake_slack: FakeSlack) -> None:
    post(slack.slash_command("<!channel>"))

    reply = _reply(fake_slack)
    assert "<!channel>" not in str(reply["text"]) and "<!channel>" not in json.dumps(reply["blocks"])
    assert "&lt;!channel&gt;" in str(reply["text"])
