"""The Django decorator and middleware, through Django's own test client.

Django is configured once per process (``settings.configure``) with the minimal
settings a request needs; each test picks its middleware with ``override_settings``.
"""

from __future__ import annotations

import asyncio
import logging
import time
import types

import pytest

import airisk_auth as aa

# Installed by requirements-dev.txt: the suite fails (not skips) without it.
import django  # noqa: E402
from django.conf import settings  # noqa: E402

ISS = "https://airisk.example"
KEYS = aa.KeySet.generate_hs256("k1")
VERIFIER = aa.Verifier(KEYS, aa.Policy(ISS))


def _urls() -> types.ModuleType:
    """The URL configuration: views guarded by the decorator, and plain ones the
    middleware guards (or not)."""
    from django.http import HttpRequest, HttpResponse, JsonResponse
    from django.urls import path

    from airisk_auth.django import claims_of, require_bearer

    @require_bearer(VERIFIER, access="user")
    def user_only(request: HttpRequest) -> HttpResponse:
        return JsonResponse({"userid": request.airisk_claims.userid})  # type: ignore[attr-defined]

    @require_bearer(VERIFIER, scopes=["conversations:read"])
    async def scoped(request: HttpRequest) -> HttpResponse:
        await asyncio.sleep(0)
        return JsonResponse({"scope": claims_of(request).scope})

    def plain(request: HttpRequest) -> HttpResponse:
        claims = getattr(request, "airisk_claims", None)
        return JsonResponse({"client_id": claims.client_id if claims else None})

    urls = types.ModuleType("airisk_test_django_urls")
    urls.urlpatterns = [  # type: ignore[attr-defined]
        path("user", user_only),
        path("scoped", scoped),
        path("api/plain", plain),
        path("public", plain),
    ]
    return urls


if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="test-only-not-a-secret",
        ALLOWED_HOSTS=["testserver"],
        ROOT_URLCONF=_urls(),
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={},
        LOGGING_CONFIG=None,
    )
    django.setup()

from django.test import Client, override_settings  # noqa: E402


def mint(*, userid: str | None = "user_42", scope: str | None = None, age: int = 0) -> str:
    now = int(time.time()) - age
    return KEYS.mint(aa.Claims(ISS, now + 600, sub=userid or "abc123", client_id="abc123",
                               user_token=userid is not None, iat=now, jti="j", scope=scope))


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_decorator_sets_request_airisk_claims_and_refuses_with_the_core_answer(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = Client()
    ok = client.get("/user", **bearer(mint()))
    assert ok.status_code == 200 and ok.json() == {"userid": "user_42"}

    caplog.set_level(logging.INFO, logger="airisk_auth")
    generic = mint(userid=None)
    refused = client.get("/user", **bearer(generic))
    assert refused.status_code == 403
    assert refused["WWW-Authenticate"] == 'Bearer error="insufficient_scope"'
    missing = client.get("/user")
    assert missing.status_code == 401 and missing["WWW-Authenticate"] == "Bearer"
    assert missing.content == b"" and not missing.has_header("Content-Type")
    expired = mint(age=3_600)
    stale = client.get("/user", **bearer(expired))
    assert stale.status_code == 401 and stale["WWW-Authenticate"] == 'Bearer error="invalid_token"'

    # A token without client_id: the log names the claim at fault.
    from airisk_auth import dangerous

    incomplete = dangerous.sign_jws(
        KEYS, '{"alg":"HS256","kid":"k1"}',
        f'{{"iss":"{ISS}","sub":"u","iat":{int(time.time())},"exp":{int(time.time()) + 600},'
        '"jti":"j","user_token":true}')
    assert client.get("/user", **bearer(incomplete)).status_code == 401

    lines = [r.getMessage() for r in caplog.records if r.name == "airisk_auth"]
    assert lines[0] == f"request refused: UserTokenRequired ({aa.UserTokenRequiredError.code}), status 403, GET /user"
    assert lines[1].endswith(", status 401, GET /user")
    assert lines[2] == f"request refused: Expired ({aa.ExpiredError.code}), status 401, GET /user"
    assert lines[3] == (
        f"request refused: MissingClaim ({aa.MissingClaimError.code}) of claim `client_id`, status 401, GET /user")
    assert len(lines) == 4
    for record in caplog.records:
        text = record.getMessage() + repr(record.__dict__)
        assert generic not in text and expired not in text and expired.split(".")[2] not in text
        assert incomplete not in text


def test_decorator_on_an_async_view_checks_scopes() -> None:
    client = Client()
    ok = client.get("/scoped", **bearer(mint(scope="conversations:read")))
    assert ok.status_code == 200 and ok.json() == {"scope": "conversations:read"}
    refused = client.get("/scoped", **bearer(mint(scope="other")))
    assert refused.status_code == 403
    assert 'scope="conversations:read"' in refused["WWW-Authenticate"]


@override_settings(
    MIDDLEWARE=["airisk_auth.django.BearerMiddleware"],
    AIRISK_AUTH_VERIFIER=VERIFIER,
    AIRISK_AUTH_PATHS=["/api/"],
)
def test_middleware_guards_its_paths_only() -> None:
    client = Client()
    assert client.get("/api/plain", **bearer(mint(userid=None))).json() == {"client_id": "abc123"}
    refused = client.get("/api/plain", **bearer("x.y.z"))
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert client.get("/public").json() == {"client_id": None}


@override_settings(
    MIDDLEWARE=["airisk_auth.django.BearerMiddleware"],
    AIRISK_AUTH_VERIFIER=f"{__name__}.VERIFIER_BY_PATH",
    AIRISK_AUTH_ACCESS="user",
)
def test_middleware_reads_a_dotted_verifier_and_the_access_setting() -> None:
    client = Client()
    assert client.get("/api/plain", **bearer(mint())).json() == {"client_id": "abc123"}
    assert client.get("/public", **bearer(mint(userid=None))).status_code == 403


VERIFIER_BY_PATH = VERIFIER


@override_settings(MIDDLEWARE=["airisk_auth.django.BearerMiddleware"], AIRISK_AUTH_VERIFIER=None)
def test_middleware_without_a_verifier_is_a_configuration_error() -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="AIRISK_AUTH_VERIFIER"):
        Client().get("/public")
