"""Flask integration: a decorator that turns the ``Authorization`` header into
verified :class:`~airisk_auth.Claims`, and a converter for :class:`~airisk_auth.Response`.

Import it only in Flask applications (``import airisk_auth.flask``); ``airisk_auth``
itself never imports Flask. Every refusal is logged to the ``airisk_auth`` logger
with the reason's name and number, never the token.

.. code-block:: python

    from airisk_auth.flask import require_bearer, current_claims, to_flask_response

    @app.get("/api/GetConversations")
    @require_bearer(verifier, access="user")
    def conversations():
        return {"userid": current_claims().userid}
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Literal, Sequence, TypeVar, cast

import flask

from . import Claims, Response, Verifier, check_bearer
from ._log import log_refusal

__all__ = ["current_claims", "require_bearer", "to_flask_response"]

_F = TypeVar("_F", bound=Callable[..., Any])
_CLAIMS_KEY = "airisk_auth_claims"


def to_flask_response(response: Response) -> flask.Response:
    """The core's answer as a Flask response: same status, headers and body.

    Flask would add ``Content-Type: text/html`` to an answer that has none (a
    redirect, a bearer challenge); it is removed so the bytes stay the core's.
    """
    out = flask.Response(response.body, status=response.status, headers=response.headers)
    if response.content_type is None:
        del out.headers["Content-Type"]
    return out


def require_bearer(
    verifier: Verifier, *, access: Literal["any", "user"] = "any", scopes: Sequence[str] = ()
) -> Callable[[_F], _F]:
    """Decorate a view so it runs only with a valid bearer token (carrying every
    scope of ``scopes``).

    Otherwise the view is not called and the 401/403 answer (with its RFC 6750
    ``WWW-Authenticate`` challenge) is sent. The claims are in :func:`current_claims`.
    """

    def decorate(view: _F) -> _F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            result = check_bearer(
                verifier, flask.request.headers.get("Authorization"), access=access, scopes=list(scopes)
            )
            if isinstance(result, Response):
                log_refusal(result, flask.request.method, flask.request.path)
                return to_flask_response(result)
            setattr(flask.g, _CLAIMS_KEY, result)
            return view(*args, **kwargs)

        return cast(_F, guarded)

    return decorate


def current_claims() -> Claims:
    """The claims verified by :func:`require_bearer` for the current request."""
    claims = getattr(flask.g, _CLAIMS_KEY, None)
    if not isinstance(claims, Claims):
        raise RuntimeError("current_claims() outside a view decorated with require_bearer")
    return claims
