"""Fixtures for the legacy import tests: a legacy SQLite file built from the documented schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from integrations.crypto import FernetSecretBox
from tests.integration.legacy.legacy_schema import LEGACY_KEY, build_legacy, sqlite_awkward_values


@pytest.fixture(scope="session")
def _legacy_template(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("legacy") / "scheduler.db"
    build_legacy(f"sqlite:///{path}")
    sqlite_awkward_values(str(path))
    return path.read_bytes()


@pytest.fixture
def legacy_path(tmp_path: Path, _legacy_template: bytes) -> Path:
    """A full legacy SQLite database (every table, realistic rows and the awkward cases)."""
    path = tmp_path / "legacy" / "scheduler.db"
    path.parent.mkdir()
    path.write_bytes(_legacy_template)
    return path


@pytest.fixture
def legacy_url(legacy_path: Path) -> str:
    """``sqlite:///`` URL of ``legacy_path``."""
    return f"sqlite:///{legacy_path}"


@pytest.fixture
def legacy_box() -> FernetSecretBox:
    """Decrypts what the legacy app encrypted with its SETTINGS_ENCRYPTION_KEY."""
    return FernetSecretBox(LEGACY_KEY)
