"""The Bolt internals the ack path uses are there, and an app built without one fails loudly."""

from __future__ import annotations

import pytest
from slack_bolt.async_app import AsyncApp

from bot.slack.bolt_internals import BoltInternalsChanged, missing_internals, require_internals
from bot.slack.schedbot_app import SchedbotApp


def test_the_app_schedbot_serves_has_every_internal_the_ack_path_uses(bolt_app: AsyncApp) -> None:
    assert isinstance(bolt_app, SchedbotApp)
    assert missing_internals(bolt_app) == []
    assert bolt_app.registered_listeners(), "the checked app has listeners (their attributes were read)"
    assert bolt_app.single_team_authorization() is not None


def test_a_bolt_without_internals_stops_the_app_at_start_naming_what_is_gone(
        bolt_app: AsyncApp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(bolt_app._async_listener_runner, "lazy_listener_runner")
    monkeypatch.delattr(bolt_app, "_async_middleware_list")

    with pytest.raises(BoltInternalsChanged) as raised:
        require_internals(bolt_app)

    message = str(raised.value)
    assert "AsyncioListenerRunner.lazy_listener_runner" in message
    assert "AsyncApp._async_middleware_list" in message
    assert "pyproject.toml" in message


def test_a_renamed_listener_attribute_is_named(bolt_app: AsyncApp, monkeypatch: pytest.MonkeyPatch) -> None:
    listener = bolt_app._async_listeners[0]
    monkeypatch.delattr(listener, "ack_timeout")

    assert missing_internals(bolt_app) == ["AsyncListener.ack_timeout"]
