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


# ---------------------------------------------------------------- the grant lifecycle (issue 15)

RT_CLIENT, RT_SECRET = "rt-app", "rt-app-secret-0123456789abcdef"
PUBLIC_RT_CLIENT = "native-rt"
RS_CLIENT, RS_SECRET = "resource-server", "resource-server-secret-0123456789"


@pytest.fixture(scope="module")
def ed_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server signing with a fresh Ed25519 key, so its JWKS has a public key to fetch."""
    import airisk_auth as aa

    keys = tmp_path_factory.mktemp("ed-keys") / "keys.json"
    keys.write_text(aa.KeySet.generate_ed25519("ed-e2e").to_json(include_private=True), encoding="utf-8")
    keys.chmod(0o600)
    yield from running_server(keys=keys)


def rt_session(**extra: str) -> OAuth2Session:
    return OAuth2Session(RT_CLIENT, RT_SECRET, redirect_uri=REDIRECT, **extra)


def rs_session(method: str = "client_secret_basic") -> OAuth2Session:
    return OAuth2Session(RS_CLIENT, RS_SECRET, revocation_endpoint_auth_method=method)


def introspect(base: str, token: str, method: str = "client_secret_basic") -> dict[str, object]:
    resp = rs_session(method).introspect_token(f"{base}/api/oauth2/introspect", token=token)
    assert resp.status_code == 200, resp.text
    assert resp.headers["Cache-Control"] == "no-store"
    return dict(resp.json())


def route_status(base: str, access_token: str) -> int:
    resp = requests.get(f"{base}/api/Users/ListUsers", headers={"Authorization": f"Bearer {access_token}"},
                        timeout=10)
    return resp.status_code


def test_authlib_refresh_rotation_and_replay_revokes_the_family(ed_base: str) -> None:
    session = rt_session()
    first = authlib_flow(ed_base, session)
    assert isinstance(first["refresh_token"], str) and str(first["refresh_token"]).startswith("art1_")
    assert route_status(ed_base, str(first["access_token"])) == 200
    second = dict(session.refresh_token(f"{ed_base}/api/oauth2/Token", refresh_token=first["refresh_token"]))
    # Rotation: a new pair, both values different.
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert route_status(ed_base, str(second["access_token"])) == 200
    # The old refresh token again: a replay, refused with invalid_grant ...
    replayer = rt_session()
    with pytest.raises(OAuthError) as refused:
        replayer.refresh_token(f"{ed_base}/api/oauth2/Token", refresh_token=first["refresh_token"])
    assert refused.value.error == "invalid_grant"
    # ... and the whole family is revoked: the NEW access token is refused at the route,
    # and the new refresh token no longer works.
    assert route_status(ed_base, str(second["access_token"])) == 401
    assert route_status(ed_base, str(first["access_token"])) == 401
    with pytest.raises(OAuthError) as again:
        rt_session().refresh_token(f"{ed_base}/api/oauth2/Token", refresh_token=second["refresh_token"])
    assert again.value.error == "invalid_grant"
    assert introspect(ed_base, str(second["access_token"])) == {"active": False}


def test_authlib_revoke_token_then_the_token_is_refused(ed_base: str) -> None:
    session = rt_session()
    token = authlib_flow(ed_base, session)
    assert route_status(ed_base, str(token["access_token"])) == 200
    resp = session.revoke_token(f"{ed_base}/api/oauth2/revoke", token=str(token["access_token"]),
                                token_type_hint="access_token")
    assert (resp.status_code, resp.text) == (200, "")
    assert route_status(ed_base, str(token["access_token"])) == 401
    # RFC 7009 §2.2: any token, unknown or already revoked, gets the same 200.
    for other in (str(token["access_token"]), "not-a-token"):
        assert session.revoke_token(f"{ed_base}/api/oauth2/revoke", token=other).status_code == 200
    # Revoking the refresh token ends its family.
    assert session.revoke_token(f"{ed_base}/api/oauth2/revoke", token=str(token["refresh_token"]),
                                token_type_hint="refresh_token").status_code == 200
    with pytest.raises(OAuthError) as refused:
        rt_session().refresh_token(f"{ed_base}/api/oauth2/Token", refresh_token=token["refresh_token"])
    assert refused.value.error == "invalid_grant"


def test_introspection_over_basic_auth(ed_base: str) -> None:
    token = authlib_flow(ed_base, rt_session())
    active = introspect(ed_base, str(token["access_token"]))
    assert active["active"] is True and active["client_id"] == RT_CLIENT
    assert active["token_type"] == "Bearer" and isinstance(active["exp"], int)
    refresh = introspect(ed_base, str(token["refresh_token"]))
    assert refresh["active"] is True and refresh["token_type"] == "refresh_token"
    assert introspect(ed_base, "not-a-token") == {"active": False}
    # A client not registered for introspection learns nothing: invalid_client.
    resp = OAuth2Session(RT_CLIENT, RT_SECRET).introspect_token(f"{ed_base}/api/oauth2/introspect",
                                                                  token=str(token["access_token"]))
    assert resp.status_code == 401 and "active" not in resp.text


def test_metadata_jwks_and_an_eddsa_token_verified_by_pyjwt(ed_base: str) -> None:
    import jwt

    metadata = requests.get(f"{ed_base}/.well-known/oauth-authorization-server", timeout=10)
    assert metadata.status_code == 200 and metadata.headers["Content-Type"].startswith("application/json")
    document = metadata.json()
    assert document["issuer"] == "https://airisk.example"
    # The endpoint URLs name the issuer's host; the server under test is on loopback.
    for name, path in (("authorization_endpoint", "/api/oauth2"), ("token_endpoint", "/api/oauth2/Token"),
                       ("revocation_endpoint", "/api/oauth2/revoke"),
                       ("introspection_endpoint", "/api/oauth2/introspect"), ("jwks_uri", "/api/oauth2/jwks")):
        assert document[name] == "https://airisk.example" + path, name
    jwks = requests.get(ed_base + urllib.parse.urlsplit(document["jwks_uri"]).path, timeout=10)
    assert jwks.status_code == 200 and "max-age=" in jwks.headers["Cache-Control"]
    key_set = jwt.PyJWKSet.from_dict(jwks.json())
    assert [k.key_id for k in key_set.keys] == ["ed-e2e"]
    assert all("d" not in k for k in jwks.json()["keys"])  # public halves only
    token = str(authlib_flow(ed_base, rt_session())["access_token"])
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    key = key_set[header["kid"]]
    claims = jwt.decode(token, key=key, algorithms=["EdDSA"], issuer="https://airisk.example",
                        options={"require": ["exp", "iat", "iss", "sub"], "verify_aud": False})
    assert claims["client_id"] == RT_CLIENT
    # A tampered token fails PyJWT's verification with the same key.
    head, payload, signature = token.split(".")
    flipped = signature[:-2] + ("AA" if not signature.endswith("AA") else "BA")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(f"{head}.{payload}.{flipped}", key=key, algorithms=["EdDSA"], options={"verify_aud": False})


def test_every_advertised_method_and_grant_works(ed_base: str) -> None:
    """Metadata vs reality: each token-endpoint auth method with each grant type, each
    revocation and introspection auth method, and the PKCE method; and what is not
    advertised (plain PKCE, other grant types) is refused."""
    document = requests.get(f"{ed_base}/.well-known/oauth-authorization-server", timeout=10).json()
    token_url = f"{ed_base}/api/oauth2/Token"
    assert document["response_types_supported"] == ["code"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert set(document["grant_types_supported"]) == {"authorization_code", "refresh_token"}
    assert set(document["token_endpoint_auth_methods_supported"]) == {"client_secret_basic", "client_secret_post",
                                                                      "none"}
    checked: set[tuple[str, str]] = set()
    for method in document["token_endpoint_auth_methods_supported"]:
        if method == "none":
            session = OAuth2Session(PUBLIC_RT_CLIENT, token_endpoint_auth_method="none", redirect_uri=REDIRECT,
                                    code_challenge_method="S256")
            token = authlib_flow(ed_base, session, code_verifier=secrets.token_urlsafe(48))
        else:
            session = rt_session(token_endpoint_auth_method=method)
            token = authlib_flow(ed_base, session)
        checked.add((method, "authorization_code"))
        assert route_status(ed_base, str(token["access_token"])) == 200, method
        if "refresh_token" in document["grant_types_supported"]:
            new = dict(session.refresh_token(token_url, refresh_token=token["refresh_token"]))
            assert new["refresh_token"] != token["refresh_token"], method
            assert route_status(ed_base, str(new["access_token"])) == 200, method
            checked.add((method, "refresh_token"))
    assert checked == {(m, g) for m in document["token_endpoint_auth_methods_supported"]
                       for g in document["grant_types_supported"]}
    for method in document["revocation_endpoint_auth_methods_supported"]:
        if method == "none":
            session = OAuth2Session(PUBLIC_RT_CLIENT, token_endpoint_auth_method="none", redirect_uri=REDIRECT,
                                    code_challenge_method="S256", revocation_endpoint_auth_method="none")
            token = authlib_flow(ed_base, session, code_verifier=secrets.token_urlsafe(48))
        else:
            session = rt_session(revocation_endpoint_auth_method=method)
            token = authlib_flow(ed_base, session)
        assert session.revoke_token(document["revocation_endpoint"].replace("https://airisk.example", ed_base),
                                    token=str(token["access_token"])).status_code == 200, method
        assert route_status(ed_base, str(token["access_token"])) == 401, method
    good = str(authlib_flow(ed_base, rt_session())["access_token"])
    for method in document["introspection_endpoint_auth_methods_supported"]:
        assert introspect(ed_base, good, method)["active"] is True, method
    # Not advertised, not working: plain PKCE and other grant types.
    session = OAuth2Session(PUBLIC_RT_CLIENT, token_endpoint_auth_method="none", redirect_uri=REDIRECT,
                            code_challenge_method="plain")
    url, _ = session.create_authorization_url(f"{ed_base}/api/oauth2", code_verifier=secrets.token_urlsafe(48))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(browser(url)).query)
    assert "code" not in query and query["error"] == ["invalid_request"]
    for grant in ("client_credentials", "password", "urn:ietf:params:oauth:grant-type:device_code"):
        resp = requests.post(token_url, data={"grant_type": grant}, auth=(RT_CLIENT, RT_SECRET),
                             headers={"Accept": "application/json"}, timeout=10)
        assert resp.status_code == 400 and resp.json()["error"] == "unsupported_grant_type", grant
