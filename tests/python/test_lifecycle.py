"""The grant lifecycle from Python (issue 15): revocation, introspection, metadata, the
JWKS and grant revocation on `Issuer`, and the fail-closed rules of the `Store`
protocol's optional lifecycle groups (a missing group, half a group, a wrong answer)."""

from __future__ import annotations

import json
import logging
import urllib.parse
from typing import Any

import pytest

import airisk_auth as aa
from airisk_auth import Redemption

ISS = "https://airisk.example"
FORM = "application/x-www-form-urlencoded"
CB = "https://localhost/callback"
RT_SECRET = "rt-secret-0123456789abcdef"
RS_SECRET = "rs-secret-0123456789abcdef"
REGISTRY = aa.Registry.from_json(json.dumps({
    "clients": [
        {"client_id": "rt", "client_secret": RT_SECRET, "redirect_uri": CB, "refresh_tokens": True},
        {"client_id": "rs", "client_secret": RS_SECRET, "redirect_uri": CB, "introspect": True},
    ],
    "users": [{"userid": "user_42"}],
}))
T = 1_800_000_000


def issuer_on(store: Any, keys: aa.KeySet | None = None) -> aa.Issuer:
    return aa.Issuer(keys or aa.KeySet.generate_hs256("k1"), REGISTRY, issuer=ISS, store=store)


def code_for(issuer: aa.Issuer, now: int, userid: str = "user_42") -> str:
    location = issuer.authorize_at(f"client_id=rt&redirect_uri={urllib.parse.quote(CB, safe='')}&userid={userid}",
                                   now).header("Location")
    assert location is not None
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))["code"]


def exchange(issuer: aa.Issuer, now: int) -> aa.Response:
    body = urllib.parse.urlencode({"client_id": "rt", "client_secret": RT_SECRET, "redirect_uri": CB,
                                   "code": code_for(issuer, now), "userid": "user_42"})
    return issuer.exchange_at(FORM, body, now + 1)


def refresh(issuer: aa.Issuer, token: str, now: int) -> aa.Response:
    return issuer.exchange_at(FORM, urllib.parse.urlencode({
        "grant_type": "refresh_token", "client_id": "rt", "client_secret": RT_SECRET, "refresh_token": token}), now)


# ---------------------------------------------------------------- the Issuer calls


def test_revoke_and_introspect_take_the_request_parts_of_exchange() -> None:
    issuer = issuer_on(aa.MemoryStore())
    pair = json.loads(exchange(issuer, T).body)
    basic = "Basic " + __import__("base64").b64encode(f"rs:{RS_SECRET}".encode()).decode()
    active = issuer.introspect_at(FORM, "token=" + pair["access_token"], T + 2, authorization=basic)
    assert (active.status, active.header("Cache-Control")) == (200, "no-store")
    body = json.loads(active.body)
    assert body["active"] is True and body["client_id"] == "rt" and body["userid"] == "user_42"
    # Revocation by the owning client, its secret in the body, as bytes or str.
    revoked = issuer.revoke_at(FORM, f"client_id=rt&client_secret={RT_SECRET}&token={pair['access_token']}".encode(),
                               T + 3)
    assert (revoked.status, revoked.body) == (200, "")
    inactive = issuer.introspect_at(FORM, "token=" + pair["access_token"], T + 4, authorization=basic)
    assert inactive.body == '{"active":false}'
    # The clock-reading forms answer too (no token: 400 with the RFC error for JSON clients).
    missing = issuer.revoke(FORM, f"client_id=rt&client_secret={RT_SECRET}", accept="application/json")
    assert missing.status == 400 and json.loads(missing.body)["error"] == "invalid_request"
    assert issuer.introspect(FORM, "token=x", authorization=basic).body == '{"active":false}'


def test_metadata_and_jwks() -> None:
    issuer = issuer_on(aa.MemoryStore(), keys=aa.KeySet.generate_ed25519("ed-1"))
    document = issuer.metadata_json()
    assert isinstance(document, dict)
    assert document["issuer"] == ISS
    assert document["revocation_endpoint"] == ISS + "/api/oauth2/revoke"
    assert document["code_challenge_methods_supported"] == ["S256"]
    answer = issuer.metadata()
    assert answer.status == 200 and json.loads(answer.body) == document
    assert answer.header("Cache-Control") == "public, max-age=300"
    assert issuer.metadata_path() == "/.well-known/oauth-authorization-server"
    jwks = json.loads(issuer.jwks().body)
    assert [(k["kid"], k["kty"], k["crv"]) for k in jwks["keys"]] == [("ed-1", "OKP", "Ed25519")]
    assert all("d" not in k for k in jwks["keys"])
    assert json.loads(issuer_on(aa.MemoryStore()).jwks().body) == {"keys": []}


def test_revoke_grant_refuses_earlier_tokens_and_a_reconsent_works() -> None:
    issuer = issuer_on(aa.MemoryStore())
    verifier = issuer.verifier()
    old = json.loads(exchange(issuer, T).body)
    issuer.revoke_grant_at("rt", "user_42", T + 5)
    with pytest.raises(aa.TokenRevokedError):
        verifier.verify_at(old["access_token"], T + 6)
    assert refresh(issuer, old["refresh_token"], T + 6).status == 400
    again = json.loads(exchange(issuer, T + 6).body)
    assert verifier.verify_at(again["access_token"], T + 8).userid == "user_42"
    # The generic grant and the clock-reading form.
    issuer.revoke_grant("rt")
    issuer.revoke_grant("rt", userid=None)
    assert verifier.verify_at(again["access_token"], T + 8).userid == "user_42"


# ---------------------------------------------------------------- Python stores: the optional groups


class CoreStore:
    """Only the core protocol: redemptions and revoked ids."""

    def __init__(self) -> None:
        self.codes: set[str] = set()
        self.revoked: set[str] = set()

    def redeem(self, code_id: str, expires_at: int, now: int) -> Redemption:
        if code_id in self.codes:
            return Redemption.REPLAYED
        self.codes.add(code_id)
        return Redemption.FIRST

    def revoke(self, jti: str, until: int, now: int) -> None:
        self.revoked.add(jti)

    def is_revoked(self, jti: str, now: int) -> bool:
        return jti in self.revoked


def test_a_store_without_the_groups_fails_closed() -> None:
    store = CoreStore()
    assert isinstance(store, aa.Store) and not isinstance(store, aa.LifecycleStore)
    issuer = issuer_on(store)
    # No refresh token can be kept: the exchange of a refresh client issues nothing.
    answer = exchange(issuer, T)
    assert (answer.status, answer.reason) == (503, "LedgerUnavailable")
    assert "access_token" not in answer.body
    with pytest.raises(aa.LedgerUnavailableError):
        issuer.revoke_grant_at("rt", "user_42", T)
    with pytest.raises(aa.LedgerUnavailableError):
        issuer.revoke_grant("rt")
    # A refresh token presented to it is refused with 503, never accepted.
    refused = refresh(issuer, "art1_" + "A" * 43, T)
    assert (refused.status, refused.reason) == (503, "LedgerUnavailable")


@pytest.mark.parametrize("missing", ["is_grant_revoked", "refresh_peek"])
def test_half_a_group_is_a_type_error(missing: str) -> None:
    from test_store_conformance import DictStore

    class Half(DictStore):
        pass

    setattr(Half, missing, None)
    with pytest.raises(TypeError, match="all of them or none"):
        issuer_on(Half())


def lifecycle_store(**answers: Any) -> Any:
    """A full lifecycle store whose named methods answer the given values instead."""
    from test_store_conformance import DictStore

    store = DictStore()
    for name, value in answers.items():
        setattr(store, name, lambda *args, _value=value: _value)
    return store


WRONG_REFRESH_ANSWERS = [
    True,
    1,
    "first",
    Redemption.FIRST,
    [Redemption.FIRST, "{}"],
    (Redemption.FIRST,),
    (Redemption.FIRST, "{}", "extra"),
    ("first", "{}"),
    (True, "{}"),
    (Redemption.FIRST, b"{}"),
    (Redemption.FIRST, "{}"),
    (Redemption.FIRST, "not json"),
    (Redemption.FIRST, '{"family":"x"}'),
    (Redemption.FIRST, "x" * 100_000),
]


@pytest.mark.parametrize("answer", WRONG_REFRESH_ANSWERS, ids=[repr(a)[:40] for a in WRONG_REFRESH_ANSWERS])
def test_a_wrong_refresh_answer_is_503(answer: Any, caplog: pytest.LogCaptureFixture) -> None:
    for method in ("refresh_use", "refresh_peek"):
        store = lifecycle_store()
        issuer = issuer_on(store)
        token = json.loads(exchange(issuer, T).body)["refresh_token"]
        setattr(store, method, lambda *args: answer)
        with caplog.at_level(logging.WARNING, logger="airisk_auth"):
            refused = refresh(issuer, token, T + 2)
        assert (refused.status, refused.reason) == (503, "LedgerUnavailable"), method
        assert "access_token" not in refused.body
        assert "LedgerUnavailable" in caplog.text


@pytest.mark.parametrize("answer", [1, 0, None, "yes", (False,)])
def test_a_wrong_grant_answer_refuses_the_token(answer: Any) -> None:
    store = lifecycle_store()
    issuer = issuer_on(store)
    access = json.loads(exchange(issuer, T).body)["access_token"]
    store.is_grant_revoked = lambda *args: answer
    with pytest.raises(aa.LedgerUnavailableError):
        issuer.verifier().verify_at(access, T + 2)


@pytest.mark.parametrize("answer", [False, 0, "ok"])
def test_a_wrong_revoke_grant_answer_raises(answer: Any) -> None:
    with pytest.raises(aa.LedgerUnavailableError):
        issuer_on(lifecycle_store(revoke_grant=answer)).revoke_grant_at("rt", "user_42", T)


def test_a_raising_refresh_insert_issues_nothing() -> None:
    store = lifecycle_store()

    def broken(*args: Any) -> None:
        raise RuntimeError("down")

    store.refresh_insert = broken
    answer = exchange(issuer_on(store), T)
    assert (answer.status, answer.reason) == (503, "LedgerUnavailable")
    assert "access_token" not in answer.body


def test_the_store_sees_digests_and_records_never_tokens() -> None:
    store = lifecycle_store()
    issuer = issuer_on(store)
    pair = json.loads(exchange(issuer, T).body)
    ((digest, (record, expires_at, used)),) = store.refresh.items()
    assert len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)
    assert pair["refresh_token"] not in json.dumps(store.refresh)
    assert json.loads(record)["client_id"] == "rt" and expires_at > T and used is False
    calls: list[tuple[str, tuple[Any, ...]]] = []
    real = store.is_grant_revoked

    def spy(*args: Any) -> bool:
        calls.append(("is_grant_revoked", args))
        return bool(real(*args))

    store.is_grant_revoked = spy
    issuer.verifier().verify_at(pair["access_token"], T + 2)
    assert calls == [("is_grant_revoked", ("rt", "user_42", T + 1, T + 2))]
