"""FastAPI integration: a dependency that turns the ``Authorization`` header into
verified :class:`~airisk_auth.Claims`.

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

from typing import Literal

import fastapi
import starlette.responses

from . import Claims, Response, Verifier, check_bearer

__all__ = ["BearerAuth", "BearerRefused", "install", "to_starlette_response"]


def to_starlette_response(response: Response) -> starlette.responses.Response:
    """The core's answer as a Starlette/FastAPI response: same status, headers and body."""
    out = starlette.responses.Response(content=response.body, status_code=response.status)
    for name, value in response.headers:
        out.headers.append(name, value)
    return out


class BearerRefused(fastapi.HTTPException):
    """Raised by :class:`BearerAuth` with the 401/403 answer to send (``.response``).

    Without :func:`install`, FastAPI's default handler still sends the status and the
    ``WWW-Authenticate`` challenge (with a JSON ``detail`` body).
    """

    def __init__(self, response: Response) -> None:
        super().__init__(status_code=response.status, headers=dict(response.headers))
        self.response = response


class BearerAuth:
    """A dependency: the verified claims, or :class:`BearerRefused` (401/403)."""

    def __init__(self, verifier: Verifier, *, access: Literal["any", "user"] = "any") -> None:
        self.verifier = verifier
        self.access: Literal["any", "user"] = access

    def __call__(self, request: fastapi.Request) -> Claims:
        result = check_bearer(self.verifier, request.headers.get("authorization"), access=self.access)
        if isinstance(result, Response):
            raise BearerRefused(result)
        return result


def install(app: fastapi.FastAPI) -> None:
    """Send every :class:`BearerRefused` exactly as the core made it."""

    async def handler(_request: fastapi.Request, exc: Exception) -> starlette.responses.Response:
        assert isinstance(exc, BearerRefused)
        return to_starlette_response(exc.response)

    app.add_exception_handler(BearerRefused, handler)
