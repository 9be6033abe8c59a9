"""Fixtures of the service tests: a fresh in-memory store per test."""

from __future__ import annotations

import pytest

from tests.unit.services.service_world import World


@pytest.fixture
def world() -> World:
    return World()
