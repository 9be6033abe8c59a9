"""Settings from the environment and `.env` (python-decouple), names per product.md §6."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import time
from typing import Any

from decouple import AutoConfig, Csv, UndefinedValueError

MASK = "**********"


class Secret:
    """A string that never shows itself in ``repr``/``str``/logs; ``reveal()`` gives the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return f"Secret('{MASK}')"

    def __str__(self) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def _secret(value: str) -> Secret:
    return Secret(value)


def _hhmm(value: str) -> time:
    try:
        return time.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError(f"expected HH:MM, got {value!r}") from exc


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///schedbot.db"
    settings_encryption_key: Secret = field(default_factory=lambda: Secret(""))
    external_api_base_url: str = "https://crossmark.mvretail.com"
    external_api_username: str = ""
    external_api_password: Secret = field(default_factory=lambda: Secret(""))
    external_api_timeout: float = 30.0
    external_api_timezone: str = "America/Indiana/Indianapolis"
    walmart_edr_username: str = ""
    walmart_edr_password: Secret = field(default_factory=lambda: Secret(""))
    walmart_edr_mfa_credential_id: str = ""
    walmart_login_base_url: str = "https://retaillink.login.wal-mart.com"
    walmart_edr_base_url: str = "https://retaillink2.wal-mart.com"
    slack_bot_token: Secret = field(default_factory=lambda: Secret(""))
    slack_signing_secret: Secret = field(default_factory=lambda: Secret(""))
    slack_app_token: Secret = field(default_factory=lambda: Secret(""))
    slack_client_id: str = ""
    slack_client_secret: Secret = field(default_factory=lambda: Secret(""))
    slack_api_url: str = "https://slack.com/api/"
    team_channel: str = ""
    schedbot_admins: tuple[str, ...] = ()
    store_number: str = "8135"
    store_timezone: str = "America/Indiana/Indianapolis"
    packet_time: time = time(5, 30)
    packet_deadline: time = time(7, 0)

    def public_dict(self) -> dict[str, Any]:
        """Every setting with secrets masked (safe to print or log)."""
        return {f.name: (str(v) if isinstance(v := getattr(self, f.name), Secret) else v)
                for f in fields(self)}


def load_settings(search_path: str | None = None, **overrides: Any) -> Settings:
    """Read settings from the process environment, then `.env` (searched from ``search_path``)."""
    config = AutoConfig(search_path=search_path) if search_path else AutoConfig()
    d = Settings()

    def get(name: str, default: Any, cast: Any = str) -> Any:
        try:
            return config(name, default=default, cast=cast)
        except UndefinedValueError:  # pragma: no cover - defaults always given
            return default

    values: dict[str, Any] = {
        "database_url": get("DATABASE_URL", d.database_url),
        "settings_encryption_key": get("SETTINGS_ENCRYPTION_KEY", "", _secret),
        "external_api_base_url": get("EXTERNAL_API_BASE_URL", d.external_api_base_url),
        "external_api_username": get("EXTERNAL_API_USERNAME", ""),
        "external_api_password": get("EXTERNAL_API_PASSWORD", "", _secret),
        "external_api_timeout": get("EXTERNAL_API_TIMEOUT", d.external_api_timeout, float),
        "external_api_timezone": get("EXTERNAL_API_TIMEZONE", d.external_api_timezone),
        "walmart_edr_username": get("WALMART_EDR_USERNAME", ""),
        "walmart_edr_password": get("WALMART_EDR_PASSWORD", "", _secret),
        "walmart_edr_mfa_credential_id": get("WALMART_EDR_MFA_CREDENTIAL_ID", ""),
        "walmart_login_base_url": get("WALMART_LOGIN_BASE_URL", d.walmart_login_base_url),
        "walmart_edr_base_url": get("WALMART_EDR_BASE_URL", d.walmart_edr_base_url),
        "slack_bot_token": get("SLACK_BOT_TOKEN", "", _secret),
        "slack_signing_secret": get("SLACK_SIGNING_SECRET", "", _secret),
        "slack_app_token": get("SLACK_APP_TOKEN", "", _secret),
        "slack_client_id": get("SLACK_CLIENT_ID", ""),
        "slack_client_secret": get("SLACK_CLIENT_SECRET", "", _secret),
        "slack_api_url": get("SLACK_API_URL", d.slack_api_url),
        "team_channel": get("TEAM_CHANNEL", ""),
        "schedbot_admins": tuple(get("SCHEDBOT_ADMINS", "", Csv())),
        "store_number": get("STORE_NUMBER", d.store_number),
        "store_timezone": get("STORE_TIMEZONE", d.store_timezone),
        "packet_time": get("PACKET_TIME", "05:30", _hhmm),
        "packet_deadline": get("PACKET_DEADLINE", "07:00", _hhmm),
    }
    values.update(overrides)
    return Settings(**values)
