"""The shared vectors (tests/vectors, format in its README): same outcome as Rust, case by case."""

from __future__ import annotations

import base64
import json
import re
import urllib.parse
from typing import Any

import pytest

import airisk_auth as aa
from airisk_auth import dangerous
from conftest import load_vectors

TOKENS = load_vectors("tokens.json")
FLOWS = load_vectors("flows.json")
LIFECYCLE = load_vectors("lifecycle.json")
TRACE_ID = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-00$")


def keyset(name: str) -> aa.KeySet:
    return aa.KeySet.from_json(json.dumps(TOKENS["keysets"][name]))


def policy(name: str) -> aa.Policy:
    return aa.Policy(**TOKENS["policies"][name])


def error_class(name: str) -> type[aa.AuthError]:
    cls = getattr(aa, name + "Error", None)
    assert cls is not None, f"no Python class for core error {name!r}"
    return cls  # type: ignore[no-any-return]


def ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c["name"] for c in cases]


def token_of(case: dict[str, Any]) -> str:
    """`token`, or `token_build`: each text repeated, concatenated (megabyte inputs)."""
    if "token_build" in case:
        return "".join(text * times for text, times in case["token_build"])
    return str(case["token"])


@pytest.mark.parametrize("case", TOKENS["verify"], ids=ids(TOKENS["verify"]))
def test_verify(case: dict[str, Any]) -> None:
    verifier = aa.Verifier(keyset(case["keyset"]), policy(case["policy"]))
    expect = case["expect"]
    token = token_of(case)
    if "error" in expect:
        with pytest.raises(error_class(expect["error"])) as info:
            verifier.verify_at(token, case["now"])
        assert info.value.name == expect["error"]
    else:
        assert verifier.verify_at(token, case["now"]).to_dict() == expect["claims"]


@pytest.mark.parametrize("case", TOKENS["mint"], ids=ids(TOKENS["mint"]))
def test_mint(case: dict[str, Any]) -> None:
    c = dict(case["claims"])
    claims = aa.Claims(c.pop("iss"), c.pop("exp"), **c)
    assert keyset(case["keyset"]).mint(claims) == case["token"]


@pytest.mark.parametrize("case", TOKENS["jws"], ids=ids(TOKENS["jws"]))
def test_jws(case: dict[str, Any]) -> None:
    assert dangerous.sign_jws(keyset(case["keyset"]), case["header"], case["payload"]) == case["token"]


@pytest.mark.parametrize("case", TOKENS["keys"], ids=ids(TOKENS["keys"]))
def test_keys(case: dict[str, Any]) -> None:
    # A lone JWK is loaded as the one key of a set: the same key parsing as Key::from_jwk.
    document = case["keyset"] if "keyset" in case else '{"keys":[' + case["jwk"] + "]}"
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(error_class(expect["error"])):
            aa.KeySet.from_json(document)
    else:
        assert len(aa.KeySet.from_json(document)) >= 1


def test_every_expected_error_name_is_a_class() -> None:
    names = {c["expect"]["error"] for c in TOKENS["verify"] + TOKENS["keys"] if "error" in c["expect"]}
    names |= {
        s["expect"]["reason"]
        for doc in (FLOWS, LIFECYCLE)
        for sc in doc["scenarios"]
        for s in sc["steps"]
        if s["expect"].get("reason")
    }
    assert names, "the vectors name errors"
    for name in names:
        assert issubclass(error_class(name), aa.AuthError)


def fresh_issuer(setup: dict[str, Any]) -> aa.Issuer:
    config = setup["issuer"]
    pad = "=" * (-len(setup["code_key"]) % 4)
    code_key = base64.urlsafe_b64decode(setup["code_key"] + pad)
    return aa.Issuer(
        aa.KeySet.from_json(json.dumps(setup["keyset"])),
        aa.Registry.from_json(json.dumps(setup["registry"])),
        issuer=config["issuer"],
        store=aa.MemoryStore(),
        audience=config["audience"],
        code_ttl=config["code_ttl"],
        token_ttl=config["token_ttl"],
        code_key=code_key,
    )


def substitute(value: Any, saved: dict[str, str]) -> Any:
    if isinstance(value, str):
        for name, text in saved.items():
            value = value.replace("{" + name + "}", text)
    return value


def check_response(resp: aa.Response, expect: dict[str, Any], verifier: aa.Verifier, now: int) -> None:
    assert resp.status == expect["status"], (resp, resp.body)
    if "reason" in expect:
        assert resp.reason == expect["reason"]
    if "content_type" in expect:
        assert resp.content_type == expect["content_type"]
    if "body" in expect:
        assert resp.body == expect["body"]
    for name, value in expect.get("headers", {}).items():
        assert resp.header(name) == value, name
    if "problem" in expect:
        body = json.loads(resp.body)
        assert {k: v for k, v in body.items() if k != "traceId"} == expect["problem"]
        assert TRACE_ID.match(body["traceId"])
    location = resp.header("Location")
    if "location_prefix" in expect:
        assert location is not None and location.startswith(expect["location_prefix"])
    if "location_params" in expect:
        assert location is not None
        query = urllib.parse.urlsplit(location).query
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True, strict_parsing=True))
        assert params.keys() == expect["location_params"].keys()
        for name, value in expect["location_params"].items():
            if value == "<code>":
                assert len(params[name]) == 56
            else:
                assert params[name] == value
    if "json" in expect:
        body = json.loads(resp.body)
        for name, value in expect["json"].items():
            assert body[name] == value, name
    if "claims" in expect:
        claims = verifier.verify_at(json.loads(resp.body)["access_token"], now).to_dict()
        for name, value in expect["claims"].items():
            assert claims[name] == value, name
    if "custom" in expect:
        claims = verifier.verify_at(json.loads(resp.body)["access_token"], now)
        assert claims.custom == expect["custom"]


@pytest.mark.parametrize("scenario", FLOWS["scenarios"], ids=ids(FLOWS["scenarios"]))
def test_flow(scenario: dict[str, Any]) -> None:
    replay(FLOWS["setup"], scenario)


@pytest.mark.parametrize("scenario", LIFECYCLE["scenarios"], ids=ids(LIFECYCLE["scenarios"]))
def test_lifecycle(scenario: dict[str, Any]) -> None:
    replay(LIFECYCLE["setup"], scenario)


def test_lifecycle_vectors_cover_every_lifecycle_op() -> None:
    ops = {s["op"] for sc in LIFECYCLE["scenarios"] for s in sc["steps"]}
    assert {"revoke", "introspect", "metadata", "jwks", "revoke_grant"} <= ops
    saves = {kind for sc in LIFECYCLE["scenarios"] for s in sc["steps"] for kind in s.get("save", {})}
    assert "refresh" in saves


def replay(setup: dict[str, Any], scenario: dict[str, Any]) -> None:
    """Runs one scenario's steps on a fresh issuer, as the Rust runner does."""
    issuer = fresh_issuer(setup)
    verifier = issuer.verifier()
    saved: dict[str, str] = {}
    for index, step in enumerate(scenario["steps"]):
        expect, now, op = step["expect"], step["now"], step["op"]
        if op == "authorize" and "claims" in step:
            # Validate, then approve with the host's custom claims.
            pending = issuer.validate_authorization(substitute(step["query"], saved))
            if not isinstance(pending, aa.PendingAuthorization):
                resp = pending
            elif "error" in expect:
                with pytest.raises(aa.AuthError) as info:
                    issuer.approve_at(pending, now, claims=step["claims"])
                assert info.value.name == expect["error"]
                continue
            else:
                resp = issuer.approve_at(pending, now, claims=step["claims"])
        elif op == "authorize":
            resp = issuer.authorize_at(substitute(step["query"], saved), now)
        elif op in ("exchange", "revoke", "introspect"):
            endpoint = {"exchange": issuer.exchange_at, "revoke": issuer.revoke_at,
                        "introspect": issuer.introspect_at}[op]
            authorization = step.get("authorization")
            resp = endpoint(
                step["content_type"],
                substitute(step["body"], saved).encode(),
                now,
                authorization=None if authorization is None else substitute(authorization, saved),
                accept=step.get("accept"),
            )
        elif op == "metadata":
            resp = issuer.metadata()
            assert json.loads(resp.body) == issuer.metadata_json()
        elif op == "jwks":
            resp = issuer.jwks()
        elif op == "revoke_grant":
            try:
                issuer.revoke_grant_at(step["client_id"], step["userid"], now)
            except aa.AuthError as error:
                assert error.name == expect["error"], f"step {index}"
            else:
                assert expect["error"] is None, f"step {index}: no {expect['error']} raised"
            continue
        elif op == "seal":
            pending = issuer.validate_authorization(substitute(step["query"], saved))
            assert isinstance(pending, aa.PendingAuthorization), pending
            saved[step["save"]["ticket"]] = issuer.seal_at(pending, now)
            continue
        elif op == "open":
            ticket = substitute(step["ticket"], saved)
            if step.get("tamper"):
                middle = len(ticket) // 2
                ticket = ticket[:middle] + ("B" if ticket[middle] == "A" else "A") + ticket[middle + 1:]
            opened = issuer.open_ticket_at(ticket, now)
            if isinstance(opened, aa.Response):
                resp = opened
            elif step["decision"] == "deny":
                resp = issuer.deny(opened)
            else:
                resp = issuer.approve_at(opened, now)
        elif op == "bearer":
            result = aa.check_bearer(verifier, substitute(step["authorization"], saved), access=step["access"],
                                     scopes=step.get("scopes", "").split(), now=now)
            if expect["status"] == 200:
                assert isinstance(result, aa.Claims), f"step {index}: {result!r}"
                for name, value in expect.get("claims", {}).items():
                    assert result.to_dict()[name] == value, name
                continue
            assert isinstance(result, aa.Response), f"step {index}: {result!r}"
            resp = result
        else:
            pytest.fail(f"unknown op {op!r}")
        check_response(resp, expect, verifier, now)
        for kind, name in step.get("save", {}).items():
            if kind == "code":
                location = resp.header("Location") or ""
                saved[name] = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))["code"]
            elif kind == "token":
                saved[name] = json.loads(resp.body)["access_token"]
            elif kind == "refresh":
                saved[name] = json.loads(resp.body)["refresh_token"]
            else:
                pytest.fail(f"step {index}: unknown save kind {kind!r}")
