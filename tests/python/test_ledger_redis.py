"""airisk_auth.RedisLedger against a real redis-server (no mocks on the Redis path).

The server is the one at AIRISK_REDIS_URL (scripts/test-python.sh starts one on a free
127.0.0.1 port and sets AIRISK_REDIS_REQUIRED=1). Without it these tests skip, loudly,
or fail when AIRISK_REDIS_REQUIRED=1. The Redis-stopped test starts (and kills) a
private server of its own with scripts/redis.sh.

This file is also the worker program of the two-process tests:
``python test_ledger_redis.py --ledger-worker CONFIG.json``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import pytest

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
CODE_TTL, TOKEN_TTL = 300, 3600
#: Codes exchanged by both processes, racing from opposite ends.
RACE_CODES = 150
#: A bound on how long a worker process may take, against hangs only (never asserted).
WORKER_DEADLINE = 300


def new_code(issuer: aa.Issuer, now: int | None = None) -> str:
    raw = urllib.parse.urlencode({"client_id": CLIENT_ID, "redirect_uri": REDIRECT})
    resp = issuer.authorize(raw) if now is None else issuer.authorize_at(raw, now)
    assert resp.status == 302, resp.body
    location = resp.header("Location")
    assert location is not None
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))["code"]


def token_body(code: str) -> str:
    return urllib.parse.urlencode({"grant_type": "authorization_code", "client_id": CLIENT_ID,
                                   "client_secret": SECRET, "redirect_uri": REDIRECT, "code": code})


def access_token(resp: aa.Response) -> str:
    assert resp.status == 200, (resp.status, resp.reason, resp.body)
    token = json.loads(resp.body)["access_token"]
    assert isinstance(token, str)
    return token


def fast_client(url: str, **kwargs: Any) -> Any:
    """A client that gives up quickly when Redis is gone, as the README advises."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5,
                                retry=Retry(NoBackoff(), 1), **kwargs)


# ---------------------------------------------------------------- the server


def _no_redis(reason: str) -> None:
    message = f"Redis ledger tests NOT RUN: {reason} (bash scripts/test-python.sh runs them)"
    if os.environ.get("AIRISK_REDIS_REQUIRED") == "1":
        pytest.fail(message + "; AIRISK_REDIS_REQUIRED=1")
    warnings.warn(message, stacklevel=2)
    print(f"\nSKIPPED: {message}", file=sys.stderr)
    pytest.skip(message)


@pytest.fixture(scope="module")
def redis_url() -> str:
    url = os.environ.get("AIRISK_REDIS_URL")
    if not url:
        _no_redis("AIRISK_REDIS_URL is not set")
    try:
        import redis  # noqa: F401
    except ImportError:
        _no_redis("the `redis` package is not installed")
    assert url is not None
    return url


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own, its keys deleted afterwards."""
    p = f"t-{uuid.uuid4().hex[:12]}:"
    yield p
    client = fast_client(redis_url)
    keys = list(client.scan_iter(match=p + "*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def client(redis_url: str) -> Iterator[Any]:
    c = fast_client(redis_url)
    yield c
    c.close()


def make_issuer(ledger: aa.RedisLedger | None, *, code_key: bytes | None = None,
                keys: aa.KeySet | None = None) -> aa.Issuer:
    return aa.Issuer(keys or aa.KeySet.generate_hs256("k1"), aa.Registry.from_json(REGISTRY_JSON), issuer=ISS,
                     code_ttl=CODE_TTL, token_ttl=TOKEN_TTL, code_key=code_key,
                     store=ledger if ledger is not None else aa.MemoryStore())


class Recording(aa.RedisLedger):
    """The real RedisLedger, noting the code ids it is asked about."""

    __slots__ = ("code_ids",)

    def __init__(self, client: Any, prefix: str = "airisk:") -> None:
        super().__init__(client, prefix)
        self.code_ids: list[str] = []

    def redeem(self, code_id: str, expires_at: int, now: int) -> bool:
        self.code_ids.append(code_id)
        return super().redeem(code_id, expires_at, now)


# ---------------------------------------------------------------- one process


def test_first_use_and_replay_through_the_exchange(client: Any, prefix: str) -> None:
    ledger = Recording(client, prefix)
    assert isinstance(ledger, aa.RedemptionLedger) and isinstance(ledger, aa.RevocationList)
    issuer = make_issuer(ledger)
    code = new_code(issuer)
    token = access_token(issuer.exchange(FORM, token_body(code)))
    claims = issuer.verifier().verify(token)
    (code_id,) = ledger.code_ids
    assert client.get(f"{prefix}code:{code_id}") == b"1"
    assert client.exists(f"{prefix}revoked:{claims.jti}") == 0

    replay = issuer.exchange(FORM, token_body(code))
    assert (replay.status, replay.body, replay.reason) == (400, "Invalid Code", "CodeAlreadyRedeemed")
    assert ledger.code_ids == [code_id, code_id]
    assert client.exists(f"{prefix}revoked:{claims.jti}") == 1
    with pytest.raises(aa.TokenRevokedError):
        issuer.verifier().verify(token)
    refused = aa.check_bearer(issuer.verifier(), f"Bearer {token}")
    assert isinstance(refused, aa.Response) and (refused.status, refused.reason) == (401, "TokenRevoked")
    # Another code of the same issuer is unaffected.
    assert access_token(issuer.exchange(FORM, token_body(new_code(issuer))))


def test_replicas_sharing_redis_share_redemptions_and_revocations(redis_url: str, prefix: str) -> None:
    # Two replicas of one deployment (same keys, same code key), each with its own
    # client, and a resource server that only verifies.
    keys, code_key = aa.KeySet.generate_hs256("k1"), os.urandom(32)
    a = make_issuer(aa.RedisLedger(fast_client(redis_url), prefix), code_key=code_key, keys=keys)
    b = make_issuer(aa.RedisLedger(fast_client(redis_url), prefix), code_key=code_key, keys=keys)
    resource = aa.Verifier(keys, aa.Policy(ISS), store=aa.RedisLedger(fast_client(redis_url), prefix))
    code = new_code(a)
    token = access_token(a.exchange(FORM, token_body(code)))
    assert resource.verify(token).client_id == CLIENT_ID
    replay = b.exchange(FORM, token_body(code))
    assert (replay.status, replay.reason) == (400, "CodeAlreadyRedeemed")
    for verifier in (a.verifier(), b.verifier(), resource):
        with pytest.raises(aa.TokenRevokedError):
            verifier.verify(token)
    # The control: a replica with its own in-memory ledger would have issued again.
    alone = make_issuer(None, code_key=code_key, keys=keys)
    assert access_token(alone.exchange(FORM, token_body(code)))


def test_threads_on_one_client_get_one_success_per_code(client: Any, prefix: str) -> None:
    issuer = make_issuer(aa.RedisLedger(client, prefix))
    codes = [new_code(issuer) for _ in range(30)]
    statuses: list[tuple[int, int]] = []
    barrier = threading.Barrier(4)

    def run(order: list[int]) -> None:
        barrier.wait()
        for i in order:
            statuses.append((i, issuer.exchange(FORM, token_body(codes[i])).status))

    threads = [threading.Thread(target=run, args=(list(range(30))[:: 1 if t % 2 else -1],)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(30):
        assert sorted(s for c, s in statuses if c == i) == [200, 400, 400, 400], i


def test_revocations_never_shorten_and_expire_with_the_token(client: Any, prefix: str) -> None:
    ledger = aa.RedisLedger(client, prefix)
    now = int(time.time())
    assert ledger.is_revoked("j1", now) is False
    ledger.revoke("j1", now + 1000, now)
    assert ledger.is_revoked("j1", now) is True
    long_ttl = client.ttl(f"{prefix}revoked:j1")
    assert 0 < long_ttl <= 1000
    ledger.revoke("j1", now + 10, now)  # a shorter revocation leaves the longer one
    assert client.ttl(f"{prefix}revoked:j1") > 10
    ledger.revoke("j2", now + 10, now)
    ledger.revoke("j2", now + 2000, now)  # a longer one extends it
    assert 1000 < client.ttl(f"{prefix}revoked:j2") <= 2000
    client.set(f"{prefix}revoked:j3", 1)  # revoked for good by hand: kept so
    ledger.revoke("j3", now + 10, now)
    assert client.ttl(f"{prefix}revoked:j3") == -1 and ledger.is_revoked("j3", now) is True
    ledger.revoke("j4", now - 50, now)  # already past: kept the minimum, 1 s
    assert 0 < client.pttl(f"{prefix}revoked:j4") <= 1000


def test_the_expiry_is_the_remaining_life_at_least_one_second(client: Any, prefix: str) -> None:
    ledger = aa.RedisLedger(client, prefix)
    assert ledger.seconds_until(160, 100) == 60
    assert ledger.seconds_until(100, 100) == 1 and ledger.seconds_until(5, 100) == 1
    assert ledger.seconds_until(aa.redis_ledger.MAX_SECONDS, 0) == aa.redis_ledger.MAX_SECONDS
    assert aa.RedisLedger(client, prefix, extra_retention=30).seconds_until(160, 100) == 90
    for bad in (-1, 1.5, True, "10", aa.redis_ledger.MAX_SECONDS + 1):
        with pytest.raises(ValueError):
            ledger.seconds_until(bad, 0)  # type: ignore[arg-type]
    for bad_id in ("AB" * 16, "ab" * 15, "ab" * 17, "zz" * 16, b"ab" * 16):
        with pytest.raises(ValueError):
            ledger.redeem(bad_id, 200, 100)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ledger.revoke("", 200, 100)
    assert client.keys(prefix + "*") == []  # nothing was written for a refused argument

    code_id = "0f" * 16
    assert ledger.redeem(code_id, 1_000_060, 1_000_000) is Redemption.FIRST
    pttl = client.pttl(f"{prefix}code:{code_id}")
    assert 0 < pttl <= 60_000
    assert ledger.redeem(code_id, 1_000_060, 1_000_001) is Redemption.REPLAYED
    assert ledger.redeem("1e" * 16, 1_000_000, 1_000_005) is Redemption.FIRST  # already expired: 1 s
    assert 0 < client.pttl(f"{prefix}code:{'1e' * 16}") <= 1000


@pytest.mark.parametrize("options", [{"decode_responses": True}, {"protocol": 3}], ids=["decoded", "resp3"])
def test_other_client_settings_give_the_same_answers(redis_url: str, prefix: str, options: dict[str, Any]) -> None:
    ledger = aa.RedisLedger(fast_client(redis_url, **options), prefix)
    ledger.ping()
    issuer = make_issuer(ledger)
    code = new_code(issuer)
    token = access_token(issuer.exchange(FORM, token_body(code)))
    assert issuer.exchange(FORM, token_body(code)).reason == "CodeAlreadyRedeemed"
    with pytest.raises(aa.TokenRevokedError):
        issuer.verifier().verify(token)


def test_the_keys_are_the_rust_crates(client: Any) -> None:
    """Interop with crates/airisk-auth-redis: the same default prefix, key names, value,
    expiry and commands, so Python and Rust replicas can share one Redis."""
    ledger = Recording(client)  # the default prefix, as the Rust crate's RedisConfig::new
    assert repr(ledger) == "RedisLedger(client=Redis, prefix='airisk:', extra_retention=0)"
    keys, code_key = aa.KeySet.generate_hs256("k1"), os.urandom(32)
    issuer = make_issuer(ledger, code_key=code_key, keys=keys)
    probe_prefix = f"probe-{uuid.uuid4().hex[:8]}:"
    written: list[str] = []
    try:
        now = int(time.time())
        code = new_code(issuer, now)
        token = access_token(issuer.exchange_at(FORM, token_body(code), now + 20))
        jti = issuer.verifier().verify_at(token, now + 20).jti
        (code_id,) = ledger.code_ids
        # The Rust crate's DEFAULT_CODE_PREFIX + the CodeId's lower-case hex (its Display).
        key = f"airisk:code:{code_id}"
        written.append(key)
        assert len(code_id) == 32 and set(code_id) <= set("0123456789abcdef")
        assert client.get(key) == b"1"  # `SET key 1 NX EX <ttl>`, the Rust crate's command
        # EX = the code's remaining life at the exchange (CODE_TTL - 20 s); the 60 s of
        # slack only absorb a stalled machine between the SET and this TTL.
        assert CODE_TTL - 20 - 60 < client.ttl(key) <= CODE_TTL - 20

        replay = issuer.exchange_at(FORM, token_body(code), now + 21)
        assert replay.reason == "CodeAlreadyRedeemed"
        revoked = f"airisk:revoked:{jti}"  # DEFAULT_REVOKED_PREFIX + jti
        written.append(revoked)
        assert client.get(revoked) == b"1"
        # Until the issued token would expire anyway: code expiry + token lifetime - now.
        assert CODE_TTL + TOKEN_TTL - 21 - 60 < client.ttl(revoked) <= CODE_TTL + TOKEN_TTL - 21

        # The other way: a code that a Rust replica redeemed (its exact command, sent
        # here by hand) is a replay for the Python issuer. A probe issuer with the same
        # code key, on a prefix of its own, tells the code's id.
        second = new_code(issuer, now)
        probe = Recording(client, probe_prefix)
        prober = make_issuer(probe, code_key=code_key, keys=keys)
        second_jti = prober.verifier().verify_at(
            access_token(prober.exchange_at(FORM, token_body(second), now + 1)), now + 1).jti
        (second_id,) = probe.code_ids
        rust_key = f"airisk:code:{second_id}"
        written.append(rust_key)
        assert client.execute_command("SET", rust_key, 1, "NX", "EX", 60) is True
        refused = issuer.exchange_at(FORM, token_body(second), now + 2)
        assert (refused.status, refused.reason) == (400, "CodeAlreadyRedeemed")
        written.append(f"airisk:revoked:{second_jti}")
        assert client.exists(f"airisk:revoked:{second_jti}") == 1  # and the Python side revoked its token
    finally:
        written.extend(k.decode() for k in client.scan_iter(match=probe_prefix + "*"))
        if written:
            client.delete(*written)


# ---------------------------------------------------------------- separate processes


class Worker:
    """A separate Python process (this file as a program) exchanging codes against
    Redis in phases: before each phase it prints "ready" and waits for "go" on stdin;
    each exchange's result is a JSON line in its own file."""

    def __init__(self, tmp: Path, name: str, config: dict[str, Any]) -> None:
        self.name = name
        self.out = tmp / f"{name}.jsonl"
        self.err_path = tmp / f"{name}.stderr"
        path = tmp / f"{name}.json"
        path.write_text(json.dumps({**config, "out": str(self.out)}), encoding="utf-8")
        self.err: TextIO = open(self.err_path, "w", encoding="utf-8")  # noqa: SIM115 (closed in close())
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--ledger-worker", str(path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err, text=True,
        )

    def expect(self, word: str) -> None:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line == word + "\n", f"worker {self.name} said {line!r}: {self.err_path.read_text()}"

    def go(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def results(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.read_text(encoding="utf-8").splitlines()]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.err.close()


def run_workers(tmp: Path, url: str, prefix: str, codes: list[str], keys: aa.KeySet, code_key: bytes,
                phases: list[list[int]], between: Any = None) -> list[list[dict[str, Any]]]:
    """Two workers exchanging the same codes, the second in reverse order in every
    phase, both released together; `between()` runs after each phase but the last."""
    base = {"url": url, "prefix": prefix, "codes": codes, "keys": keys.to_json(include_private=True),
            "code_key": code_key.hex()}
    workers = [Worker(tmp, "forward", {**base, "phases": phases}),
               Worker(tmp, "reverse", {**base, "phases": [p[::-1] for p in phases]})]
    # Against hangs only: a stuck worker is killed, and its missing lines fail the test.
    def kill_all() -> None:
        for w in workers:
            w.proc.kill()

    watchdog = threading.Timer(WORKER_DEADLINE, kill_all)
    watchdog.start()
    try:
        for n in range(len(phases)):
            for w in workers:
                w.expect("ready")  # and so done with the phase before
            if n and between is not None:
                between()
            for w in workers:
                w.go()
        for w in workers:
            w.expect("done")
            assert w.proc.wait() == 0, w.err_path.read_text()
        return [w.results() for w in workers]
    finally:
        watchdog.cancel()
        for w in workers:
            w.close()


def worker_main(config_path: str) -> int:
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    ledger = aa.RedisLedger(fast_client(config["url"]), config["prefix"])
    issuer = aa.Issuer(aa.KeySet.from_json(config["keys"]), aa.Registry.from_json(REGISTRY_JSON), issuer=ISS,
                       code_ttl=CODE_TTL, token_ttl=TOKEN_TTL, code_key=bytes.fromhex(config["code_key"]),
                       store=ledger)
    with open(config["out"], "w", encoding="utf-8") as out:
        for phase, order in enumerate(config["phases"]):
            print("ready", flush=True)
            if sys.stdin.readline() != "go\n":
                return 2
            for i in order:
                resp = issuer.exchange(FORM, token_body(config["codes"][i]))
                token = json.loads(resp.body)["access_token"] if resp.status == 200 else None
                out.write(json.dumps({"phase": phase, "code": i, "status": resp.status, "reason": resp.reason,
                                      "body": resp.body, "token": token, "pid": os.getpid()}) + "\n")
                out.flush()
    print("done", flush=True)
    return 0


def by_code(results: list[list[dict[str, Any]]], phase: int) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = {}
    for worker in results:
        for r in worker:
            if r["phase"] == phase:
                grouped.setdefault(r["code"], []).append(r)
    return grouped


def test_two_processes_exchanging_the_same_codes_get_one_success_per_code(
        tmp_path: Path, redis_url: str, prefix: str, client: Any) -> None:
    keys, code_key = aa.KeySet.generate_hs256("k1"), os.urandom(32)
    issuer = make_issuer(None, code_key=code_key, keys=keys)  # only issues the codes
    codes = [new_code(issuer) for _ in range(RACE_CODES)]
    results = run_workers(tmp_path, redis_url, prefix, codes, keys, code_key, [list(range(RACE_CODES))])

    assert len({r["pid"] for w in results for r in w}) == 2, "two separate processes"
    attempts = by_code(results, 0)
    assert sorted(attempts) == list(range(RACE_CODES))
    tokens = []
    for i, tries in attempts.items():
        assert len(tries) == 2, i
        assert sorted(t["status"] for t in tries) == [200, 400], (i, tries)
        (refused,) = [t for t in tries if t["status"] == 400]
        assert (refused["body"], refused["reason"]) == ("Invalid Code", "CodeAlreadyRedeemed")
        (won,) = [t for t in tries if t["status"] == 200]
        tokens.append(won["token"])
    assert len(set(tokens)) == RACE_CODES
    assert len(list(client.scan_iter(match=prefix + "code:*"))) == RACE_CODES
    # Every code was replayed, so every token issued was revoked for everyone.
    verifier = aa.Verifier(keys, aa.Policy(ISS), store=aa.RedisLedger(client, prefix))
    for result in verifier.verify_many(tokens):
        assert isinstance(result, aa.TokenRevokedError)
    assert len(list(client.scan_iter(match=prefix + "revoked:*"))) == RACE_CODES


def test_redis_stopped_mid_run_refuses_every_later_exchange_and_issues_none_twice(
        tmp_path: Path, redis_url: str, prefix: str) -> None:
    # A private server, killed while both workers are alive and connected to it.
    server_dir = tmp_path / "redis"
    started = subprocess.run(["bash", str(ROOT / "scripts" / "redis.sh"), "start", str(server_dir)],
                             capture_output=True, text=True, timeout=600)
    assert started.returncode == 0, started.stderr
    port = int(started.stdout.strip())
    try:
        pid = int((server_dir / "redis.pid").read_text().strip())
        url = f"redis://127.0.0.1:{port}/0"
        keys, code_key = aa.KeySet.generate_hs256("k1"), os.urandom(32)
        issuer = make_issuer(None, code_key=code_key, keys=keys)
        raced, after = RACE_CODES // 2, RACE_CODES // 2
        codes = [new_code(issuer) for _ in range(raced + after)]
        first_tokens: list[str] = []

        def kill_redis() -> None:
            # While Redis is up, the tokens of the raced (so replayed) codes are known revoked.
            up = aa.Verifier(keys, aa.Policy(ISS), store=aa.RedisLedger(fast_client(url), prefix))
            phase0 = [json.loads(line) for w in ("forward", "reverse")
                      for line in (tmp_path / f"{w}.jsonl").read_text().splitlines()]
            first_tokens.extend(r["token"] for r in phase0 if r["status"] == 200)
            assert len(first_tokens) == raced
            with pytest.raises(aa.TokenRevokedError):
                up.verify(first_tokens[0])
            os.kill(pid, signal.SIGKILL)
            wait_refused(port)

        results = run_workers(tmp_path, url, prefix, codes, keys, code_key,
                              [list(range(raced)), list(range(raced, raced + after))], between=kill_redis)

        before, later = by_code(results, 0), by_code(results, 1)
        assert sorted(before) == list(range(raced)) and sorted(later) == list(range(raced, raced + after))
        for i, tries in before.items():
            assert sorted(t["status"] for t in tries) == [200, 400], (i, tries)
        for i, tries in later.items():
            assert len(tries) == 2
            for t in tries:
                assert (t["status"], t["reason"], t["token"]) == (503, "LedgerUnavailable", None), (i, t)
                assert json.loads(t["body"])["status"] == 503
        issued = [t["code"] for tries in (*before.values(), *later.values()) for t in tries if t["status"] == 200]
        assert len(issued) == len(set(issued)) == raced, "no code issued twice"

        # With the revocation list unreachable, no token is accepted, and none is blamed.
        down = aa.Verifier(keys, aa.Policy(ISS), store=aa.RedisLedger(fast_client(url), prefix))
        token = first_tokens[0]
        with pytest.raises(aa.LedgerUnavailableError):
            down.verify(token)
        answer = aa.check_bearer(down, f"Bearer {token}")
        assert isinstance(answer, aa.Response) and (answer.status, answer.reason) == (503, "LedgerUnavailable")
        # And this process, too, refuses a fresh code rather than issue it unchecked.
        here = make_issuer(aa.RedisLedger(fast_client(url), prefix), code_key=code_key, keys=keys)
        resp = here.exchange(FORM, token_body(new_code(here)))
        assert (resp.status, resp.reason) == (503, "LedgerUnavailable") and "access_token" not in resp.body
    finally:
        subprocess.run(["bash", str(ROOT / "scripts" / "redis.sh"), "stop", str(server_dir)],
                       capture_output=True, timeout=120)


def wait_refused(port: int) -> None:
    """Until nothing accepts connections on the killed server's port."""
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except ConnectionRefusedError:
            return
        time.sleep(0.05)
    raise AssertionError(f"127.0.0.1:{port} still accepts connections after SIGKILL")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--ledger-worker":
        sys.exit(worker_main(sys.argv[2]))
    sys.exit(f"usage: {sys.argv[0]} --ledger-worker CONFIG.json")
