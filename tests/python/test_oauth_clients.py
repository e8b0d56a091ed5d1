"""End to end with standard OAuth 2 client libraries (issue 14): authlib's
``OAuth2Session`` with each client authentication method, and requests-oauthlib's
default ``fetch_token``, against the reference server (examples/python/server.py)
on 127.0.0.1, or against ``airisk-auth serve`` on the same registry when AIRISK_SERVE_BIN
is set (scripts/test-http.sh runs this file both ways). Each completes the flow and calls a protected route; a wrong secret and
a replayed code make authlib raise ``OAuthError`` with the RFC 6749 §5.2 code."""

from __future__ import annotations

import base64
import os
import re
import secrets
import urllib.parse
from collections.abc import Iterator

import pytest
import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from requests_oauthlib import OAuth2Session as OAuthlibSession

from conftest import ROOT, running_server

REDIRECT = "https://localhost/callback"
CLIENT_ID, CLIENT_SECRET = "YOUR_client_id", "YOUR_client_secret"
PUBLIC_CLIENT = "native-app"
# The consent page at /api/oauth2/consent is the reference server's example of a host
# page beside the auto-approving /api/oauth2; `airisk-auth serve` approves at once unless
# started with --consent-page, whose page is tested by scripts/test-http.sh and the
# airisk-auth-axum consent tests.
reference_server_only = pytest.mark.skipif(
    bool(os.environ.get("AIRISK_SERVE_BIN")), reason="the consent page, its custom claim and /api/Reports belong to the reference server"
)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    yield from running_server()


@pytest.fixture(autouse=True)
def loopback_http(monkeypatch: pytest.MonkeyPatch) -> None:
    # The server is plain HTTP on 127.0.0.1; both libraries refuse http:// token
    # endpoints unless told otherwise.
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def browser(url: str) -> str:
    """The browser step: GET the authorization URL, return the redirect (not followed)."""
    resp = requests.get(url, allow_redirects=False, timeout=10)
    assert resp.status_code == 302, resp.text
    return resp.headers["Location"]


def authlib_flow(base: str, session: OAuth2Session, **extra: str) -> dict[str, object]:
    url, state = session.create_authorization_url(f"{base}/api/oauth2", **extra)
    location = browser(url)
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["state"] == [state]
    verifier = {"code_verifier": extra["code_verifier"]} if "code_verifier" in extra else {}
    token = session.fetch_token(f"{base}/api/oauth2/Token", authorization_response=location, **verifier)
    return dict(token)


def assert_protected_route_works(base: str, session: OAuth2Session | OAuthlibSession) -> None:
    resp = session.get(f"{base}/api/Users/ListUsers", timeout=10)
    assert resp.status_code == 200, resp.text
    assert {"userid": "user_42"} in resp.json()


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_authlib_confidential_client(base: str, method: str) -> None:
    session = OAuth2Session(CLIENT_ID, CLIENT_SECRET, token_endpoint_auth_method=method, redirect_uri=REDIRECT)
    token = authlib_flow(base, session)
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    assert_protected_route_works(base, session)


def test_authlib_public_client_with_pkce(base: str) -> None:
    session = OAuth2Session(PUBLIC_CLIENT, token_endpoint_auth_method="none", redirect_uri=REDIRECT,
                            code_challenge_method="S256")
    verifier = secrets.token_urlsafe(48)
    authlib_flow(base, session, code_verifier=verifier)
    assert_protected_route_works(base, session)


def test_public_client_without_pkce_is_refused_at_authorize(base: str) -> None:
    session = OAuth2Session(PUBLIC_CLIENT, token_endpoint_auth_method="none", redirect_uri=REDIRECT)
    url, _ = session.create_authorization_url(f"{base}/api/oauth2")
    resp = requests.get(url, allow_redirects=False, timeout=10)
    # The client and redirect URI are trusted: an RFC 6749 §4.1.2.1 error redirect.
    assert resp.status_code == 302
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(resp.headers["Location"]).query)
    assert query["error"] == ["invalid_request"] and "code" not in query


def test_authlib_wrong_secret_raises_invalid_client(base: str) -> None:
    for method in ("client_secret_basic", "client_secret_post"):
        session = OAuth2Session(CLIENT_ID, "wrong-secret", token_endpoint_auth_method=method, redirect_uri=REDIRECT)
        with pytest.raises(OAuthError) as refused:
            authlib_flow(base, session)
        assert refused.value.error == "invalid_client", method


def test_wrong_basic_secret_gets_a_basic_challenge(base: str) -> None:
    resp = requests.post(f"{base}/api/oauth2/Token", data={"code": "x", "redirect_uri": REDIRECT},
                         auth=(CLIENT_ID, "wrong-secret"), headers={"Accept": "application/json"}, timeout=10)
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"] == 'Basic realm="https://airisk.example"'
    assert resp.json()["error"] == "invalid_client"


def test_authlib_replayed_code_raises_invalid_grant(base: str) -> None:
    session = OAuth2Session(CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT)
    url, _ = session.create_authorization_url(f"{base}/api/oauth2")
    location = browser(url)
    session.fetch_token(f"{base}/api/oauth2/Token", authorization_response=location)
    replay = OAuth2Session(CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT)
    with pytest.raises(OAuthError) as refused:
        replay.fetch_token(f"{base}/api/oauth2/Token", authorization_response=location)
    assert refused.value.error == "invalid_grant"
    # ... and the token issued from the code is revoked (RFC 6749 §4.1.2).
    assert session.get(f"{base}/api/Users/ListUsers", timeout=10).status_code == 401


def test_requests_oauthlib_default_fetch_token(base: str) -> None:
    # Its default: client credentials in Authorization: Basic, none in the body.
    session = OAuthlibSession(CLIENT_ID, redirect_uri=REDIRECT)
    url, state = session.authorization_url(f"{base}/api/oauth2")
    location = browser(url)
    token = session.fetch_token(f"{base}/api/oauth2/Token", authorization_response=location,
                                client_secret=CLIENT_SECRET)
    assert token["token_type"] == "Bearer"
    assert_protected_route_works(base, session)


def test_pages_readers_keep_the_documented_text(base: str) -> None:
    # curl and browsers send */* (or nothing): the AIRisk text bodies stay.
    resp = requests.post(f"{base}/api/oauth2/Token",
                         data={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                               "redirect_uri": REDIRECT, "code": "SplxlOBeZQQYbYS6WxSbIA"},
                         headers={"Accept": "*/*"}, timeout=10)
    assert (resp.status_code, resp.text) == (400, "Invalid Code")
    resp = requests.post(f"{base}/api/oauth2/Token",
                         data={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                               "redirect_uri": REDIRECT, "code": "SplxlOBeZQQYbYS6WxSbIA"},
                         headers={"Accept": "application/json"}, timeout=10)
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_grant"


def test_hostile_basic_headers_never_get_past_validation(base: str) -> None:
    url = f"{base}/api/oauth2/Token"
    body = {"code": "x", "redirect_uri": REDIRECT}
    for header in (
        "Basic not-base64!!",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b"YOUR_client_id:%zz").decode(),
        "Basic " + "QUFB" * 2048,  # 8 KiB: over the 6 KiB bound (Werkzeug itself cuts at 64 KiB)
    ):
        resp = requests.post(url, data=body, headers={"Authorization": header}, timeout=30)
        assert resp.status_code == 401, header[:40]
        assert resp.headers["WWW-Authenticate"].startswith("Basic realm=")


def test_a_megabyte_basic_header_in_process() -> None:
    import airisk_auth as aa

    registry = aa.Registry.from_file(str(ROOT / "examples" / "python" / "registry.json"))
    issuer = aa.Issuer(aa.KeySet.generate_hs256("k"), registry, issuer="https://airisk.example",
                       store=aa.MemoryStore())
    answer = issuer.exchange("application/x-www-form-urlencoded", b"code=x",
                             authorization="Basic " + "QUFB" * (1024 * 1024 // 4))
    assert answer.status == 401 and answer.reason == "InvalidClientCredentials"


def consent_ticket(base: str, **params: str) -> str:
    page = requests.get(f"{base}/api/oauth2/consent",
                        params={"client_id": CLIENT_ID, "redirect_uri": REDIRECT, **params},
                        allow_redirects=False, timeout=10)
    assert page.status_code == 200, page.text
    match = re.search(r'name="ticket" value="([A-Za-z0-9_-]+)"', page.text)
    assert match, page.text
    return match.group(1)


def decide(base: str, ticket: str, decision: str) -> requests.Response:
    return requests.post(f"{base}/api/oauth2/decide", data={"ticket": ticket, "decision": decision},
                         allow_redirects=False, timeout=10)


@reference_server_only
def test_consent_page_denial_redirects_with_access_denied_and_state(base: str) -> None:
    ticket = consent_ticket(base, state="st-1", userid="user_42")
    denied = decide(base, ticket, "deny")
    assert denied.status_code == 302
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(denied.headers["Location"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == ["st-1"] and "code" not in query
    # The ticket was used up by the first decision.
    again = decide(base, ticket, "approve")
    assert again.status_code == 400 and again.json()["error"] == "invalid_request"


@reference_server_only
def test_consent_page_approval_gives_a_code_authlib_can_redeem(base: str) -> None:
    session = OAuth2Session(CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT)
    ticket = consent_ticket(base, state="st-2", response_type="code")
    approved = decide(base, ticket, "approve")
    assert approved.status_code == 302
    session.fetch_token(f"{base}/api/oauth2/Token", authorization_response=approved.headers["Location"])
    assert_protected_route_works(base, session)


@reference_server_only
def test_forged_and_random_tickets_are_refused(base: str) -> None:
    ticket = consent_ticket(base)
    forged = ticket[:-2] + ("AA" if not ticket.endswith("AA") else "BB")
    for bad in (forged, secrets.token_urlsafe(300), "", "A" * 20000):
        resp = decide(base, bad, "approve")
        assert resp.status_code == 400, bad[:20]
        assert "Location" not in resp.headers


@reference_server_only
def test_authlib_scoped_token_and_a_resource_needing_another_scope(base: str) -> None:
    session = OAuth2Session("abc123", "s3cret-abc123-0123456789abcdef", redirect_uri=REDIRECT,
                            scope="conversations:read")
    token = authlib_flow(base, session)
    assert token["scope"] == "conversations:read"
    refused = session.get(f"{base}/api/Reports", timeout=10)
    assert refused.status_code == 403
    assert refused.headers["WWW-Authenticate"] == 'Bearer error="insufficient_scope", scope="reports:read"'
    session = OAuth2Session("abc123", "s3cret-abc123-0123456789abcdef", redirect_uri=REDIRECT,
                            scope="reports:read conversations:read")
    authlib_flow(base, session)
    allowed = session.get(f"{base}/api/Reports", timeout=10)
    assert allowed.status_code == 200 and allowed.json()["scope"] == "reports:read conversations:read"
    # A scope the client is not granted: authlib sees the error redirect.
    url, _ = session.create_authorization_url(f"{base}/api/oauth2", scope="admin")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(browser(url)).query)
    assert query["error"] == ["invalid_scope"] and "code" not in query


@reference_server_only
def test_consent_approval_adds_a_custom_claim_the_resource_reads(base: str) -> None:
    session = OAuth2Session(CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT)
    ticket = consent_ticket(base, state="st-3", userid="user_42")
    approved = decide(base, ticket, "approve")
    assert approved.status_code == 302
    location = approved.headers["Location"]
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["code"][0]
    resp = requests.post(f"{base}/api/oauth2/Token", timeout=10, data={
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uri": REDIRECT,
        "code": code, "userid": "user_42"})
    assert resp.status_code == 200, resp.text
    session.token = resp.json()
    conversations = session.get(f"{base}/api/GetConversations", timeout=10)
    assert conversations.status_code == 200
    assert conversations.json()[0]["approved_via"] == "consent-page"
