"""Plugging a Python object in as the issuer's store (``store=``, and its deprecated
halves ``ledger=`` / ``revocations=``): the whole exchange through a plain-Python
store, and failing closed on every way such an object can misbehave. (The Redis
ledger: test_ledger_redis.py; every store against one contract: test_store_conformance.py.)"""

from __future__ import annotations

import enum
import json
import logging
import re
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

# Most fail-closed cases below plug one half through the deprecated ledger= /
# revocations= (the same code path as store=); the warning itself is tested once.
pytestmark = pytest.mark.filterwarnings("ignore:.*deprecated.*:DeprecationWarning")

import airisk_auth as aa
from airisk_auth import Redemption

ROOT = Path(__file__).resolve().parents[2]
ISS = "https://airisk.example"
CLIENT_ID, SECRET, REDIRECT = "abc123", "topsecret-value-123", "https://localhost/callback"
REGISTRY_JSON = json.dumps({
    "clients": [{"client_id": CLIENT_ID, "client_secret": SECRET, "redirect_uri": REDIRECT}],
    "users": [{"userid": "user_42", "company_id": "acme"}],
})
FORM = "application/x-www-form-urlencoded"
NOW = 1_800_000_000
CODE_TTL, TOKEN_TTL = 60, 3600


def make_issuer(**kwargs: Any) -> aa.Issuer:
    if not {"store", "ledger", "revocations"} & kwargs.keys():
        kwargs["store"] = aa.MemoryStore()
    kwargs.setdefault("code_ttl", CODE_TTL)
    kwargs.setdefault("token_ttl", TOKEN_TTL)
    return aa.Issuer(aa.KeySet.generate_hs256("k1"), aa.Registry.from_json(REGISTRY_JSON), issuer=ISS, **kwargs)


def new_code(issuer: aa.Issuer, now: int | None = None, userid: str | None = None) -> str:
    query = {"client_id": CLIENT_ID, "redirect_uri": REDIRECT}
    if userid:
        query["userid"] = userid
    raw = urllib.parse.urlencode(query)
    resp = issuer.authorize(raw) if now is None else issuer.authorize_at(raw, now)
    assert resp.status == 302, resp.body
    location = resp.header("Location")
    assert location is not None
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))["code"]


def token_body(code: str, userid: str | None = None) -> str:
    params = {"grant_type": "authorization_code", "client_id": CLIENT_ID, "client_secret": SECRET,
              "redirect_uri": REDIRECT, "code": code}
    if userid:
        params["userid"] = userid
    return urllib.parse.urlencode(params)


def access_token(resp: aa.Response) -> str:
    assert resp.status == 200, (resp.status, resp.reason, resp.body)
    token = json.loads(resp.body)["access_token"]
    assert isinstance(token, str)
    return token


def assert_unavailable(resp: aa.Response) -> None:
    """503, reason LedgerUnavailable, and certainly no token."""
    assert resp.status == 503, (resp.status, resp.reason, resp.body)
    assert resp.reason == "LedgerUnavailable"
    assert "access_token" not in resp.body
    assert json.loads(resp.body)["title"] == "Service Unavailable"


class DictLedger:
    """A plain-Python ledger and revocation list, recording every call."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.codes: dict[str, int] = {}
        self.revoked: dict[str, int] = {}
        self.calls: list[tuple[Any, ...]] = []

    def redeem(self, code_id: str, expires_at: int, now: int) -> Redemption:
        with self.lock:
            self.calls.append(("redeem", code_id, expires_at, now))
            if self.codes.get(code_id, 0) > now:
                return Redemption.REPLAYED
            self.codes[code_id] = expires_at
            return Redemption.FIRST

    def revoke(self, jti: str, until: int, now: int) -> None:
        with self.lock:
            self.calls.append(("revoke", jti, until, now))
            self.revoked[jti] = max(until, self.revoked.get(jti, 0))

    def is_revoked(self, jti: str, now: int) -> bool:
        with self.lock:
            self.calls.append(("is_revoked", jti, now))
            return self.revoked.get(jti, 0) > now


# ---------------------------------------------------------------- a working ledger


def test_a_python_ledger_sees_first_use_and_replay_through_the_whole_exchange() -> None:
    ledger = DictLedger()
    issuer = make_issuer(store=ledger)
    assert isinstance(ledger, aa.Store)
    code = new_code(issuer, NOW, userid="user_42")

    first = issuer.exchange_at(FORM, token_body(code, "user_42"), NOW + 5)
    token = access_token(first)
    claims = issuer.verifier().verify_at(token, NOW + 6)
    assert claims.userid == "user_42" and claims.company_id == "acme"
    (call,) = ledger.calls[:1]
    name, code_id, expires_at, now = call
    assert name == "redeem" and now == NOW + 5 and expires_at == NOW + CODE_TTL
    assert isinstance(code_id, str) and len(code_id) == 32 and set(code_id) <= set("0123456789abcdef")
    # The verifier consulted the ledger's revocation list for this token's jti.
    assert ("is_revoked", claims.jti, NOW + 6) in ledger.calls

    replay = issuer.exchange_at(FORM, token_body(code, "user_42"), NOW + 7)
    assert (replay.status, replay.body, replay.reason) == (400, "Invalid Code", "CodeAlreadyRedeemed")
    assert ("redeem", code_id, NOW + CODE_TTL, NOW + 7) in ledger.calls
    # RFC 6749 §4.1.2: the token issued on first use is revoked, until it would expire anyway.
    assert ledger.revoked == {claims.jti: NOW + CODE_TTL + TOKEN_TTL}
    with pytest.raises(aa.TokenRevokedError):
        issuer.verifier().verify_at(token, NOW + 8)
    refused = aa.check_bearer(issuer.verifier(), f"Bearer {token}", now=NOW + 8)
    assert isinstance(refused, aa.Response) and refused.status == 401 and refused.reason == "TokenRevoked"
    # Another code is unaffected.
    assert access_token(issuer.exchange_at(FORM, token_body(new_code(issuer, NOW)), NOW + 9))


def test_a_verifier_consults_the_revocation_list_it_is_given() -> None:
    keys = aa.KeySet.generate_hs256("k1")
    ledger = DictLedger()
    verifier = aa.Verifier(keys, aa.Policy(ISS), store=ledger)
    token = keys.mint(aa.Claims.user(ISS, CLIENT_ID, "user_42", NOW, 600, "jti-1"))
    assert verifier.verify_at(token, NOW + 1).jti == "jti-1"
    ledger.revoke("jti-1", NOW + 100, NOW + 1)
    with pytest.raises(aa.TokenRevokedError):
        verifier.verify_at(token, NOW + 2)
    assert ("is_revoked", "jti-1", NOW + 2) in ledger.calls
    # The list says when a revocation ends; the verifier follows it.
    assert verifier.verify_at(token, NOW + 100).jti == "jti-1"
    assert aa.Verifier(keys, aa.Policy(ISS)).verify_at(token, NOW + 2).jti == "jti-1"


def test_ledger_and_revocations_are_independent_and_default_to_memory() -> None:
    ledger = DictLedger()
    issuer = make_issuer(ledger=ledger)  # revocations stay in memory
    code = new_code(issuer, NOW)
    token = access_token(issuer.exchange_at(FORM, token_body(code), NOW + 1))
    assert issuer.exchange_at(FORM, token_body(code), NOW + 2).reason == "CodeAlreadyRedeemed"
    assert [c[0] for c in ledger.calls] == ["redeem", "redeem"]
    with pytest.raises(aa.TokenRevokedError):  # revoked in the issuer's in-memory list
        issuer.verifier().verify_at(token, NOW + 3)

    revocations = DictLedger()
    issuer = make_issuer(revocations=revocations)  # redemptions stay in memory
    code = new_code(issuer, NOW)
    token = access_token(issuer.exchange_at(FORM, token_body(code), NOW + 1))
    assert issuer.exchange_at(FORM, token_body(code), NOW + 2).reason == "CodeAlreadyRedeemed"
    assert [c[0] for c in revocations.calls] == ["revoke"]
    with pytest.raises(aa.TokenRevokedError):
        issuer.verifier().verify_at(token, NOW + 3)

    issuer = make_issuer(store=aa.MemoryStore())  # the in-memory store, named
    code = new_code(issuer, NOW)
    access_token(issuer.exchange_at(FORM, token_body(code), NOW + 1))
    assert issuer.exchange_at(FORM, token_body(code), NOW + 2).reason == "CodeAlreadyRedeemed"


def test_threads_racing_on_a_python_ledger_get_one_success_per_code() -> None:
    # exchange releases the GIL; the ledger call takes it again from each thread.
    ledger = DictLedger()
    issuer = make_issuer(store=ledger)
    codes = [new_code(issuer, NOW) for _ in range(40)]
    results: list[tuple[int, int]] = []
    barrier = threading.Barrier(6)

    def run(order: list[int]) -> None:
        barrier.wait()
        for i in order:
            resp = issuer.exchange_at(FORM, token_body(codes[i]), NOW + 1)
            assert resp.status in (200, 400), (resp.status, resp.reason)
            results.append((i, resp.status))

    orders = [list(range(40)) if t % 2 == 0 else list(range(39, -1, -1)) for t in range(6)]
    threads = [threading.Thread(target=run, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 6 * 40
    for i in range(40):
        assert sorted(s for c, s in results if c == i) == [200] + [400] * 5, i


# ---------------------------------------------------------------- failing closed


class Raises:
    def __repr__(self) -> str:
        return "Raises()"

    def redeem(self, code_id: str, expires_at: int, now: int) -> bool:
        raise ConnectionError("the store is down")

    def revoke(self, jti: str, until: int, now: int) -> None:
        raise ConnectionError("the store is down")

    def is_revoked(self, jti: str, now: int) -> bool:
        raise ConnectionError("the store is down")


class Answers:
    """Answers `value` from every method."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"Answers({self.value!r})"

    def redeem(self, code_id: str, expires_at: int, now: int) -> Any:
        return self.value

    def revoke(self, jti: str, until: int, now: int) -> Any:
        return self.value

    def is_revoked(self, jti: str, now: int) -> Any:
        return self.value


def test_a_ledger_that_raises_refuses_the_exchange_with_503_and_logs_why(caplog: pytest.LogCaptureFixture) -> None:
    issuer = make_issuer(ledger=Raises(), code_key=b"K" * 32)
    code = new_code(issuer, NOW)
    with caplog.at_level(logging.WARNING, logger="airisk_auth"):
        assert_unavailable(issuer.exchange_at(FORM, token_body(code), NOW + 1))
    (record,) = [r for r in caplog.records if r.name == "airisk_auth"]
    assert "Raises" in record.getMessage() and "LedgerUnavailable" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is ConnectionError
    # The refusal consumed nothing: once the store answers again, the same code works, once.
    good = DictLedger()
    again = make_issuer(ledger=good, code_key=b"K" * 32)
    assert access_token(again.exchange_at(FORM, token_body(code), NOW + 2))
    assert again.exchange_at(FORM, token_body(code), NOW + 3).reason == "CodeAlreadyRedeemed"


# A bool is refused in both senses: True meant "first use" in the old Python API and
# "a replay" in the old C++ one, so a ported store cannot silently turn single use off.
@pytest.mark.parametrize(
    "answer", [True, False, "first", "FIRST", 1, 0, None, "True", "OK", 1.0, [True], b"1"], ids=repr
)
def test_a_redeem_answer_that_is_not_a_redemption_refuses_the_exchange(
    answer: Any, caplog: pytest.LogCaptureFixture
) -> None:
    issuer = make_issuer(ledger=Answers(answer))
    with caplog.at_level(logging.WARNING, logger="airisk_auth"):
        assert_unavailable(issuer.exchange_at(FORM, token_body(new_code(issuer, NOW)), NOW + 1))
    assert any(
        f"returned {type(answer).__name__}, not airisk_auth.Redemption" in r.getMessage() for r in caplog.records
    )


def test_a_look_alike_enum_is_not_a_redemption() -> None:
    LookAlike = enum.Enum("Redemption", {"FIRST": "first", "REPLAYED": "replayed"})
    issuer = make_issuer(ledger=Answers(LookAlike.FIRST))
    assert_unavailable(issuer.exchange_at(FORM, token_body(new_code(issuer, NOW)), NOW + 1))


def test_redemption_answers_are_taken_at_their_word() -> None:
    # The control for the tests above: FIRST issues, REPLAYED is a replay.
    issuer = make_issuer(ledger=Answers(Redemption.FIRST))
    code = new_code(issuer, NOW)
    access_token(issuer.exchange_at(FORM, token_body(code), NOW + 1))
    access_token(issuer.exchange_at(FORM, token_body(code), NOW + 1))  # the ledger said "first" again
    issuer = make_issuer(ledger=Answers(Redemption.REPLAYED))
    resp = issuer.exchange_at(FORM, token_body(new_code(issuer, NOW)), NOW + 1)
    assert (resp.status, resp.reason) == (400, "CodeAlreadyRedeemed")


def test_an_object_without_the_methods_is_refused_when_plugged() -> None:
    class NoRedeem:
        def revoke(self, jti: str, until: int, now: int) -> None: ...

        def is_revoked(self, jti: str, now: int) -> bool:
            return False

    class NoIsRevoked:
        def redeem(self, code_id: str, expires_at: int, now: int) -> bool:
            return True

        def revoke(self, jti: str, until: int, now: int) -> None: ...

    class NotCallable:
        redeem = True
        revoke = None
        is_revoked = False

    bad: Any
    for bad in (object(), NoRedeem(), NotCallable(), 42):
        with pytest.raises(TypeError, match="redeem"):
            make_issuer(ledger=bad)
    for bad in (object(), NoIsRevoked(), NotCallable()):
        with pytest.raises(TypeError, match="revoke|is_revoked"):
            make_issuer(revocations=bad)
        with pytest.raises(TypeError, match="revoke|is_revoked"):
            aa.Verifier(aa.KeySet.generate_hs256("k"), aa.Policy(ISS), revocations=bad)
    assert not isinstance(NoRedeem(), aa.RedemptionLedger)
    assert not isinstance(NoIsRevoked(), aa.RevocationList)


def test_a_method_gone_after_plugging_fails_closed() -> None:
    class Vanishing:
        def __init__(self) -> None:
            self.redeem = lambda code_id, expires_at, now: Redemption.FIRST

    ledger = Vanishing()
    issuer = make_issuer(ledger=ledger)
    access_token(issuer.exchange_at(FORM, token_body(new_code(issuer, NOW)), NOW + 1))
    del ledger.redeem
    assert_unavailable(issuer.exchange_at(FORM, token_body(new_code(issuer, NOW)), NOW + 1))


def test_a_redeem_with_the_wrong_signature_fails_closed() -> None:
    class TwoArgs:
        def redeem(self, code_id: str) -> bool:
            return True

    issuer = make_issuer(ledger=TwoArgs())
    assert_unavailable(issuer.exchange_at(FORM, token_body(new_code(issuer, NOW)), NOW + 1))


@pytest.mark.parametrize("revocations", [Raises(), Answers(1), Answers(None), Answers("no")], ids=repr)
def test_a_revocation_list_that_cannot_answer_refuses_every_token(revocations: Any) -> None:
    keys = aa.KeySet.generate_hs256("k1")
    issuer = aa.Issuer(keys, aa.Registry.from_json(REGISTRY_JSON), issuer=ISS, revocations=revocations)
    token = access_token(issuer.exchange_at(FORM, token_body(new_code(issuer, NOW)), NOW + 1))
    for verifier in (issuer.verifier(), aa.Verifier(keys, aa.Policy(ISS), revocations=revocations)):
        with pytest.raises(aa.LedgerUnavailableError):
            verifier.verify_at(token, NOW + 2)
        (result,) = verifier.verify_many([token], NOW + 2)
        assert isinstance(result, aa.LedgerUnavailableError)
        answer = aa.check_bearer(verifier, f"Bearer {token}", now=NOW + 2)
        assert isinstance(answer, aa.Response)
        assert (answer.status, answer.reason) == (503, "LedgerUnavailable")
    # The same token is fine for a verifier that has no list to consult.
    assert aa.Verifier(keys, aa.Policy(ISS)).verify_at(token, NOW + 2).userid is None


def test_eddsa_verification_without_the_gil_still_consults_a_python_list() -> None:
    keys = aa.KeySet.generate_ed25519("e1")
    ledger = DictLedger()
    verifier = aa.Verifier(keys, aa.Policy(ISS), revocations=ledger)
    token = keys.mint(aa.Claims.generic(ISS, CLIENT_ID, NOW, 600, "jti-e"))
    assert verifier.verify_at(token, NOW + 1).jti == "jti-e"
    ledger.revoke("jti-e", NOW + 600, NOW)
    with pytest.raises(aa.TokenRevokedError):
        verifier.verify_at(token, NOW + 1)
    (result,) = verifier.verify_many([token], NOW + 1)
    assert isinstance(result, aa.TokenRevokedError)
    with pytest.raises(aa.LedgerUnavailableError):
        aa.Verifier(keys, aa.Policy(ISS), revocations=Raises()).verify_at(token, NOW + 1)


@pytest.mark.parametrize("revocations", [Raises(), Answers(True)], ids=["raises", "returns True"])
def test_a_replay_is_refused_even_when_the_revocation_fails(revocations: Any) -> None:
    ledger = DictLedger()
    issuer = make_issuer(ledger=ledger, revocations=revocations)
    code = new_code(issuer, NOW)
    access_token(issuer.exchange_at(FORM, token_body(code), NOW + 1))
    replay = issuer.exchange_at(FORM, token_body(code), NOW + 2)
    # Still a replay (never a second token), but the reason says the revocation failed.
    assert (replay.status, replay.body, replay.reason) == (400, "Invalid Code", "LedgerUnavailable")


def test_the_package_imports_without_redis() -> None:
    script = (
        "import sys\n"
        "sys.modules['redis'] = None  # any `import redis` now fails\n"
        "import airisk_auth, airisk_auth.redis_ledger\n"
        "from airisk_auth import RedisLedger, RedemptionLedger, RevocationList\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, "ok\n"), done.stderr


def test_redis_ledger_checks_its_arguments_without_a_server() -> None:
    class NotAClient:
        def set(self, *a: Any, **k: Any) -> None: ...

    with pytest.raises(TypeError, match="eval"):
        aa.RedisLedger(NotAClient())
    with pytest.raises(ValueError):
        aa.RedisLedger(object(), prefix="")


def _rust_str_const(source: str, name: str) -> str:
    """The value of `const NAME: &str = "...";` in Rust source (escaped line ends joined)."""
    match = re.search(rf'const {name}: &str =\s*"((?:[^"\\]|\\.)*)";', source, re.S)
    assert match, name
    return re.sub(r"\\\n\s*", "", match.group(1)).replace('\\"', '"')


def test_redis_ledger_keys_and_script_are_the_rust_crates() -> None:
    # Both sides must write the same keys with the same script to share one Redis.
    # The crate keeps its constants in more than one module: read them all.
    source = "\n".join(
        path.read_text(encoding="utf-8")
        for path in sorted((ROOT / "crates" / "airisk-auth-redis" / "src").glob("*.rs"))
    )
    assert aa.redis_ledger.REVOKE_SCRIPT == _rust_str_const(source, "REVOKE_SCRIPT")
    ledger = aa.RedisLedger(_KeyOnlyClient())
    assert ledger.code_key("ab" * 16) == _rust_str_const(source, "DEFAULT_CODE_PREFIX") + "ab" * 16
    assert ledger.revoked_key("j") == _rust_str_const(source, "DEFAULT_REVOKED_PREFIX") + "j"
    clock = (ROOT / "crates" / "airisk-auth" / "src" / "clock.rs").read_text(encoding="utf-8")
    match = re.search(r"pub const MAX_NUMERIC_DATE: u64 = ([0-9_]+);", clock)
    assert match and aa.redis_ledger.MAX_SECONDS == int(match.group(1).replace("_", ""))


class _KeyOnlyClient:
    """Enough of a client to build a RedisLedger that is only asked for key names."""

    def set(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("no Redis here")

    eval = exists = set


# ---------------------------------------------------------------- one store, named


def test_an_issuer_needs_its_store_named() -> None:
    keys, registry = aa.KeySet.generate_hs256("k1"), aa.Registry.from_json(REGISTRY_JSON)
    with pytest.raises(TypeError, match="store="):
        aa.Issuer(keys, registry, issuer=ISS)
    with pytest.raises(TypeError, match="store= alone"):
        aa.Issuer(keys, registry, issuer=ISS, store=aa.MemoryStore(), ledger=DictLedger())
    with pytest.raises(TypeError, match="store= alone"):
        aa.Verifier(keys, aa.Policy(ISS), store=DictLedger(), revocations=DictLedger())
    # A store must answer the whole protocol: a redemption ledger alone is not one.

    class RedeemOnly:
        def redeem(self, code_id: str, expires_at: int, now: int) -> Redemption:
            return Redemption.FIRST

    with pytest.raises(TypeError, match="revoke"):
        aa.Issuer(keys, registry, issuer=ISS, store=RedeemOnly())
    with pytest.raises(TypeError):
        aa.Issuer(keys, registry, issuer=ISS, store=42)


def test_ledger_and_revocations_are_deprecated_aliases() -> None:
    ledger = DictLedger()
    with pytest.warns(DeprecationWarning, match="store="):
        issuer = make_issuer(ledger=ledger, revocations=ledger)
    code = new_code(issuer, NOW)
    access_token(issuer.exchange_at(FORM, token_body(code), NOW + 1))
    assert issuer.exchange_at(FORM, token_body(code), NOW + 2).reason == "CodeAlreadyRedeemed"
    assert [c[0] for c in ledger.calls] == ["redeem", "redeem", "revoke"]
    with pytest.warns(DeprecationWarning, match="store="):
        aa.Verifier(aa.KeySet.generate_hs256("k"), aa.Policy(ISS), revocations=ledger)


def test_one_native_store_is_shared_by_two_issuers_and_a_verifier() -> None:
    store = aa.MemoryStore(capacity=100)
    assert isinstance(store, aa.Store) and "MemoryStore" in repr(store)
    keys, registry = aa.KeySet.generate_hs256("k1"), aa.Registry.from_json(REGISTRY_JSON)
    a, b = (aa.Issuer(keys, registry, issuer=ISS, store=store, code_key=b"K" * 32) for _ in range(2))
    code = new_code(a, NOW)
    token = access_token(a.exchange_at(FORM, token_body(code), NOW + 1))
    jti = a.verifier().verify_at(token, NOW + 1).jti
    assert jti is not None and store.is_revoked(jti, NOW + 1) is False
    replay = b.exchange_at(FORM, token_body(code), NOW + 2)
    assert (replay.status, replay.reason) == (400, "CodeAlreadyRedeemed")
    with pytest.raises(aa.TokenRevokedError):
        aa.Verifier(keys, aa.Policy(ISS), store=store).verify_at(token, NOW + 3)
    # The same store answers the protocol from Python too.
    assert store.is_revoked(jti, NOW + 3) is True
    with pytest.raises(aa.InvalidConfigurationError):
        aa.MemoryStore(capacity=0)
    with pytest.raises(aa.InvalidArgumentError):
        store.redeem("not hex", NOW + 60, NOW)


@pytest.mark.parametrize("answer", [True, False, 1, "first", None, "FIRST"])
def test_a_store_answering_anything_but_a_redemption_refuses_the_exchange(answer: Any) -> None:
    class Confused(DictLedger):
        def redeem(self, code_id: str, expires_at: int, now: int) -> Any:  # type: ignore[override]
            return answer

    issuer = make_issuer(store=Confused())
    code = new_code(issuer, NOW)
    assert_unavailable(issuer.exchange_at(FORM, token_body(code), NOW + 1))
