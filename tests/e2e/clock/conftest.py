"""Fixtures of the clock-side end-to-end tests (see ``tests.e2e.clock.fixtures``)."""

from tests.e2e.clock.fixtures import (  # noqa: F401 - fixtures are found by name
    clock,
    container,
    ctx,
    database,
    fake_slack,
    no_secret_leaks,
    numbers,
    packet_service,
    post,
    retaillink,
    retaillink_server,
    server,
    settings,
    slack,
)
