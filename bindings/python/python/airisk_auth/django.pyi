"""Django integration (see the module's docstring): a view decorator, a middleware
setting ``request.airisk_claims``, and a converter for :class:`~airisk_auth.Response`."""

from typing import Any, Callable, Literal, Sequence, TypeVar

# Django ships no type information (django-stubs is a separate project): its
# classes are Any here.
import django.http  # type: ignore[import-untyped]

from . import Claims, Response, Verifier

__all__ = ["BearerMiddleware", "check_request", "claims_of", "require_bearer", "to_django_response"]

_F = TypeVar("_F", bound=Callable[..., Any])

def to_django_response(response: Response) -> django.http.HttpResponse:
    """The core's answer as a Django response: same status, headers and body."""

def check_request(
    verifier: Verifier,
    request: django.http.HttpRequest,
    *,
    access: Literal["any", "user"] = "any",
    scopes: Sequence[str] = (),
) -> django.http.HttpResponse | None:
    """``None`` when the request may proceed (``request.airisk_claims`` is set),
    otherwise the logged 401/403 answer to send."""

def require_bearer(
    verifier: Verifier, *, access: Literal["any", "user"] = "any", scopes: Sequence[str] = ()
) -> Callable[[_F], _F]:
    """Decorate a sync or async view so it runs only with a valid bearer token."""

def claims_of(request: django.http.HttpRequest) -> Claims:
    """The claims a bearer check verified for ``request``."""

class BearerMiddleware:
    """Refuses requests under ``settings.AIRISK_AUTH_PATHS`` without a valid bearer
    token; sets ``request.airisk_claims`` on the others."""

    get_response: Callable[[django.http.HttpRequest], Any]
    verifier: Verifier
    access: Literal["any", "user"]
    scopes: list[str]
    paths: tuple[str, ...]
    def __init__(self, get_response: Callable[[django.http.HttpRequest], Any]) -> None: ...
    def __call__(self, request: django.http.HttpRequest) -> Any: ...
