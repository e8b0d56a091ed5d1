"""The Flask decorator and the FastAPI dependency."""

from __future__ import annotations

import sys

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

    code = "import airisk_auth, sys; print('flask' in sys.modules, 'fastapi' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


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
