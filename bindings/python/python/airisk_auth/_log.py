"""The one log line of the framework helpers: why a request was refused.

Logged to the ``airisk_auth`` logger with the core's name and number of the reason
(``Expired (10)``), the status and the route — never the token, the
``Authorization`` header or any other header. Refusals of the client (4xx) are
logged at ``INFO``, a store that could not answer (503) at ``WARNING``, as the
Rust glue (airisk-auth-axum) does. The fields are also given as ``extra``
(``airisk_error``, ``airisk_code``, ``http_status``) for structured handlers.
"""

from __future__ import annotations

import logging

from . import Response

logger = logging.getLogger("airisk_auth")


def log_refusal(response: Response, method: str, path: str) -> None:
    """Log why ``response`` refused the request ``method path``; nothing for a success."""
    if response.reason is None:
        return
    level = logging.WARNING if response.status >= 500 else logging.INFO
    logger.log(
        level,
        "request refused: %s (%s), status %d, %s %s",
        response.reason,
        response.reason_code,
        response.status,
        method,
        path,
        extra={
            "airisk_error": response.reason,
            "airisk_code": response.reason_code,
            "http_status": response.status,
        },
    )
