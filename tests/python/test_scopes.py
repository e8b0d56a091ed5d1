"""Scopes and custom claims from Python (issue 14, points 6 and 7): requested at
authorize, carried into the token and its response, required by a resource;
custom claims added at approval or minted directly, read back as ``claims["role"]``."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest

import airisk_auth as aa

ISS = "https://airisk.example"
NOW = 1_743_423_132
CB = "https%3A%2F%2Flocalhost%2Fcb"
SECRET = "s3cret-0123456789"


@pytest.fixture()
def issuer() -> aa.Issuer:
    registry = aa.Registry.from_json(json.dumps({
        "clients": [
            {"client_id": "abc123", "client_secret": SECRET, "redirect_uri": "https://localhost/cb",
             "scopes": ["read:risk", "write:risk"], "default_scopes": ["read:risk"]},
        ],
        "users": [{"userid": "user_42"}],
    }))
    return aa.Issuer(aa.KeySet.generate_hs256("k"), registry, issuer=ISS, code_key=b"C" * 32,
                     store=aa.MemoryStore())


def location(resp: aa.Response) -> dict[str, str]:
    query = urlsplit(resp.header("Location") or "").query
    return {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}


def exchange(issuer: aa.Issuer, code: str, now: int = NOW + 1) -> aa.Response:
    body = f"client_id=abc123&client_secret={SECRET}&redirect_uri={CB}&code={code}&userid=user_42"
    return issuer.exchange_at("application/x-www-form-urlencoded", body, now)


def test_a_granted_scope_reaches_the_token_and_a_resource_checks_it(issuer: aa.Issuer) -> None:
    resp = issuer.authorize_at(f"client_id=abc123&redirect_uri={CB}&userid=user_42&scope=write%3Arisk", NOW)
    assert resp.status == 302
    token = exchange(issuer, location(resp)["code"])
    body = json.loads(token.body)
    assert body["scope"] == "write:risk"
    header = f"Bearer {body['access_token']}"
    claims = aa.check_bearer(issuer.verifier(), header, access="user", scopes=["write:risk"], now=NOW + 2)
    assert isinstance(claims, aa.Claims)
    assert claims.scope == "write:risk" and claims.scopes == ("write:risk",)
    assert claims.has_scopes(["write:risk"]) and not claims.has_scopes(["read:risk"])
    refused = aa.check_bearer(issuer.verifier(), header, scopes=["read:risk", "write:risk"], now=NOW + 2)
    assert isinstance(refused, aa.Response)
    assert refused.status == 403 and refused.reason == "InsufficientScope"
    assert refused.header("WWW-Authenticate") == 'Bearer error="insufficient_scope", scope="read:risk write:risk"'


def test_no_scope_gets_the_default_and_an_unknown_one_is_an_error_redirect(issuer: aa.Issuer) -> None:
    pending = issuer.validate_authorization(f"client_id=abc123&redirect_uri={CB}")
    assert isinstance(pending, aa.PendingAuthorization)
    assert pending.scope == "read:risk"
    resp = issuer.authorize_at(f"client_id=abc123&redirect_uri={CB}&scope=delete&state=s1", NOW)
    assert resp.status == 302 and resp.reason == "InvalidScope"
    assert location(resp) == {
        "error": "invalid_scope",
        "error_description": "A requested scope is unknown or not granted.",
        "state": "s1",
    }


def test_custom_claims_added_at_approval_read_back(issuer: aa.Issuer) -> None:
    pending = issuer.validate_authorization(f"client_id=abc123&redirect_uri={CB}&userid=user_42")
    assert isinstance(pending, aa.PendingAuthorization)
    resp = issuer.approve_at(pending, NOW, claims={"role": "admin", "tenant": {"id": 7}})
    token = json.loads(exchange(issuer, location(resp)["code"]).body)["access_token"]
    claims = issuer.verifier().verify_at(token, NOW + 2)
    assert claims["role"] == "admin"
    assert claims.get("tenant") == {"id": 7}
    assert claims.custom == {"role": "admin", "tenant": {"id": 7}}
    assert claims["sub"] == "user_42" and claims["user_token"] is True
    assert "role" in claims and "nope" not in claims and "nbf" not in claims
    assert claims.get("nope", 5) == 5
    with pytest.raises(KeyError):
        claims["nope"]
    assert "custom" not in claims.to_dict() and claims.to_dict()["sub"] == "user_42"
    # Through the bearer check too.
    checked = aa.check_bearer(issuer.verifier(), f"Bearer {token}", now=NOW + 2)
    assert isinstance(checked, aa.Claims) and checked["role"] == "admin"


def test_reserved_or_oversized_claims_are_refused_at_approval(issuer: aa.Issuer) -> None:
    pending = issuer.validate_authorization(f"client_id=abc123&redirect_uri={CB}")
    assert isinstance(pending, aa.PendingAuthorization)
    for name in ("sub", "scope", "exp", "user_token", ""):
        with pytest.raises(aa.errors.InvalidClaimsError):
            issuer.approve_at(pending, NOW, claims={name: "x"})
    with pytest.raises(aa.errors.InvalidClaimsError):
        issuer.approve_at(pending, NOW, claims={"blob": "x" * 4096})


def test_minting_directly_with_custom_claims() -> None:
    keys = aa.KeySet.generate_hs256("k")
    claims = aa.Claims(ISS, NOW + 60, sub="abc123", client_id="abc123", iat=NOW, jti="j",
                       scope="read:risk", role="admin", custom={"level": 3})
    assert claims.custom == {"role": "admin", "level": 3}
    token = keys.mint(claims)
    back = aa.Verifier(keys, aa.Policy(ISS)).verify_at(token, NOW + 1)
    assert (back["role"], back["level"], back.scope) == ("admin", 3, "read:risk")
    with pytest.raises(aa.errors.InvalidClaimsError):
        keys.mint(aa.Claims(ISS, NOW + 60, custom={"iss": "evil"}))
    # A registered token without custom claims reads as before.
    plain = aa.Verifier(keys, aa.Policy(ISS)).verify_at(
        keys.mint(aa.Claims.generic(ISS, "abc123", NOW, 60, "j2")), NOW + 1)
    assert plain.custom == {} and "scope" not in plain.to_dict() and plain.scope is None
