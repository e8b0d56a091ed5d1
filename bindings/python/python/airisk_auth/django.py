"""Django integration: a view decorator and a middleware that turn the
``Authorization`` header into verified :class:`~airisk_auth.Claims`, set as
``request.airisk_claims``, and a converter for :class:`~airisk_auth.Response`.

Import it only in Django projects (``import airisk_auth.django``); ``airisk_auth``
itself never imports Django. A refused request gets the core's 401/403 answer
(with its RFC 6750 ``WWW-Authenticate`` challenge) and the view is not called;
every refusal is logged to the ``airisk_auth`` logger with the reason's name and
number, never the token.

.. code-block:: python

    # views.py: one view at a time
    from airisk_auth.django import require_bearer

    @require_bearer(verifier, access="user")
    def conversations(request):
        return JsonResponse({"userid": request.airisk_claims.userid})

    # settings.py: or every path under some prefixes
    MIDDLEWARE = [..., "airisk_auth.django.BearerMiddleware"]
    AIRISK_AUTH_VERIFIER = "myproject.auth.verifier"   # a Verifier, or its dotted path
    AIRISK_AUTH_PATHS = ["/api/"]                      # default: every path
    AIRISK_AUTH_ACCESS = "any"                         # or "user"

Both work for sync and async views (the middleware as Django adapts it).
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Literal, Sequence, TypeVar, cast

import django.conf
import django.core.exceptions
import django.http
import django.utils.module_loading

from . import Claims, Response, Verifier, check_bearer
from ._log import log_refusal

__all__ = ["BearerMiddleware", "check_request", "claims_of", "require_bearer", "to_django_response"]

_F = TypeVar("_F", bound=Callable[..., Any])


def to_django_response(response: Response) -> django.http.HttpResponse:
    """The core's answer as a Django response: same status, headers and body.

    Django would add ``Content-Type: text/html`` to an answer that has none (a
    bearer challenge); it is removed so the bytes stay the core's.
    """
    out = django.http.HttpResponse(response.body, status=response.status)
    for name, value in response.headers:
        out.headers[name] = value
    if response.content_type is None:
        del out.headers["Content-Type"]
    return out


def check_request(
    verifier: Verifier,
    request: django.http.HttpRequest,
    *,
    access: Literal["any", "user"] = "any",
    scopes: Sequence[str] = (),
) -> django.http.HttpResponse | None:
    """Check ``request``'s bearer token: ``None`` when it may proceed (then
    ``request.airisk_claims`` holds the claims), otherwise the 401/403 answer to send
    (the refusal is logged)."""
    result = check_bearer(
        verifier, request.headers.get("Authorization"), access=access, scopes=list(scopes)
    )
    if isinstance(result, Response):
        log_refusal(result, request.method or "", request.path)
        return to_django_response(result)
    setattr(request, "airisk_claims", result)
    return None


def require_bearer(
    verifier: Verifier, *, access: Literal["any", "user"] = "any", scopes: Sequence[str] = ()
) -> Callable[[_F], _F]:
    """Decorate a view (sync or async) so it runs only with a valid bearer token
    carrying every scope of ``scopes``; the claims are ``request.airisk_claims``."""

    def decorate(view: _F) -> _F:
        if inspect.iscoroutinefunction(view):

            @functools.wraps(view)
            async def guarded_async(request: django.http.HttpRequest, *args: Any, **kwargs: Any) -> Any:
                refusal = check_request(verifier, request, access=access, scopes=scopes)
                if refusal is not None:
                    return refusal
                return await view(request, *args, **kwargs)

            return cast(_F, guarded_async)

        @functools.wraps(view)
        def guarded(request: django.http.HttpRequest, *args: Any, **kwargs: Any) -> Any:
            refusal = check_request(verifier, request, access=access, scopes=scopes)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        return cast(_F, guarded)

    return decorate


def claims_of(request: django.http.HttpRequest) -> Claims:
    """The claims :func:`require_bearer` or :class:`BearerMiddleware` verified for
    ``request`` (typed access to ``request.airisk_claims``)."""
    claims = getattr(request, "airisk_claims", None)
    if not isinstance(claims, Claims):
        raise RuntimeError("claims_of() on a request no bearer check has passed")
    return claims


class BearerMiddleware:
    """Refuses every request under ``settings.AIRISK_AUTH_PATHS`` (path prefixes;
    default: every path) that lacks a valid bearer token, and sets
    ``request.airisk_claims`` on the others.

    Settings: ``AIRISK_AUTH_VERIFIER`` (required: a :class:`~airisk_auth.Verifier` or
    the dotted path of one), ``AIRISK_AUTH_ACCESS`` (``"any"``, the default, or
    ``"user"``), ``AIRISK_AUTH_SCOPES`` (scopes every request needs; default none).
    A missing or wrong setting is refused when the middleware is loaded
    (``ImproperlyConfigured``), never at the first request.
    """

    def __init__(self, get_response: Callable[[django.http.HttpRequest], Any]) -> None:
        settings = django.conf.settings
        verifier = getattr(settings, "AIRISK_AUTH_VERIFIER", None)
        if isinstance(verifier, str):
            verifier = django.utils.module_loading.import_string(verifier)
        if not isinstance(verifier, Verifier):
            raise django.core.exceptions.ImproperlyConfigured(
                "AIRISK_AUTH_VERIFIER must be an airisk_auth.Verifier or the dotted path of one"
            )
        access = getattr(settings, "AIRISK_AUTH_ACCESS", "any")
        if access not in ("any", "user"):
            raise django.core.exceptions.ImproperlyConfigured('AIRISK_AUTH_ACCESS must be "any" or "user"')
        self.get_response = get_response
        self.verifier: Verifier = verifier
        self.access: Literal["any", "user"] = access
        self.scopes = list(getattr(settings, "AIRISK_AUTH_SCOPES", ()))
        self.paths = tuple(getattr(settings, "AIRISK_AUTH_PATHS", ("/",)))

    def __call__(self, request: django.http.HttpRequest) -> Any:
        if request.path.startswith(self.paths):
            refusal = check_request(self.verifier, request, access=self.access, scopes=self.scopes)
            if refusal is not None:
                return refusal
        return self.get_response(request)
