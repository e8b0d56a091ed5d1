"""HS256 verification from Python: airisk_auth beside PyJWT, pyjwt-rs, joserfc and CPython's hmac.

Run it with `bash scripts/bench-python.sh` (a release build of the extension in .venv-bench).
Every candidate checks the same token (the Rust benches' claims and secret), and each is
first shown to accept it and to refuse it once its signature is altered, so no candidate is
timed doing less than a verification. The rounds interleave the candidates (each round times
every candidate once, in turn), so drifting load on a shared machine hits them alike; the
table gives the median of the rounds, and each ratio is the median of the per-round ratios
(the ratio of the medians beside it).

Not a test: nothing here is asserted about time.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import platform
import statistics
import sys
import time
import timeit
import warnings
from typing import Any, Callable, NamedTuple

import airisk_auth as aa

# The constants of benches/src/lib.rs, so Python, C and Rust time the same bytes.
ISSUER = "https://airisk.example"
CLIENT_ID = "abc123"
USERID = "user_42"
KID = "k1"
TOKEN_TTL = 3600
HS256_SECRET = b"airisk-auth bench HS256 secret!!"
# The flow derives a 22-character base64url jti from the code id; any such value will do.
JTI = "bQx3Yk9TzR1uVwA5pL0c2E"


class Candidate(NamedTuple):
    key: str
    label: str
    fn: Callable[[], object]


def mint() -> tuple[str, int]:
    """The bench token, minted by our KeySet at the current time, and the time to verify at."""
    now = int(time.time())
    keys = aa.KeySet.from_hs256_secret(HS256_SECRET, KID)
    token = keys.mint(aa.Claims.user(ISSUER, CLIENT_ID, USERID, now, TOKEN_TTL, JTI))
    return token, now + 5


def candidates(token: str, now: int) -> list[Candidate]:
    keys = aa.KeySet.from_hs256_secret(HS256_SECRET, KID)
    # The full policy: alg pinned by the key set, issuer, exp/nbf, the access-token
    # claims, and a user token required.
    verifier = aa.Verifier(keys, aa.Policy(ISSUER, require_user=True))

    def ours() -> object:
        return verifier.verify_at(token, now)

    def ours_batch() -> object:
        return verifier.verify_many(batch, now)

    batch = [token] * 100

    def ours_userid() -> object:
        return verifier.verify_at(token, now).userid

    out = [
        Candidate("ours", "airisk_auth Verifier.verify_at (full policy, Claims)", ours),
        Candidate("ours_userid", "airisk_auth verify_at(...).userid (one attribute read)", ours_userid),
        Candidate("ours_batch", "airisk_auth verify_many, 100 tokens (per token)", ours_batch),
    ]

    # Where the time of `ours` goes: the probes of the `bench` feature (bindings/python/src/bench.rs),
    # each called with verify_at's arguments. Absent from a build without the feature.
    native = aa._native
    if hasattr(native, "_bench_call"):
        probe_call, probe_borrowed, probe_owned = (
            native._bench_call, native._bench_verify_borrowed, native._bench_verify_owned)
        out += [
            Candidate("probe_call", "probe: the call alone (same arguments converted)",
                      lambda: probe_call(verifier, token, now)),
            Candidate("probe_borrowed", "probe: core verify_with (borrowed claims), returns None",
                      lambda: probe_borrowed(verifier, token, now)),
            Candidate("probe_owned", "probe: core verify_at (owned claims dropped), returns None",
                      lambda: probe_owned(verifier, token, now)),
        ]
    else:
        print("airisk_auth built without the bench feature: no breakdown", file=sys.stderr)

    # The floor: CPython's HMAC of the same signing input and a constant-time compare.
    signing_input, _, sig_b64 = token.rpartition(".")
    signing_bytes = signing_input.encode()
    signature = base64.urlsafe_b64decode(sig_b64 + "=" * (-len(sig_b64) % 4))
    sha256 = hashlib.sha256

    def floor() -> object:
        return hmac.compare_digest(hmac.new(HS256_SECRET, signing_bytes, sha256).digest(), signature)

    def floor_b64() -> object:
        head, _, sig = token.rpartition(".")
        expected = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
        return hmac.compare_digest(hmac.new(HS256_SECRET, head.encode(), sha256).digest(), expected)

    def floor_oneshot() -> object:
        return hmac.compare_digest(hmac.digest(HS256_SECRET, signing_bytes, "sha256"), signature)

    out += [
        Candidate("floor", "floor: hmac.new(key, input, sha256).digest() + compare_digest", floor),
        Candidate("floor_b64", "floor + split + base64url decode of the signature", floor_b64),
        Candidate("floor_oneshot", "hmac.digest(key, input, 'sha256') + compare_digest", floor_oneshot),
    ]

    required = ["exp", "iat", "iss", "sub", "jti"]
    try:
        import jwt as pyjwt

        def pyjwt_decode() -> object:
            return pyjwt.decode(
                token, HS256_SECRET, algorithms=["HS256"], issuer=ISSUER, options={"require": required}
            )

        out.append(Candidate("pyjwt", f"PyJWT {pyjwt.__version__} jwt.decode", pyjwt_decode))
    except ImportError:
        print("PyJWT not installed: skipped", file=sys.stderr)

    try:
        import jwt_rs

        version = getattr(jwt_rs, "__version__", "?")

        def pyjwt_rs_decode() -> object:
            return jwt_rs.decode(
                token, HS256_SECRET, algorithms=["HS256"], issuer=ISSUER, options={"require": required}
            )

        out.append(Candidate("pyjwt_rs", f"pyjwt-rs (jwt_rs {version}) jwt_rs.decode", pyjwt_rs_decode))
    except ImportError:
        print("pyjwt-rs not installed: skipped", file=sys.stderr)

    try:
        from importlib.metadata import version as dist_version

        from joserfc import jwt as jose_jwt
        from joserfc.jwk import OctKey

        oct_key = OctKey.import_key(HS256_SECRET)
        registry = jose_jwt.JWTClaimsRegistry(
            now=lambda: now,
            iss={"essential": True, "value": ISSUER},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            jti={"essential": True},
        )

        def joserfc_decode() -> object:
            decoded = jose_jwt.decode(token, oct_key, algorithms=["HS256"])
            registry.validate(decoded.claims)
            return decoded.claims

        label = f"joserfc {dist_version('joserfc')} jwt.decode + claims registry"
        out.append(Candidate("joserfc", label, joserfc_decode))
    except ImportError:
        print("joserfc not installed: skipped", file=sys.stderr)
    return out


def tampered(token: str) -> str:
    """The token with the last character of its signature changed."""
    last = token[-2]  # not the final character, whose low bits may be padding
    return token[:-2] + ("A" if last != "A" else "B") + token[-1]


def require(condition: bool, message: str) -> None:
    """Stops the bench when a candidate does not verify as it should (not `assert`: -O)."""
    if not condition:
        raise SystemExit(f"bench_verify: {message}")


def check_candidates(token: str, now: int, found: list[Candidate]) -> None:
    """Each candidate must accept the token and refuse it with a forged signature."""
    for cand in found:
        result: Any = cand.fn()
        if cand.key.startswith("floor"):
            require(result is True, f"{cand.key} does not match the token's signature")
        elif cand.key == "ours":
            require(result.userid == USERID and result.iss == ISSUER, f"ours gave {result!r}")
        elif cand.key == "ours_userid":
            require(result == USERID, f"ours_userid gave {result!r}")
        elif cand.key.startswith("probe_"):
            require(cand.key == "probe_call" or result is None, f"{cand.key} gave {result!r}")
        elif cand.key == "ours_batch":
            require(all(getattr(c, "userid", None) == USERID for c in result), "verify_many failed")
        else:
            require(isinstance(result, dict) and result.get("sub") == USERID, f"{cand.key}: {result!r}")
    # The same candidates built on the forged token must refuse it.
    for cand in candidates(tampered(token), now):
        if cand.key == "probe_call":  # verifies nothing, by design
            continue
        try:
            result = cand.fn()
        except aa.InvalidSignatureError:
            continue
        except Exception as e:  # every peer has its own error class
            require(not cand.key.startswith(("ours", "probe_")),
                    f"{cand.key} raised {e!r}, not InvalidSignatureError")
            continue
        if cand.key.startswith("floor"):
            require(result is False, f"{cand.key} matched a forged signature")
        elif cand.key == "ours_batch":
            require(all(isinstance(r, aa.InvalidSignatureError) for r in result), "verify_many accepted a forgery")
        else:
            require(False, f"{cand.key} accepted a forged signature")


def calibrate(fn: Callable[[], object], target: float) -> int:
    """A loop count for which one timing of fn takes about `target` seconds."""
    number = 1
    while True:
        elapsed = timeit.timeit(fn, number=number)
        if elapsed >= target / 10:
            return max(1, int(number * target / elapsed))
        number *= 4


def measure(found: list[Candidate], rounds: int, target: float) -> dict[str, list[float]]:
    """Seconds per call of each candidate in each of the interleaved rounds."""
    numbers = {c.key: calibrate(c.fn, target) for c in found}
    samples: dict[str, list[float]] = {c.key: [] for c in found}
    for r in range(rounds):
        # Each round starts with a different candidate: whatever the first of a round pays
        # (caches left cold by the last, e.g. PyJWT) is spread over all of them.
        for cand in found[r % len(found):] + found[:r % len(found)]:
            n = numbers[cand.key]
            # verify_many checks 100 tokens per call: report it per token.
            per = n * (100 if cand.key == "ours_batch" else 1)
            samples[cand.key].append(timeit.timeit(cand.fn, number=n) / per)
    return samples


def paired(samples: dict[str, list[float]], num: str, den: str) -> float:
    """The median of the per-round ratios num/den: the two times of a round were taken
    moments apart, so load drifting between rounds cancels out."""
    return statistics.median(a / b for a, b in zip(samples[num], samples[den]))


def fmt_time(seconds: float) -> str:
    return f"{seconds * 1e6:8.2f} us" if seconds >= 1e-6 else f"{seconds * 1e9:8.0f} ns"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21, help="interleaved rounds (median taken)")
    parser.add_argument("--target", type=float, default=0.03, help="seconds per candidate per round")
    parser.add_argument("--pair-rounds", type=int, default=201,
                        help="rounds of ~2 ms batches for each ratio's two candidates, alternated")
    parser.add_argument("--json", help="also write the medians (seconds) and ratios to this file")
    parser.add_argument("--breakdown-rounds", type=int, default=301,
                        help="rounds of ~1 ms batches for the breakdown of one verify_at call")
    args = parser.parse_args()

    warnings.simplefilter("ignore")  # a peer's warning printed once per call would be timed too
    token, now = mint()
    found = candidates(token, now)
    check_candidates(token, now, found)

    print(f"token: {len(token)} characters, HS256, claims {sorted(json.loads(base64.urlsafe_b64decode(token.split('.')[1] + '==')))}")
    print(f"python {platform.python_version()} on {platform.machine()}, airisk_auth {aa.__version__}; "
          f"{args.rounds} interleaved rounds of ~{args.target}s per candidate, medians")
    started = time.perf_counter()
    samples = measure(found, args.rounds, args.target)
    med = {k: statistics.median(v) for k, v in samples.items()}
    print(f"(measured in {time.perf_counter() - started:.1f} s)\n")

    width = max(len(c.label) for c in found)
    print(f"{'candidate':<{width}}  {'median':>11}  {'min':>11}  {'/ ours':>7}")
    for cand in found:
        print(f"{cand.label:<{width}}  {fmt_time(med[cand.key]):>11}  "
              f"{fmt_time(min(samples[cand.key])):>11}  {paired(samples, cand.key, 'ours'):7.2f}")

    # (name, numerator, denominator, goal, met(ratio) or None for information)
    wanted: list[tuple[str, str, str, str, Callable[[float], bool] | None]] = [
        ("ours / floor (hmac.new + compare_digest)", "ours", "floor", "<= 0.35", lambda r: r <= 0.35),
        ("ours / (floor + base64url decode)", "ours", "floor_b64", "(info)", None),
        ("ours / hmac.digest one-shot", "ours", "floor_oneshot", "(info)", None),
        ("PyJWT / ours", "pyjwt", "ours", ">= 100", lambda r: r >= 100),
        ("pyjwt-rs / ours", "pyjwt_rs", "ours", ">= 8", lambda r: r >= 8),
        ("joserfc / ours", "joserfc", "ours", "(info)", None),
    ]
    # Each ratio from its own two candidates alternated in ~2 ms batches (the order swapped
    # every round): the two sides are timed milliseconds apart, where the table's rounds put
    # up to ten other candidates between them; on a loaded machine that matters.
    by_key = {c.key: c for c in found}
    ratios: dict[str, dict[str, float]] = {}
    print(f"\n{'ratio':<{width}}  {'paired':>11}  {'medians':>11}  goal (on paired)")
    for name, num, den, goal, met in wanted:
        if num not in samples or den not in samples:
            continue
        pair = measure([by_key[num], by_key[den]], args.pair_rounds, 0.002)
        value, of_medians = paired(pair, num, den), med[num] / med[den]
        ratios[name] = {"paired": value, "of_medians": of_medians}
        verdict = "" if met is None else ("  met" if met(value) else "  NOT met")
        print(f"{name:<{width}}  {value:11.2f}  {of_medians:11.2f}  {goal}{verdict}")

    # Where one `verify_at` call goes: the probes and `ours` alternated in ~1 ms batches (a
    # tighter pairing than the rounds above, so load moving between them cancels out better),
    # then the median of the per-batch-round differences.
    breakdown: dict[str, float] = {}
    if "probe_call" in samples:
        keys = ["probe_call", "probe_borrowed", "probe_owned", "ours", "ours_userid"]
        fine = measure([c for c in found if c.key in keys], args.breakdown_rounds, 0.001)

        def diff(a: str, b: str | None) -> float:
            if b is None:
                return statistics.median(fine[a])
            return statistics.median(x - y for x, y in zip(fine[a], fine[b]))

        parts = [
            ("call", "the call: pyo3 dispatch, the token str and now converted", "probe_call", None),
            ("core_verify", "the core's verification, borrowed claims", "probe_borrowed", "probe_call"),
            ("owned_claims", "the core's owned claims (Strings made and freed)", "probe_owned", "probe_borrowed"),
            ("claims_object", "the Claims object made and freed", "ours", "probe_owned"),
        ]
        total = statistics.median(fine["ours"])
        print(f"\nwhere verify_at goes (median of per-round differences; whole call {fmt_time(total)}):")
        for key, what, a, b in parts:
            value = diff(a, b)
            breakdown[key] = value
            print(f"  {what:<58} {fmt_time(value):>11}  {100 * value / total:5.1f} %")
        value = diff("ours_userid", "ours")
        breakdown["read_userid"] = value
        print(f"  {'(after) reading claims.userid':<58} {fmt_time(value):>11}  {100 * value / total:5.1f} %")

    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            # The goals' paired ratios also flat, for the Rust report (scripts/bench.sh).
            flat = {key: ratios[name]["paired"] for key, name in [
                ("ours_over_floor", "ours / floor (hmac.new + compare_digest)"),
                ("pyjwt_over_ours", "PyJWT / ours"),
                ("pyjwt_rs_over_ours", "pyjwt-rs / ours"),
            ] if name in ratios}
            # The breakdown flat too, in ns (the report reads top-level numbers only).
            flat.update({f"{key}_ns": value * 1e9 for key, value in breakdown.items()})
            if breakdown:
                flat["ours_ns"] = sum(breakdown[k] for k in
                                      ("call", "core_verify", "owned_claims", "claims_object")) * 1e9
            json.dump({"token_chars": len(token), "medians_s": med, "ratios": ratios,
                       "breakdown_s": breakdown, **flat}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
