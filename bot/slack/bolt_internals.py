"""The parts of Bolt's internals schedbot's ack path relies on, checked when the app is built.

``bot.slack.schedbot_app``, ``bot.slack.ack_runner`` and ``bot.slack.listener_matching`` reach into
Bolt (the listener runner, the listener and middleware lists, the single-team ``auth.test`` cache,
the built-in matchers) to acknowledge Slack faster. ``pyproject.toml`` pins Bolt to the minor
release these were written against; ``require_internals`` makes an upgrade that renames any of them
fail at start-up with the list of what is gone, instead of silently falling back to a slower path
or answering Slack late.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.listener.asyncio_runner import AsyncioListenerRunner
from slack_bolt.listener_matcher.async_builtins import AsyncBuiltinListenerMatcher
from slack_bolt.middleware.authorization.async_single_team_authorization import AsyncSingleTeamAuthorization

APP_ATTRIBUTES = ("_async_listener_runner", "_async_listeners", "_async_middleware_list")
RUNNER_ATTRIBUTES = ("logger", "process_before_response", "listener_error_handler",
                     "listener_start_handler", "listener_completion_handler", "lazy_listener_runner")
RUNNER_RUN_PARAMETERS = ("request", "response", "listener_name", "listener", "starting_time")
LISTENER_ATTRIBUTES = ("matchers", "auto_acknowledgement", "ack_timeout", "lazy_functions",
                       "run_ack_function")
MATCHER_ATTRIBUTES = ("func", "arg_names")


class BoltInternalsChanged(RuntimeError):
    """The installed Bolt no longer has internals the ack path relies on."""


def _missing(owner: str, obj: object, names: Iterable[str]) -> list[str]:
    return [f"{owner}.{name}" for name in names if not hasattr(obj, name)]


def _parameters(fn: Callable[..., Any]) -> list[str]:
    return [name for name in inspect.signature(fn).parameters if name != "self"]


def missing_internals(app: AsyncApp) -> list[str]:
    """What ``app`` (built, listeners registered) lacks of the internals we use; empty when all there."""
    gone = _missing("AsyncApp", app, APP_ATTRIBUTES)
    runner = getattr(app, "_async_listener_runner", None)
    if not isinstance(runner, AsyncioListenerRunner):
        gone.append("AsyncApp._async_listener_runner is an AsyncioListenerRunner")
    else:
        gone += _missing("AsyncioListenerRunner", runner, RUNNER_ATTRIBUTES)
        if _parameters(AsyncioListenerRunner.run) != list(RUNNER_RUN_PARAMETERS):
            gone.append(f"AsyncioListenerRunner.run({', '.join(RUNNER_RUN_PARAMETERS)})")
    listeners = getattr(app, "_async_listeners", None)
    if not isinstance(listeners, list):
        gone.append("AsyncApp._async_listeners is a list")
        listeners = []
    for listener in listeners[:1]:
        gone += _missing("AsyncListener", listener, LISTENER_ATTRIBUTES)
    builtin = [m for listener in listeners for m in getattr(listener, "matchers", [])
               if type(m) is AsyncBuiltinListenerMatcher]
    for matcher in builtin[:1]:
        gone += _missing("AsyncBuiltinListenerMatcher", matcher, MATCHER_ATTRIBUTES)
    middleware = getattr(app, "_async_middleware_list", None) or []
    for auth in (m for m in middleware if isinstance(m, AsyncSingleTeamAuthorization)):
        gone += _missing("AsyncSingleTeamAuthorization", auth, ("auth_test_result",))
    return gone


def require_internals(app: AsyncApp) -> None:
    """Raise ``BoltInternalsChanged`` naming every internal ``app`` lacks."""
    gone = missing_internals(app)
    if gone:
        from importlib.metadata import version

        raise BoltInternalsChanged(
            f"slack-bolt {version('slack-bolt')} lacks what schedbot's ack path uses: {', '.join(gone)}. "
            "Pin the slack-bolt release in pyproject.toml or update bot/slack/ack_runner.py, "
            "listener_matching.py and schedbot_app.py.")
