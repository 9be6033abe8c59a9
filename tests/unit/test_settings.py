"""Settings come from the environment / .env, with secrets that never show themselves."""

from __future__ import annotations

import logging
from datetime import time
from pathlib import Path

import pytest

from bot.settings import MASK, Secret, load_settings

NAMES = ("DATABASE_URL", "SETTINGS_ENCRYPTION_KEY", "SLACK_BOT_TOKEN", "SCHEDBOT_ADMINS", "PACKET_TIME",
         "STORE_TIMEZONE", "EXTERNAL_API_TIMEOUT", "EXTERNAL_API_PASSWORD", "PACKET_DEADLINE")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)


def test_defaults_need_no_configuration(tmp_path: Path) -> None:
    s = load_settings(search_path=str(tmp_path))
    assert s.database_url == "sqlite:///schedbot.db"
    assert s.store_timezone == "America/Indiana/Indianapolis"
    assert s.packet_time == time(5, 30) and s.packet_deadline == time(7, 0)
    assert s.slack_api_url == "https://slack.com/api/"
    assert not s.slack_bot_token


def test_environment_values_are_read_and_cast(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SCHEDBOT_ADMINS", "U1, U2")
    monkeypatch.setenv("PACKET_TIME", "06:15")
    monkeypatch.setenv("EXTERNAL_API_TIMEOUT", "12.5")
    s = load_settings(search_path=str(tmp_path))
    assert s.schedbot_admins == ("U1", "U2")
    assert s.packet_time == time(6, 15)
    assert s.external_api_timeout == 12.5


def test_a_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DATABASE_URL=sqlite:///from-dotenv.db\nSLACK_BOT_TOKEN=xoxb-dotenv\n")
    s = load_settings(search_path=str(tmp_path))
    assert s.database_url == "sqlite:///from-dotenv.db"
    assert s.slack_bot_token.reveal() == "xoxb-dotenv"


def test_a_bad_time_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PACKET_TIME", "half past five")
    with pytest.raises(ValueError, match="HH:MM"):
        load_settings(search_path=str(tmp_path))


def test_secrets_are_masked_in_repr_str_logs_and_the_public_dict(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    canary = "xoxb-canary-1234567890"
    monkeypatch.setenv("SLACK_BOT_TOKEN", canary)
    monkeypatch.setenv("EXTERNAL_API_PASSWORD", "pw-canary-42")
    s = load_settings(search_path=str(tmp_path))
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("settings: %r / %s", s, s.slack_bot_token)
    for text in (repr(s), str(s), caplog.text, repr(s.public_dict())):
        assert canary not in text and "pw-canary-42" not in text
    assert s.public_dict()["slack_bot_token"] == MASK
    assert s.slack_bot_token.reveal() == canary


def test_secrets_compare_by_value_without_revealing_it() -> None:
    assert Secret("a") == Secret("a") and Secret("a") != Secret("b")
    assert repr(Secret("a")) == f"Secret('{MASK}')"
    assert not Secret("") and Secret("x")
