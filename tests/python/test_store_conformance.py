"""The store-conformance suite of crates/airisk-auth-store-tests, from Python: the
same checks (first then replayed, ids as 16 exact bytes, one winner among concurrent
redemptions, revocations held and never shortened, any jti kept exactly, a replay
through an issuer revoking its token; grant revocations and single-use refresh tokens,
through the protocol's lifecycle groups and through an issuer) against every store a
Python service can use:

- ``memory``: :class:`airisk_auth.MemoryStore`;
- ``protocol``: a plain-Python :class:`airisk_auth.LifecycleStore` (below), plugged in
  through the protocol adapter;
- ``redis`` / ``redis-tls`` / ``cluster``: :class:`airisk_auth.RedisStore` when
  ``AIRISK_REDIS_URL`` / ``AIRISK_REDIS_TLS_PORT`` (+ ``_DIR``) /
  ``AIRISK_REDIS_CLUSTER_PORTS`` are set; ``redis-ledger``: :class:`airisk_auth.RedisLedger`
  (redis-py) on the plain server, also checked key for key against :class:`RedisStore`;
- ``postgres``: :class:`airisk_auth.PostgresStore` when ``AIRISK_PG_URL`` is set.

``AIRISK_STORES_REQUIRED`` (e.g. ``redis,postgres``) turns a missing server into a
failure instead of a skip. Each run uses fresh ids and key prefixes or schemas.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.parse
from typing import Any, Callable, Iterator

import pytest

import airisk_auth as aa
from airisk_auth import Redemption

ISS = "https://airisk.example"
REGISTRY_JSON = json.dumps({
    "clients": [{"client_id": "abc123", "client_secret": "s3cret", "redirect_uri": "https://localhost/callback"}],
    "users": [],
})
FORM = "application/x-www-form-urlencoded"
RUN = f"{os.getpid()}-{time.time_ns()}"
_counter = iter(range(1 << 62))
_counter_lock = threading.Lock()


def fresh_id() -> str:
    """32 hex digits, unique in this run and (time and pid in it) across runs."""
    with _counter_lock:
        n = next(_counter)
    return f"{n:016x}{os.getpid() & 0xFFFFFFFF:08x}{time.time_ns() & 0xFFFFFFFF:08x}"


def flip(code_id: str, byte: int, mask: int) -> str:
    raw = bytearray(bytes.fromhex(code_id))
    raw[byte] ^= mask
    return raw.hex()


class DictStore:
    """A plain-Python store with the whole lifecycle: a lock and four dicts (test code:
    small and obviously right)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.codes: dict[str, int] = {}
        self.revoked: dict[str, int] = {}
        self.grants: dict[tuple[str, str | None], tuple[int, int]] = {}
        self.refresh: dict[str, list[Any]] = {}

    def redeem(self, code_id: str, expires_at: int, now: int) -> Redemption:
        with self.lock:
            if self.codes.get(code_id, 0) > now:
                return Redemption.REPLAYED
            self.codes[code_id] = expires_at
            return Redemption.FIRST

    def revoke(self, jti: str, until: int, now: int) -> None:
        with self.lock:
            self.revoked[jti] = max(self.revoked.get(jti, 0), until)

    def is_revoked(self, jti: str, now: int) -> bool:
        with self.lock:
            return self.revoked.get(jti, 0) > now

    # The optional lifecycle groups (airisk_auth.GrantRevocations, RefreshTokens).

    def revoke_grant(self, client_id: str, userid: str | None, not_before: int, until: int, now: int) -> None:
        with self.lock:
            old_nb, old_until = self.grants.get((client_id, userid), (not_before, until))
            self.grants[(client_id, userid)] = (max(old_nb, not_before), max(old_until, until))

    def is_grant_revoked(self, client_id: str, userid: str | None, issued_at: int | None, now: int) -> bool:
        with self.lock:
            revoked = self.grants.get((client_id, userid))
        if revoked is None or revoked[1] <= now:
            return False
        return issued_at is None or issued_at <= revoked[0]

    def refresh_insert(self, digest: str, record: str, expires_at: int, now: int) -> None:
        with self.lock:
            self.refresh[digest] = [record, expires_at, False]

    def refresh_use(self, digest: str, now: int) -> tuple[Redemption, str] | None:
        return self._refresh(digest, now, consume=True)

    def refresh_peek(self, digest: str, now: int) -> tuple[Redemption, str] | None:
        return self._refresh(digest, now, consume=False)

    def _refresh(self, digest: str, now: int, consume: bool) -> tuple[Redemption, str] | None:
        with self.lock:
            entry = self.refresh.get(digest)
            if entry is None or entry[1] <= now:
                return None
            record, _, used = entry
            entry[2] = used or consume
            return (Redemption.REPLAYED if used else Redemption.FIRST, str(record))


# ---------------------------------------------------------------- the stores


def _required(name: str) -> bool:
    return name in os.environ.get("AIRISK_STORES_REQUIRED", "").split(",")


def _missing(name: str, env: str) -> None:
    if _required(name):
        pytest.fail(f"{env} is not set but AIRISK_STORES_REQUIRED names {name}")
    pytest.skip(f"{env} not set")


def _prefixes() -> dict[str, str]:
    return {"code_prefix": f"airisk-py-{RUN}:code:", "revoked_prefix": f"airisk-py-{RUN}:revoked:"}


def make_memory() -> Any:
    return aa.MemoryStore(capacity=100_000)


def make_protocol() -> Any:
    return DictStore()


def make_redis() -> Any:
    url = os.environ.get("AIRISK_REDIS_URL")
    if not url:
        _missing("redis", "AIRISK_REDIS_URL")
    return aa.RedisStore(url, **_prefixes())


def make_redis_ledger() -> Any:
    url = os.environ.get("AIRISK_REDIS_URL")
    if not url:
        _missing("redis", "AIRISK_REDIS_URL")
    redis = pytest.importorskip("redis")
    return aa.RedisLedger(redis.Redis.from_url(url, socket_timeout=5), f"airisk-pyledger-{RUN}:")


def make_redis_tls() -> Any:
    port, tls = os.environ.get("AIRISK_REDIS_TLS_PORT"), os.environ.get("AIRISK_REDIS_TLS_DIR")
    if not port or not tls:
        _missing("redis-tls", "AIRISK_REDIS_TLS_PORT")
    # The races open eight TLS connections at once; on a loaded two-core machine their
    # handshakes can exceed the default 1 s connect timeout (a 503, rightly, but not what
    # these tests check).
    return aa.RedisStore(f"rediss://127.0.0.1:{port}/0", ca_file=f"{tls}/ca.crt",
                         client_cert_file=f"{tls}/client.crt", client_key_file=f"{tls}/client.key",
                         connect_timeout=5.0, **_prefixes())


def make_cluster() -> Any:
    ports = os.environ.get("AIRISK_REDIS_CLUSTER_PORTS", "").split()
    if not ports:
        _missing("cluster", "AIRISK_REDIS_CLUSTER_PORTS")
    seeds = [f"redis://127.0.0.1:{p}" for p in ports]
    return aa.RedisStore(seeds[0], cluster=True, more_seeds=seeds[1:], **_prefixes())


def make_postgres() -> Any:
    dsn = os.environ.get("AIRISK_PG_URL")
    if not dsn:
        _missing("postgres", "AIRISK_PG_URL")
    return aa.PostgresStore(dsn, schema="airisk_py_conformance", migrate=True)


STORES: dict[str, Callable[[], Any]] = {
    "memory": make_memory,
    "protocol": make_protocol,
    "redis": make_redis,
    "redis-ledger": make_redis_ledger,
    "redis-tls": make_redis_tls,
    "cluster": make_cluster,
    "postgres": make_postgres,
}


@pytest.fixture(params=list(STORES))
def store(request: pytest.FixtureRequest) -> Iterator[Any]:
    yield STORES[request.param]()


# ---------------------------------------------------------------- the contract


def test_first_then_replayed(store: Any) -> None:
    now = int(time.time())
    a, b = fresh_id(), fresh_id()
    assert store.redeem(a, now + 600, now) is Redemption.FIRST
    assert store.redeem(a, now + 600, now) is Redemption.REPLAYED
    assert store.redeem(a, now + 600, now + 1) is Redemption.REPLAYED
    assert store.redeem(b, now + 600, now) is Redemption.FIRST
    assert store.redeem(b, now + 600, now + 2) is Redemption.REPLAYED


def test_ids_are_sixteen_exact_bytes(store: Any) -> None:
    now = int(time.time())
    base = fresh_id()
    assert store.redeem(base, now + 600, now) is Redemption.FIRST
    for byte in range(16):
        for mask in (0x01, 0x80):
            other = flip(base, byte, mask)
            assert store.redeem(other, now + 600, now) is Redemption.FIRST, (byte, mask)
            assert store.redeem(other, now + 600, now) is Redemption.REPLAYED


def test_concurrent_redemptions_have_one_winner(store: Any) -> None:
    now = int(time.time())
    ids = [fresh_id() for _ in range(64)]
    barrier = threading.Barrier(8)
    wins: list[list[str]] = []

    def race(backwards: bool) -> None:
        barrier.wait()
        order = reversed(ids) if backwards else ids
        wins.append([i for i in order if store.redeem(i, now + 600, now) is Redemption.FIRST])

    threads = [threading.Thread(target=race, args=(t % 2 == 1,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 8
    winners = [i for w in wins for i in w]
    assert sorted(winners) == sorted(ids)


def test_revocations_hold_until_their_expiry(store: Any) -> None:
    now = int(time.time())
    a, b = f"jti-a-{fresh_id()}", f"jti-b-{fresh_id()}"
    assert store.is_revoked(a, now) is False
    store.revoke(a, now + 3600, now)
    assert store.is_revoked(a, now) is True
    assert store.is_revoked(a, now + 1800) is True
    assert store.is_revoked(b, now) is False
    store.revoke(a, now + 1, now)  # shorter: the longer one stays
    assert store.is_revoked(a, now + 1800) is True


def test_any_core_jti_is_kept_exactly(store: Any) -> None:
    now = int(time.time())
    base = fresh_id()
    long = base + "x" * (256 - len(base))
    kept = [long, f"{base}:a:b", f"{base}*?[]{{}}'\"\\ %", f"{base}Q"]
    others = [long[:-1] + "y", f"{base}:a", f"{base}q", f"{base}*"]
    for jti in kept:
        store.revoke(jti, now + 600, now)
    for jti in kept:
        assert store.is_revoked(jti, now) is True, jti
    for jti in others:
        assert store.is_revoked(jti, now) is False, jti


def test_a_replay_through_an_issuer_revokes_its_token(store: Any) -> None:
    keys = aa.KeySet.generate_hs256("k1")
    issuer = aa.Issuer(keys, aa.Registry.from_json(REGISTRY_JSON), issuer=ISS, store=store)
    answer = issuer.authorize("client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback")
    assert answer.status == 302
    location = answer.header("Location")
    assert location is not None
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))["code"]
    body = urllib.parse.urlencode({"grant_type": "authorization_code", "client_id": "abc123",
                                   "client_secret": "s3cret", "redirect_uri": "https://localhost/callback",
                                   "code": code})
    first = issuer.exchange(FORM, body)
    assert first.status == 200, (first.status, first.reason)
    token = json.loads(first.body)["access_token"]
    verifier = issuer.verifier()
    assert verifier.verify(token).client_id == "abc123"
    replay = issuer.exchange(FORM, body)
    assert (replay.status, replay.body) == (400, "Invalid Code")
    with pytest.raises(aa.TokenRevokedError):
        verifier.verify(token)
    # A verifier built apart on the same store sees the revocation too.
    with pytest.raises(aa.TokenRevokedError):
        aa.Verifier(keys, aa.Policy(ISS), store=store).verify(token)


# ---------------------------------------------------------------- the lifecycle groups


def record_json(family: str, expires_at: int, now: int, client_id: str = "abc123") -> str:
    """A refresh record as the core writes it (the stores keep it as it is)."""
    return json.dumps({"family": family, "generation": 1, "client_id": client_id, "userid": "user_42",
                       "company_id": None, "scope": None, "family_started": now, "issued_at": now,
                       "expires_at": expires_at}, separators=(",", ":"))


def test_every_store_has_the_lifecycle_groups(store: Any) -> None:
    assert isinstance(store, aa.LifecycleStore)


def test_grant_revocations_refuse_what_was_issued_before(store: Any) -> None:
    now = int(time.time())
    client = f"client-{fresh_id()}"
    assert store.is_grant_revoked(client, "user_42", now - 10, now) is False
    store.revoke_grant(client, "user_42", now, now + 600, now)
    assert store.is_grant_revoked(client, "user_42", now - 10, now) is True
    assert store.is_grant_revoked(client, "user_42", now, now) is True  # the same second: refused
    assert store.is_grant_revoked(client, "user_42", None, now) is True  # unknown issue time: refused
    assert store.is_grant_revoked(client, "user_42", now + 1, now + 1) is False  # a re-consent works
    # Other grants of the same client, and the generic grant, are untouched.
    assert store.is_grant_revoked(client, "user_7", now - 10, now) is False
    assert store.is_grant_revoked(client, None, now - 10, now) is False
    # A later revocation with an earlier not-before moves nothing back.
    store.revoke_grant(client, "user_42", now - 100, now + 1, now)
    assert store.is_grant_revoked(client, "user_42", now - 10, now + 300) is True
    store.revoke_grant(client, None, now, now + 600, now)
    assert store.is_grant_revoked(client, None, now - 10, now) is True


def test_refresh_tokens_are_single_use(store: Any) -> None:
    now = int(time.time())
    digest = fresh_id() + fresh_id()
    record = record_json(f"fam-{fresh_id()}", now + 600, now)
    assert store.refresh_peek(digest, now) is None
    assert store.refresh_use(digest, now) is None
    store.refresh_insert(digest, record, now + 600, now)
    assert store.refresh_peek(digest, now) == (Redemption.FIRST, record)
    assert store.refresh_use(digest, now) == (Redemption.FIRST, record)
    assert store.refresh_use(digest, now) == (Redemption.REPLAYED, record)
    assert store.refresh_peek(digest, now) == (Redemption.REPLAYED, record)
    # Another digest is another token.
    assert store.refresh_use(flip(digest[:32], 0, 1) + digest[32:], now) is None


def test_concurrent_refreshes_have_one_winner(store: Any) -> None:
    now = int(time.time())
    digest = fresh_id() + fresh_id()
    store.refresh_insert(digest, record_json(f"fam-{fresh_id()}", now + 600, now), now + 600, now)
    # Eight threads, as the redemption race: on a loaded machine sixteen fresh TLS
    # handshakes at once can exceed the store's connect timeout (a 503, rightly).
    barrier = threading.Barrier(8)
    answers: list[Any] = []

    def race() -> None:
        barrier.wait()
        answers.append(store.refresh_use(digest, now))

    threads = [threading.Thread(target=race) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 8
    assert [a[0] for a in answers].count(Redemption.FIRST) == 1
    assert [a[0] for a in answers].count(Redemption.REPLAYED) == 7


RT_REGISTRY_JSON = json.dumps({
    "clients": [{"client_id": "rt", "client_secret": "rt-secret-0123456789abcdef",
                 "redirect_uri": "https://localhost/callback", "refresh_tokens": True}],
    "users": [{"userid": "user_42"}],
})
RT_SECRET = "rt-secret-0123456789abcdef"


def test_an_issuer_on_the_store_rotates_refresh_tokens_and_revokes_grants(store: Any) -> None:
    """Through an issuer: a native store is called directly, a Python one through the
    protocol adapter; both rotate, refuse a replay (revoking the family) and revoke a grant."""
    keys = aa.KeySet.generate_hs256("k1")
    issuer = aa.Issuer(keys, aa.Registry.from_json(RT_REGISTRY_JSON), issuer=ISS, store=store)
    verifier = issuer.verifier()
    now = int(time.time())
    location = issuer.authorize_at("client_id=rt&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&userid=user_42",
                                   now).header("Location")
    assert location is not None
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))["code"]
    first = issuer.exchange_at(FORM, urllib.parse.urlencode({
        "client_id": "rt", "client_secret": RT_SECRET, "redirect_uri": "https://localhost/callback",
        "code": code, "userid": "user_42"}), now)
    assert first.status == 200, (first.status, first.reason)
    pair = json.loads(first.body)

    def refresh(token: str, at: int) -> aa.Response:
        return issuer.exchange_at(FORM, urllib.parse.urlencode({
            "grant_type": "refresh_token", "client_id": "rt", "client_secret": RT_SECRET,
            "refresh_token": token}), at)

    second = refresh(pair["refresh_token"], now + 1)
    assert second.status == 200, (second.status, second.reason)
    new = json.loads(second.body)
    assert new["refresh_token"] != pair["refresh_token"] and new["access_token"] != pair["access_token"]
    assert verifier.verify_at(new["access_token"], now + 2).userid == "user_42"
    replay = refresh(pair["refresh_token"], now + 2)
    assert (replay.status, replay.reason) == (400, "CodeAlreadyRedeemed")
    with pytest.raises(aa.TokenRevokedError):
        verifier.verify_at(new["access_token"], now + 3)
    assert refresh(new["refresh_token"], now + 3).reason == "TokenRevoked"

    # A grant revocation refuses what was issued before it, and nothing after a re-consent.
    location = issuer.authorize_at("client_id=rt&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&userid=user_42",
                                   now + 4).header("Location")
    assert location is not None
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))["code"]
    third = json.loads(issuer.exchange_at(FORM, urllib.parse.urlencode({
        "client_id": "rt", "client_secret": RT_SECRET, "redirect_uri": "https://localhost/callback",
        "code": code, "userid": "user_42"}), now + 5).body)
    assert verifier.verify_at(third["access_token"], now + 6).userid == "user_42"
    issuer.revoke_grant_at("rt", "user_42", now + 6)
    with pytest.raises(aa.TokenRevokedError):
        verifier.verify_at(third["access_token"], now + 7)
    assert refresh(third["refresh_token"], now + 7).status == 400


# ---------------------------------------------------------------- native stores, refused and unreachable


def test_native_stores_refuse_bad_settings_and_fail_closed_when_unreachable() -> None:
    with pytest.raises(aa.InvalidConfigurationError):
        aa.RedisStore("redis://127.0.0.1:1/0#insecure")
    with pytest.raises(aa.InvalidConfigurationError):
        aa.RedisStore("redis://127.0.0.1:1/0", code_prefix="")
    with pytest.raises(aa.InvalidConfigurationError):
        aa.RedisStore("redis://127.0.0.1:1/0", io_timeout=0)
    with pytest.raises(aa.InvalidConfigurationError):
        aa.PostgresStore("host=127.0.0.1 port=1 user=x dbname=y", schema="Not A Schema")
    redis = aa.RedisStore("redis://:hunter2-password@127.0.0.1:1/0")
    assert "hunter2" not in repr(redis)
    now = int(time.time())
    with pytest.raises(aa.LedgerUnavailableError):
        redis.redeem(fresh_id(), now + 60, now)
    with pytest.raises(aa.LedgerUnavailableError):
        redis.ping()
    issuer = aa.Issuer(aa.KeySet.generate_hs256("k1"), aa.Registry.from_json(REGISTRY_JSON), issuer=ISS, store=redis)
    location = issuer.authorize("client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback").header("Location")
    assert location is not None
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))["code"]
    body = urllib.parse.urlencode({"client_id": "abc123", "client_secret": "s3cret",
                                   "redirect_uri": "https://localhost/callback", "code": code})
    down = issuer.exchange(FORM, body)
    assert (down.status, down.reason) == (503, "LedgerUnavailable")
    assert "access_token" not in down.body
    pg = aa.PostgresStore("host=127.0.0.1 port=1 user=x password=hunter2-password dbname=y", connect_timeout=0.5)
    assert "hunter2" not in repr(pg)
    with pytest.raises(aa.LedgerUnavailableError):
        pg.redeem(fresh_id(), now + 60, now)


def test_the_redis_ledger_and_the_rust_store_share_keys_in_one_redis() -> None:
    """RedisLedger (redis-py) stays byte-compatible with RedisStore (Rust): a code
    redeemed by one is a replay for the other, a revocation by one is seen by the
    other, with the same default prefixes."""
    url = os.environ.get("AIRISK_REDIS_URL")
    if not url:
        _missing("redis", "AIRISK_REDIS_URL")
    redis = pytest.importorskip("redis")
    prefix = f"airisk-compat-{RUN}:"
    ledger = aa.RedisLedger(redis.Redis.from_url(url, socket_timeout=1), prefix)
    store = aa.RedisStore(url, code_prefix=prefix + "code:", revoked_prefix=prefix + "revoked:")
    now = int(time.time())
    a, b = fresh_id(), fresh_id()
    assert ledger.redeem(a, now + 600, now) is Redemption.FIRST
    assert store.redeem(a, now + 600, now) is Redemption.REPLAYED
    assert store.redeem(b, now + 600, now) is Redemption.FIRST
    assert ledger.redeem(b, now + 600, now) is Redemption.REPLAYED
    ledger.revoke("jti-from-python", now + 600, now)
    store.revoke("jti-from-rust", now + 600, now)
    assert store.is_revoked("jti-from-python", now) is True
    assert ledger.is_revoked("jti-from-rust", now) is True
    # The same bytes under the same key, and the same expiry.
    client = redis.Redis.from_url(url)
    assert client.get(ledger.code_key(a)) == client.get(ledger.code_key(b)) == b"1"
    assert abs(client.ttl(ledger.code_key(a)) - client.ttl(ledger.code_key(b))) <= 1
    assert abs(client.ttl(ledger.revoked_key("jti-from-python")) - client.ttl(ledger.revoked_key("jti-from-rust"))) <= 1


def test_the_redis_ledger_and_the_rust_store_share_the_lifecycle_keys() -> None:
    """Grant revocations and refresh tokens written by one are read by the other."""
    url = os.environ.get("AIRISK_REDIS_URL")
    if not url:
        _missing("redis", "AIRISK_REDIS_URL")
    redis = pytest.importorskip("redis")
    prefix = f"airisk-compat-lc-{RUN}:"
    ledger = aa.RedisLedger(redis.Redis.from_url(url, socket_timeout=1), prefix)
    store = aa.RedisStore(url, code_prefix=prefix + "code:", revoked_prefix=prefix + "revoked:")
    now = int(time.time())
    ledger.revoke_grant("abc123", "user_42", now, now + 600, now)
    store.revoke_grant("abc123", None, now, now + 600, now)
    assert store.is_grant_revoked("abc123", "user_42", now - 1, now) is True
    assert ledger.is_grant_revoked("abc123", None, now - 1, now) is True
    assert store.is_grant_revoked("abc123", "user_7", now - 1, now) is False
    a, b = fresh_id() + fresh_id(), fresh_id() + fresh_id()
    record_a, record_b = record_json("fam-a", now + 600, now), record_json("fam-b", now + 600, now)
    ledger.refresh_insert(a, record_a, now + 600, now)
    store.refresh_insert(b, record_b, now + 600, now)
    assert store.refresh_peek(a, now) == (Redemption.FIRST, record_a)
    assert store.refresh_use(a, now) == (Redemption.FIRST, record_a)
    assert ledger.refresh_use(a, now) == (Redemption.REPLAYED, record_a)
    assert ledger.refresh_use(b, now) == (Redemption.FIRST, record_b)
    assert store.refresh_use(b, now) == (Redemption.REPLAYED, record_b)
    client = redis.Redis.from_url(url)
    assert client.ttl(ledger.refresh_key(a)) > 500 and client.ttl(ledger.refresh_key(b)) > 500
    assert ledger.grant_key("abc123", "user_42") == prefix + "code:grant:6:abc123:u:user_42"
