"""The grant lifecycle across processes sharing one Redis (issue 15): a grant revoked in
one process is refused by another on its next check, and a refresh token raced by 50
concurrent requests from two processes yields exactly one new pair and revokes the
family. Both processes use :class:`airisk_auth.RedisStore` (the Rust store), on a key
prefix of their own per run.

The server is the one at AIRISK_REDIS_URL (scripts/test-python.sh starts one); without
it these tests skip, or fail when AIRISK_REDIS_REQUIRED=1.

This file is also the worker program: ``python test_lifecycle_redis.py --worker CONFIG.json``
reads one JSON command per line on stdin and answers one JSON line on stdout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import airisk_auth as aa

ISS = "https://airisk.example"
REDIRECT = "https://localhost/callback"
RT_CLIENT, RT_SECRET = "rt", "rt-secret-0123456789abcdef"
REGISTRY_JSON = json.dumps({
    "clients": [{"client_id": RT_CLIENT, "client_secret": RT_SECRET, "redirect_uri": REDIRECT,
                 "refresh_tokens": True}],
    "users": [{"userid": "user_42", "company_id": "acme"}, {"userid": "user_7"}],
})
FORM = "application/x-www-form-urlencoded"
#: Concurrent refreshes of one token, split over the two processes.
RACERS = 50
#: A bound on how long a worker may take to answer, against hangs only (never asserted).
WORKER_DEADLINE = 120


def make_issuer(config: dict[str, Any]) -> aa.Issuer:
    store = aa.RedisStore(config["url"], code_prefix=config["prefix"] + "code:",
                          revoked_prefix=config["prefix"] + "revoked:", pool_size=32)
    return aa.Issuer(aa.KeySet.from_json(config["keys"]), aa.Registry.from_json(REGISTRY_JSON), issuer=ISS,
                     code_key=bytes.fromhex(config["code_key"]), store=store)


def refresh_body(token: str) -> str:
    return urllib.parse.urlencode({"grant_type": "refresh_token", "client_id": RT_CLIENT,
                                   "client_secret": RT_SECRET, "refresh_token": token})


# ---------------------------------------------------------------- the worker process


def worker_main(config_path: str) -> int:
    """Answers commands: {"op":"verify","token"} -> {"ok", "error"};
    {"op":"revoke_grant","client_id","userid"} -> {"ok"};
    {"op":"race","token","threads"} -> "ready", then on "go <time>" {"answers":[...]}."""
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    issuer = make_issuer(config)
    verifier = issuer.verifier()
    print(json.dumps({"ready": os.getpid()}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        if command["op"] == "verify":
            try:
                verifier.verify(command["token"])
                answer: dict[str, Any] = {"ok": True, "error": None}
            except aa.AuthError as error:
                answer = {"ok": False, "error": error.name}
        elif command["op"] == "revoke_grant":
            issuer.revoke_grant(command["client_id"], command["userid"])
            answer = {"ok": True, "error": None}
        elif command["op"] == "race":
            go = threading.Event()
            answers: list[dict[str, Any]] = []
            lock = threading.Lock()

            def racer(body: str) -> None:
                go.wait()
                resp = issuer.exchange(FORM, body)
                with lock:
                    answers.append({"status": resp.status, "reason": resp.reason, "body": resp.body})

            threads = [threading.Thread(target=racer, args=(refresh_body(command["token"]),))
                       for _ in range(command["threads"])]
            for t in threads:
                t.start()
            print(json.dumps({"ready": os.getpid()}), flush=True)
            # "go <wall-clock time>": both processes release their threads at that moment,
            # so the two processes' requests meet at Redis (not one after the other).
            word, _, start_at = sys.stdin.readline().partition(" ")
            if word != "go":
                return 2
            time.sleep(max(0.0, float(start_at) - time.time()))
            go.set()
            for t in threads:
                t.join()
            answer = {"answers": answers, "pid": os.getpid()}
        else:
            return 2
        print(json.dumps(answer), flush=True)
    return 0


class Worker:
    """A separate Python process running :func:`worker_main`."""

    def __init__(self, tmp: Path, name: str, config: dict[str, Any]) -> None:
        path = tmp / f"{name}.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        self.err_path = tmp / f"{name}.stderr"
        self.err = open(self.err_path, "w", encoding="utf-8")  # noqa: SIM115 (closed in close())
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker", str(path)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err, text=True)
        self.pid = self.read()["ready"]

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, f"worker ended: {self.err_path.read_text()}"
        answer: dict[str, Any] = json.loads(line)
        return answer

    def verify(self, token: str) -> dict[str, Any]:
        self.send(json.dumps({"op": "verify", "token": token}))
        return self.read()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.err.close()


# ---------------------------------------------------------------- the tests


@pytest.fixture
def config() -> dict[str, Any]:
    url = os.environ.get("AIRISK_REDIS_URL")
    if not url:
        if os.environ.get("AIRISK_REDIS_REQUIRED") == "1":
            pytest.fail("AIRISK_REDIS_URL is not set but AIRISK_REDIS_REQUIRED=1")
        pytest.skip("AIRISK_REDIS_URL not set")
    return {"url": url, "prefix": f"airisk-lc-{uuid.uuid4().hex}:",
            "keys": aa.KeySet.generate_ed25519("ed-1").to_json(include_private=True),
            "code_key": os.urandom(32).hex()}


@pytest.fixture
def workers(tmp_path: Path, config: dict[str, Any]) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    watchdog = threading.Timer(WORKER_DEADLINE, lambda: [w.proc.kill() for w in started])
    watchdog.start()
    try:
        for name in ("a", "b"):
            started.append(Worker(tmp_path, name, config))
        assert started[0].pid != started[1].pid != os.getpid(), "separate processes"
        yield started
    finally:
        watchdog.cancel()
        for w in started:
            w.close()


def first_pair(issuer: aa.Issuer, userid: str = "user_42") -> dict[str, str]:
    raw = urllib.parse.urlencode({"client_id": RT_CLIENT, "redirect_uri": REDIRECT, "userid": userid})
    location = issuer.authorize(raw).header("Location")
    assert location is not None
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))["code"]
    resp = issuer.exchange(FORM, urllib.parse.urlencode({
        "client_id": RT_CLIENT, "client_secret": RT_SECRET, "redirect_uri": REDIRECT, "code": code,
        "userid": userid}))
    assert resp.status == 200, (resp.status, resp.reason, resp.body)
    pair: dict[str, str] = json.loads(resp.body)
    return pair


def test_a_grant_revoked_in_one_process_is_refused_by_the_other(
        config: dict[str, Any], workers: list[Worker]) -> None:
    a, b = workers
    issuer = make_issuer(config)  # this process issues; A revokes; B checks
    pair = first_pair(issuer)
    assert a.verify(pair["access_token"]) == {"ok": True, "error": None}
    assert b.verify(pair["access_token"]) == {"ok": True, "error": None}
    # Another user's grant of the same client, untouched by the revocation.
    other = first_pair(issuer, userid="user_7")
    a.send(json.dumps({"op": "revoke_grant", "client_id": RT_CLIENT, "userid": "user_42"}))
    assert a.read() == {"ok": True, "error": None}
    # B's very next check refuses the old token; nothing was told to B but the store.
    assert b.verify(pair["access_token"]) == {"ok": False, "error": "TokenRevoked"}
    assert a.verify(pair["access_token"]) == {"ok": False, "error": "TokenRevoked"}
    assert b.verify(other["access_token"]) == {"ok": True, "error": None}
    # The refresh token of the revoked grant is refused as well.
    refused = issuer.exchange(FORM, refresh_body(pair["refresh_token"]))
    assert refused.status == 400
    # A re-consent from the next second on issues tokens that work everywhere.
    time.sleep(1.1)
    again = first_pair(issuer)
    assert b.verify(again["access_token"]) == {"ok": True, "error": None}


def test_a_refresh_token_raced_by_fifty_requests_across_two_processes_yields_one_pair(
        config: dict[str, Any], workers: list[Worker]) -> None:
    issuer = make_issuer(config)
    pair = first_pair(issuer)
    for w, n in zip(workers, (RACERS // 2, RACERS - RACERS // 2)):
        w.send(json.dumps({"op": "race", "token": pair["refresh_token"], "threads": n}))
    for w in workers:
        assert "ready" in w.read()  # every thread started, waiting on the go
    start_at = time.time() + 0.5
    for w in workers:
        w.send(f"go {start_at}")
    results = [w.read() for w in workers]
    assert len({r["pid"] for r in results}) == 2
    answers = [a for r in results for a in r["answers"]]
    assert len(answers) == RACERS
    winners = [a for a in answers if a["status"] == 200]
    assert len(winners) == 1, [(a["status"], a["reason"]) for a in answers]
    losers = [a for a in answers if a["status"] != 200]
    # Each loser is a replay (which revokes the family) or, once revoked, refused as such.
    assert {(a["status"], a["reason"]) for a in losers} <= {(400, "CodeAlreadyRedeemed"), (400, "TokenRevoked")}
    assert any(a["reason"] == "CodeAlreadyRedeemed" for a in losers)
    new = json.loads(winners[0]["body"])
    assert new["refresh_token"] != pair["refresh_token"] and new["access_token"] != pair["access_token"]
    # The family is revoked: the winner's new tokens are refused by both processes and here.
    for w in workers:
        assert w.verify(new["access_token"]) == {"ok": False, "error": "TokenRevoked"}
        assert w.verify(pair["access_token"]) == {"ok": False, "error": "TokenRevoked"}
    with pytest.raises(aa.TokenRevokedError):
        issuer.verifier().verify(new["access_token"])
    assert issuer.exchange(FORM, refresh_body(new["refresh_token"])).status == 400


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        sys.exit(worker_main(sys.argv[2]))
    sys.exit(f"usage: {sys.argv[0]} --worker CONFIG.json")
