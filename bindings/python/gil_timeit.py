"""Measures what releasing the GIL costs and buys (numbers in README.md).

Run with a release build:  maturin develop --release && python gil_timeit.py
Not a test: nothing here is asserted.
"""

from __future__ import annotations

import threading
import time
import timeit

import airisk_auth as aa

ISS = "https://airisk.example"


def per_call_us(stmt, number: int) -> float:
    best = min(timeit.repeat(stmt, number=number, repeat=5))
    return best / number * 1e6


def threaded_rate(fn, threads: int, seconds: float = 1.0) -> float:
    count = [0] * threads
    stop = time.perf_counter() + seconds

    def work(i: int) -> None:
        n = 0
        while time.perf_counter() < stop:
            fn()
            n += 1
        count[i] = n

    ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(count) / seconds


def main() -> None:
    for name, keys in (("HS256", aa.KeySet.generate_hs256("k")), ("EdDSA", aa.KeySet.generate_ed25519("k"))):
        verifier = aa.Verifier(keys, aa.Policy(ISS))
        token = keys.mint(aa.Claims.user(ISS, "abc123", "user_42", 1_000, 3_600, "j"))
        n = 20_000 if name == "HS256" else 2_000
        one = per_call_us(lambda: verifier.verify_at(token, 2_000), n)
        batch1 = per_call_us(lambda: verifier.verify_many([token], 2_000), n)
        batch100 = per_call_us(lambda: verifier.verify_many([token] * 100, 2_000), max(n // 100, 20)) / 100
        print(f"{name}: verify_at {one:.2f} us (GIL {'released' if name == 'EdDSA' else 'held'}); "
              f"verify_many([1 token]) {batch1:.2f} us (released); verify_many x100 {batch100:.2f} us/token")
        for threads in (1, 2, 4):
            rate = threaded_rate(lambda: verifier.verify_at(token, 2_000), threads)
            print(f"  {threads} thread(s): {rate:,.0f} verifications/s")


if __name__ == "__main__":
    main()
