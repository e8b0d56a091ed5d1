"""The one log line of the framework helpers: why a request was refused.

Logged to the ``airisk_auth`` logger with the core's name and number of the reason
(``Expired (10)``), the claim at fault when there is one (``MissingClaim (9) of
claim `client_id```), the status and the route — never the token, the
``Authorization`` header or any other header. Refusals of the client (4xx) are
logged at ``INFO``, a store that could not answer (503) at ``WARNING``, as the
Rust glue (airisk-auth-axum) does. The fields are also given as ``extra``
(``airisk_error``, ``airisk_code``, ``airisk_claim``, ``http_status``) for
structured handlers.
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
    claim = response.claim
    logger.log(
        level,
        "request refused: %s (%s)%s, status %d, %s %s",
        response.reason,
        response.reason_code,
        "" if claim is None else f" of claim `{claim}`",
        response.status,
        method,
        path,
        extra={
            "airisk_error": response.reason,
            "airisk_code": response.reason_code,
            "airisk_claim": claim,
            "http_status": response.status,
        },
    )
