"""End to end: the reference server (examples/python/server.py) on 127.0.0.1, driven
over real HTTP with the AIRisk documentation's own requests.

With AIRISK_SERVE_BIN set to an `airisk-auth` binary (scripts/test-http.sh sets it), the
same tests drive `airisk-auth serve` on the same registry instead."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator

import pytest
import requests

from conftest import running_server

REDIRECT = "https://localhost/callback"
CLIENT_ID, CLIENT_SECRET = "YOUR_client_id", "YOUR_client_secret"
TRACE_ID = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-00$")
PROBLEM_401 = {"type": "https://tools.ietf.org/html/rfc9110#section-15.5.2", "title": "Unauthorized", "status": 401}


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    yield from running_server()


def authorize(base: str, **params: str) -> str:
    """The code from the 302 of GET /api/oauth2 (the browser step, not followed)."""
    resp = requests.get(f"{base}/api/oauth2", params={"client_id": CLIENT_ID, "redirect_uri": REDIRECT, **params},
                        allow_redirects=False, timeout=10)
    assert resp.status_code == 302, resp.text
    assert resp.headers["Cache-Control"] == "no-store"
    location = resp.headers["Location"]
    assert location.startswith(REDIRECT + "?code=")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    if "state" in params:
        assert query["state"] == params["state"]
    return query["code"]


def assert_problem_401(resp: requests.Response) -> None:
    assert resp.status_code == 401
    assert resp.headers["Content-Type"] == "application/problem+json; charset=utf-8"
    body = resp.json()
    assert {k: body[k] for k in ("type", "title", "status")} == PROBLEM_401
    assert TRACE_ID.match(body["traceId"])


def assert_text_400(resp: requests.Response, text: str) -> None:
    assert resp.status_code == 400
    assert resp.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert resp.text == text


def test_generic_token_form_request_as_in_the_curl_example(base: str) -> None:
    code = authorize(base, state="xyz")
    # curl -X POST ".../api/oauth2/Token" -H "Content-Type: application/x-www-form-urlencoded" -d "client_id=..."
    resp = requests.post(
        f"{base}/api/oauth2/Token",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        data=f"client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
             f"&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code={code}",
        timeout=10,
    )
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    assert resp.headers["Cache-Control"] == "no-store"
    token_response = resp.json()
    assert token_response["token_type"] == "Bearer" and token_response["expires_in"] == 3600
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", token_response["expiration"])
    token = token_response["access_token"]
    assert token.startswith("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCI")
    # A generic token may list users but not read a user's conversations.
    listed = requests.get(f"{base}/api/Users/ListUsers", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert listed.status_code == 200 and {"userid": "user_42"} in listed.json()
    resp = requests.get(f"{base}/api/GetConversations",
                        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}, timeout=10)
    assert resp.status_code == 403
    assert resp.headers["WWW-Authenticate"] == 'Bearer error="insufficient_scope"'


def test_user_token_json_request_as_in_the_requests_example(base: str) -> None:
    code = authorize(base, userid="user_42")
    token_url = f"{base}/api/oauth2/Token"
    data = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uri": REDIRECT,
            "code": code, "userid": "user_42"}
    response = requests.post(token_url, json=data, timeout=10)
    token_response = response.json()
    access_token = token_response.get("access_token")
    assert response.status_code == 200 and access_token
    response = requests.get(f"{base}/api/GetConversations",
                            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
                            timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()[0]["userid"] == "user_42" and response.json()[0]["company_id"] == "acme"
    # The code is single use: a replay is refused, and revokes the token issued from it.
    replay = requests.post(token_url, json=data, timeout=10)
    assert_text_400(replay, "Invalid Code")
    revoked = requests.get(f"{base}/api/GetConversations",
                           headers={"Authorization": f"Bearer {access_token}"}, timeout=10)
    assert revoked.status_code == 401
    assert revoked.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_documented_token_errors(base: str) -> None:
    url = f"{base}/api/oauth2/Token"
    full = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uri": REDIRECT}
    # Missing parameters: 400 text/plain naming the field.
    assert_text_400(requests.post(url, data={k: v for k, v in full.items() if k != "client_id"}, timeout=10),
                    "Invalid client_id")
    assert_text_400(requests.post(url, data={k: v for k, v in full.items() if k != "client_secret"}, timeout=10),
                    "Invalid client_secret")
    assert_text_400(requests.post(url, data={**full, "code": "SplxlOBeZQQYbYS6WxSbIA"}, timeout=10), "Invalid Code")
    # Unknown client or wrong secret: 401 problem+json.
    assert_problem_401(requests.post(url, data={**full, "client_id": "nobody", "code": "x"}, timeout=10))
    assert_problem_401(requests.post(url, json={**full, "client_secret": "wrong", "code": "x"}, timeout=10))
    # userid given at authorize but omitted at exchange (and the reverse) fails.
    code = authorize(base, userid="user_42")
    assert_text_400(requests.post(url, json={**full, "code": code}, timeout=10), "Invalid Code")
    code = authorize(base)
    assert_text_400(requests.post(url, json={**full, "code": code, "userid": "user_42"}, timeout=10), "Invalid Code")


def test_documented_authorize_errors(base: str) -> None:
    url = f"{base}/api/oauth2"
    unknown = requests.get(url, params={"client_id": "nobody", "redirect_uri": REDIRECT},
                           allow_redirects=False, timeout=10)
    assert_problem_401(unknown)
    assert "Location" not in unknown.headers
    bad_uri = requests.get(url, params={"client_id": CLIENT_ID, "redirect_uri": "https://evil.example/cb"},
                           allow_redirects=False, timeout=10)
    assert_problem_401(bad_uri)
    assert "Location" not in bad_uri.headers
    missing = requests.get(url, params={"client_id": CLIENT_ID}, allow_redirects=False, timeout=10)
    assert missing.status_code == 400 and missing.json()["title"] == "Bad Request"
    not_utf8 = requests.get(url + "?client_id=%FF&redirect_uri=x", allow_redirects=False, timeout=10)
    assert not_utf8.status_code == 400


def test_bearer_errors(base: str) -> None:
    url = f"{base}/api/GetConversations"
    none = requests.get(url, timeout=10)
    assert none.status_code == 401 and none.headers["WWW-Authenticate"] == "Bearer"
    bad = requests.get(url, headers={"Authorization": "Bearer AAABBBCCC111222333444"}, timeout=10)
    assert bad.status_code == 401 and bad.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert json.loads(bad.text or "null") is None  # the body says nothing about why
