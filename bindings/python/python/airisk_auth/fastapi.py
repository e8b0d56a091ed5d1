"""FastAPI integration: a dependency that turns the ``Authorization`` header into
verified :class:`~airisk_auth.Claims`.

Every route using it declares the OpenAPI HTTP bearer security scheme
(``HTTPBearer``, ``bearerFormat: JWT``), so ``/docs`` offers its Authorize button;
the token is still checked by the core, never by FastAPI. Every refusal is logged
to the ``airisk_auth`` logger with the reason's name and number, never the token.

Import it only in FastAPI applications (``import airisk_auth.fastapi``);
``airisk_auth`` itself never imports FastAPI.

.. code-block:: python

    from fastapi import Depends, FastAPI
    from airisk_auth.fastapi import BearerAuth, install

    app = FastAPI()
    install(app)  # send refusals exactly as the core made them
    user_only = BearerAuth(verifier, access="user")

    @app.get("/api/GetConversations")
    def conversations(claims: Claims = Depends(user_only)):
        return {"userid": claims.userid}
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional, Sequence

import fastapi
import fastapi.security
import starlette.responses

from . import Claims, Response, Verifier, check_bearer
from ._log import log_refusal

__all__ = ["BEARER_SCHEME", "BearerAuth", "BearerRefused", "install", "to_starlette_response"]

#: The OpenAPI security scheme every :class:`BearerAuth` route declares. It only
#: documents the header (``auto_error=False``: it never refuses a request itself).
BEARER_SCHEME = fastapi.security.HTTPBearer(
    bearerFormat="JWT",
    description="An access token from POST /api/oauth2/Token, as `Authorization: Bearer <token>`.",
    auto_error=False,
)


def to_starlette_response(response: Response) -> starlette.responses.Response:
    """The core's answer as a Starlette/FastAPI response: same status, headers and body."""
    out = starlette.responses.Response(content=response.body, status_code=response.status)
    for name, value in response.headers:
        out.headers.append(name, value)
    return out


class BearerRefused(fastapi.HTTPException):
    """Raised by :class:`BearerAuth` with the 401/403 answer to send (``.response``),
    and the claim at fault of a refused token (``.claim``, as ``AuthError.claim``).

    Without :func:`install`, FastAPI's default handler still sends the status and the
    ``WWW-Authenticate`` challenge (with a JSON ``detail`` body).
    """

    def __init__(self, response: Response) -> None:
        super().__init__(status_code=response.status, headers=dict(response.headers))
        self.response = response
        self.claim: Optional[str] = response.claim


class BearerAuth:
    """A dependency: the verified claims (with every scope of ``scopes``), or
    :class:`BearerRefused` (401/403)."""

    def __init__(
        self, verifier: Verifier, *, access: Literal["any", "user"] = "any", scopes: Sequence[str] = ()
    ) -> None:
        self.verifier = verifier
        self.access: Literal["any", "user"] = access
        self.scopes = list(scopes)

    def __call__(
        self,
        request: fastapi.Request,
        _documented: Annotated[
            Optional[fastapi.security.HTTPAuthorizationCredentials], fastapi.Depends(BEARER_SCHEME)
        ] = None,
    ) -> Claims:
        # The raw header, not the scheme's parse of it: the core decides what is a token.
        result = check_bearer(
            self.verifier, request.headers.get("authorization"), access=self.access, scopes=self.scopes
        )
        if isinstance(result, Response):
            log_refusal(result, request.method, request.url.path)
            raise BearerRefused(result)
        return result


def install(app: fastapi.FastAPI) -> None:
    """Send every :class:`BearerRefused` exactly as the core made it."""

    async def handler(_request: fastapi.Request, exc: Exception) -> starlette.responses.Response:
        assert isinstance(exc, BearerRefused)
        return to_starlette_response(exc.response)

    app.add_exception_handler(BearerRefused, handler)
