"""Keep header values (cookies, bearer tokens) out of httpcore's debug log lines.

httpcore logs raw response headers, ``Set-Cookie`` included, at DEBUG. A filter on its loggers cuts
every such line down to the trace step name before any handler sees it.
"""

from __future__ import annotations

import logging

HTTPCORE_LOGGERS = ("httpcore.http11", "httpcore.http2", "httpcore.connection", "httpcore.proxy",
                    "httpcore.socks")


class TraceDetailFilter(logging.Filter):
    """Reduces an httpcore trace record to its step name (``receive_response_headers.complete``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = message.split(" ", 1)[0]
        record.args = ()
        return True


_FILTER = TraceDetailFilter()


def install_header_redaction() -> None:
    """Attach the filter to httpcore's loggers (idempotent)."""
    for name in HTTPCORE_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
