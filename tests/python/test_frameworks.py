"""The Flask decorator and the FastAPI dependency."""

from __future__ import annotations

import logging
import sys
from typing import Any, Callable

import pytest

import airisk_auth as aa

ISS = "https://airisk.example"
KEYS = aa.KeySet.generate_hs256("k1")
VERIFIER = aa.Verifier(KEYS, aa.Policy(ISS))


def tokens() -> tuple[str, str]:
    import time

    now = int(time.time())
    return (KEYS.mint(aa.Claims.generic(ISS, "abc123", now, 600, "g")),
            KEYS.mint(aa.Claims.user(ISS, "abc123", "user_42", now, 600, "u")))


def test_importing_the_package_imports_no_framework():
    import subprocess

    code = "import airisk_auth, sys; print([m in sys.modules for m in ('flask', 'fastapi', 'django')])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[False, False, False]"


def test_flask_decorator():
    import flask

    from airisk_auth.flask import current_claims, require_bearer

    app = flask.Flask("t")

    @app.get("/user")
    @require_bearer(VERIFIER, access="user")
    def user_only():
        return {"userid": current_claims().userid}

    @app.get("/any")
    @require_bearer(VERIFIER)
    def any_token():
        return {"client_id": current_claims().client_id}

    generic, user = tokens()
    client = app.test_client()
    assert client.get("/user", headers={"Authorization": f"Bearer {user}"}).json == {"userid": "user_42"}
    assert client.get("/any", headers={"Authorization": f"Bearer {generic}"}).json == {"client_id": "abc123"}
    refused = client.get("/user", headers={"Authorization": f"Bearer {generic}"})
    assert refused.status_code == 403
    assert refused.headers["WWW-Authenticate"] == 'Bearer error="insufficient_scope"'
    missing = client.get("/any")
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    assert "Content-Type" not in missing.headers and missing.data == b""
    bad = client.get("/any", headers={"Authorization": "Bearer x.y.z"})
    assert bad.status_code == 401 and bad.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    with app.test_request_context("/"), pytest.raises(RuntimeError):
        current_claims()


def test_fastapi_dependency():
    from fastapi import Depends, FastAPI
    from fastapi.testclient import TestClient

    from airisk_auth.fastapi import BearerAuth, install

    def make_app(exact: bool) -> FastAPI:
        app = FastAPI()
        if exact:
            install(app)

        @app.get("/user")
        def user_only(claims: aa.Claims = Depends(BearerAuth(VERIFIER, access="user"))) -> dict[str, str | None]:
            return {"userid": claims.userid}

        @app.get("/any")
        def any_token(claims: aa.Claims = Depends(BearerAuth(VERIFIER))) -> dict[str, str | None]:
            return {"client_id": claims.client_id}

        return app

    generic, user = tokens()
    for exact in (True, False):
        client = TestClient(make_app(exact))
        assert client.get("/user", headers={"Authorization": f"Bearer {user}"}).json() == {"userid": "user_42"}
        assert client.get("/any", headers={"Authorization": f"Bearer {generic}"}).json() == {"client_id": "abc123"}
        refused = client.get("/user", headers={"Authorization": f"Bearer {generic}"})
        assert refused.status_code == 403
        assert refused.headers["www-authenticate"] == 'Bearer error="insufficient_scope"'
        missing = client.get("/any")
        assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
        bad = client.get("/any", headers={"Authorization": "Bearer x.y.z"})
        assert bad.status_code == 401 and bad.headers["www-authenticate"] == 'Bearer error="invalid_token"'
        if exact:
            assert missing.content == b"" and "content-type" not in missing.headers


def expired_token() -> str:
    import time

    now = int(time.time())
    return KEYS.mint(aa.Claims.user(ISS, "abc123", "user_42", now - 3_600, 600, "old"))


def assert_refusals_logged(records: list[logging.LogRecord], secrets: list[str]) -> None:
    """The refusals of an expired, a garbage and a generic token, and of no token, logged
    in that order by name and number (so expired and garbage differ), never a token."""
    records = [r for r in records if r.name == "airisk_auth"]
    lines = [r.getMessage() for r in records]
    wanted = [
        ("Expired", aa.ExpiredError.code, 401),
        ("MalformedToken", aa.MalformedTokenError.code, 401),
        ("UserTokenRequired", aa.UserTokenRequiredError.code, 403),
    ]
    assert len(lines) == 4, lines
    for line, (name, code, status) in zip(lines, wanted):
        assert f"request refused: {name} ({code}), status {status}, GET /user" == line
    assert lines[3].startswith("request refused: ") and lines[3].endswith(", status 401, GET /user")
    assert all(r.levelno == logging.INFO and isinstance(getattr(r, "airisk_code", None), int) for r in records)
    for secret in secrets:
        for record in records:
            assert secret not in record.getMessage() and secret not in repr(record.__dict__)


def refusal_requests(get: Callable[..., Any]) -> list[str]:
    """Sends the four refused requests of assert_refusals_logged; returns the tokens sent."""
    generic, _ = tokens()
    expired = expired_token()
    for token in (expired, "garbage.token.text", generic):
        assert get("/user", headers={"Authorization": f"Bearer {token}"}).status_code in (401, 403)
    assert get("/user").status_code == 401
    return [expired, "garbage.token.text", generic, generic.split(".")[2]]


def test_flask_logs_every_refusal_without_the_token(caplog: pytest.LogCaptureFixture) -> None:
    import flask

    from airisk_auth.flask import current_claims, require_bearer

    app = flask.Flask("t")

    @app.get("/user")
    @require_bearer(VERIFIER, access="user")
    def user_only() -> dict[str, str | None]:
        return {"userid": current_claims().userid}

    caplog.set_level(logging.INFO, logger="airisk_auth")
    secrets = refusal_requests(app.test_client().get)
    assert_refusals_logged(caplog.records, secrets)


def test_fastapi_logs_every_refusal_and_declares_the_bearer_scheme(caplog: pytest.LogCaptureFixture) -> None:
    from fastapi import Depends, FastAPI
    from fastapi.testclient import TestClient

    from airisk_auth.fastapi import BearerAuth, install

    app = FastAPI()
    install(app)

    @app.get("/user")
    def user_only(claims: aa.Claims = Depends(BearerAuth(VERIFIER, access="user"))) -> dict[str, str | None]:
        return {"userid": claims.userid}

    @app.get("/open")
    def open_route() -> dict[str, str]:
        return {"ok": "yes"}

    caplog.set_level(logging.INFO, logger="airisk_auth")
    client = TestClient(app)
    secrets = refusal_requests(client.get)
    assert_refusals_logged(caplog.records, secrets)

    schema = app.openapi()
    schemes = schema["components"]["securitySchemes"]
    assert schemes == {"HTTPBearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                      "description": schemes["HTTPBearer"]["description"]}}
    assert schema["paths"]["/user"]["get"]["security"] == [{"HTTPBearer": []}]
    assert "security" not in schema["paths"]["/open"]["get"]
    # The scheme only documents: the core still answers, with its own challenge.
    refused = client.get("/user", headers={"Authorization": "Basic abc"})
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"


def incomplete_token() -> str:
    """A token the default policy refuses for lacking `client_id`."""
    import time

    from airisk_auth import dangerous

    now = int(time.time())
    return dangerous.sign_jws(
        KEYS, '{"alg":"HS256","kid":"k1"}',
        f'{{"iss":"{ISS}","sub":"abc123","iat":{now},"exp":{now + 600},"jti":"j","user_token":false}}')


def test_the_glue_names_the_claim_at_fault(caplog: pytest.LogCaptureFixture) -> None:
    import flask
    from fastapi import Depends, FastAPI
    from fastapi.testclient import TestClient

    from airisk_auth.fastapi import BearerAuth, BearerRefused
    from airisk_auth.flask import current_claims, require_bearer

    flask_app = flask.Flask("t")

    @flask_app.get("/any")
    @require_bearer(VERIFIER)
    def flask_any() -> dict[str, str | None]:
        return {"client_id": current_claims().client_id}

    fastapi_app = FastAPI()
    refusals: list[BearerRefused] = []

    @fastapi_app.exception_handler(BearerRefused)
    async def keep(_request: Any, exc: BearerRefused) -> Any:
        from airisk_auth.fastapi import to_starlette_response

        refusals.append(exc)
        return to_starlette_response(exc.response)

    @fastapi_app.get("/any")
    def fastapi_any(claims: aa.Claims = Depends(BearerAuth(VERIFIER))) -> dict[str, str | None]:
        return {"client_id": claims.client_id}

    caplog.set_level(logging.INFO, logger="airisk_auth")
    token = incomplete_token()
    headers = {"Authorization": f"Bearer {token}"}
    assert flask_app.test_client().get("/any", headers=headers).status_code == 401
    assert TestClient(fastapi_app).get("/any", headers=headers).status_code == 401
    assert [r.claim for r in refusals] == ["client_id"]
    records = [r for r in caplog.records if r.name == "airisk_auth"]
    line = f"request refused: MissingClaim ({aa.MissingClaimError.code}) of claim `client_id`, status 401, GET /any"
    assert [r.getMessage() for r in records] == [line, line]
    assert [getattr(r, "airisk_claim", None) for r in records] == ["client_id", "client_id"]
    for record in records:
        assert token not in repr(record.__dict__) and token.split(".")[2] not in record.getMessage()


def test_fastapi_scopes() -> None:
    import time

    from fastapi import Depends, FastAPI
    from fastapi.testclient import TestClient

    from airisk_auth.fastapi import BearerAuth, install

    app = FastAPI()
    install(app)

    @app.get("/write")
    def write(claims: aa.Claims = Depends(BearerAuth(VERIFIER, scopes=["conversations:write"]))) -> dict[str, str]:
        return {"scope": claims.scope or ""}

    now = int(time.time())
    reader = aa.Claims(ISS, now + 600, sub="user_42", client_id="abc123", user_token=True, iat=now, jti="r",
                       scope="conversations:read")
    refused = TestClient(app).get("/write", headers={"Authorization": f"Bearer {KEYS.mint(reader)}"})
    assert refused.status_code == 403
    assert 'scope="conversations:write"' in refused.headers["www-authenticate"]
