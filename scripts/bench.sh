#!/usr/bin/env bash
# Runs every bench of airisk-auth in one run — Rust, Python, C, callgrind — and prints
# the ratio table of issue 18, every goal met or not.
#
#   bash scripts/bench.sh            # everything (about 10 minutes on 2 cores, after the builds)
#   bash scripts/bench.sh verify     # Rust benches whose name contains "verify" only (criterion
#                                    # filter); with a filter the Python, C and callgrind parts are skipped,
#                                    # and the timing part runs only for a filter within "timing_leaks"
#   BENCH_PARTS="rust callgrind" bash scripts/bench.sh   # choose the parts (default: rust timing python c callgrind)
#   BENCH_PARTS=timing bash scripts/bench.sh             # the timing-leak statistic alone (~1 min after the build)
#
# What runs:
#   rust       benches/ (crate airisk-auth-benches): verify, flow (criterion); paired (each goal's two
#              contenders alternated in ~1 ms batches); threads; ledger_memory
#   timing     benches/benches/timing_leaks.rs (issue 20.7): a dudect-style Welch t-statistic of the HS256
#              signature check, the code MAC check and the client secret comparison, inputs wrong in their
#              first byte against inputs wrong in their last byte (|t| < 4.5: no leak detected), beside an
#              early-exit == control that must leak; printed with the load, again after the ratio table
#   python     scripts/bench-python.sh: our extension beside PyJWT, pyjwt-rs, joserfc, CPython's hmac
#   c          scripts/bench-c.sh: the C ABI beside the Rust call and libjwt
#   callgrind  instructions per operation of benches/examples/profile.rs (the `profiling` profile:
#              release code with symbols) under valgrind (when installed):
#              ring's bare HMAC (the floor), verify_at and verify_with on the same token, in the same binary
# then bench-report reads target/criterion (and the extras each part wrote into
# target/criterion/airisk-extra/) and prints "bench, median, x floor" and every goal, met or
# not, with the load average of the run (a goal a part could not measure says so).
#
# Absolute times drift on a shared machine; compare the ratios, which are taken in the same run.
# Results go where criterion puts them: $CRITERION_HOME, else $CARGO_TARGET_DIR/criterion, else target/criterion.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
CRITERION="${CRITERION_HOME:-$TARGET/criterion}"
EXTRA="$CRITERION/airisk-extra"
PARTS="${BENCH_PARTS:-rust timing python c callgrind}"
if [[ $# -gt 0 ]]; then
    # A filter runs the Rust benches it names, and the timing statistic when it names timing_leaks.
    PARTS="rust"
    [[ "timing_leaks" != *"$1"* ]] || PARTS="rust timing"
fi
mkdir -p "$EXTRA"
has() { [[ " $PARTS " == *" $1 "* ]]; }

LOAD_BEFORE="$(cut -d' ' -f1 /proc/loadavg)"
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

if has rust; then
    cargo bench -p airisk-auth-benches --bench verify --bench flow --bench paired --bench threads \
        --bench ledger_memory -- "$@"
fi

# The timing-leak statistic (a measurement, never a pass/fail: time on a shared machine is noisy).
TIMING="$EXTRA/timing_leaks.txt"
rm -f "$TIMING"
if has timing; then
    cargo bench --quiet -p airisk-auth-benches --bench timing_leaks --no-run
    {
        echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
        cargo bench --quiet -p airisk-auth-benches --bench timing_leaks
        echo "load after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
    } | tee "$TIMING"
fi

if has python; then
    rm -f "$EXTRA/python.json"
    bash scripts/bench-python.sh --json "$EXTRA/python.json" ||
        echo "bench.sh: the Python bench failed; its goals show as not measured" >&2
fi

if has c; then
    rm -f "$EXTRA/c.json"
    AIRISK_BENCH_JSON="$EXTRA/c.json" bash scripts/bench-c.sh ||
        echo "bench.sh: the C bench failed; its goals show as not measured" >&2
fi

if has callgrind; then
    rm -f "$EXTRA/callgrind.json"
    if command -v valgrind >/dev/null 2>&1; then
        # The `profiling` profile: release code with its symbols and line tables (release
        # itself is stripped), so that a callgrind or perf run of it can be read.
        cargo build --quiet --profile profiling -p airisk-auth-benches --example profile
        PROFILE_BIN="$TARGET/profiling/examples/profile"
        # Instructions of N and 2N operations: the difference over N leaves out the
        # fixture (keys, tokens) the binary builds first.
        instructions() {
            valgrind --tool=callgrind --callgrind-out-file=/dev/null "$PROFILE_BIN" "$1" "$2" 2>&1 >/dev/null |
                sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
        }
        N=20000
        json="{"
        for kind in floor_hmac hs256_user hs256_user_borrowed; do
            one="$(instructions "$kind" "$N")"
            two="$(instructions "$kind" "$((2 * N))")"
            per=$(((two - one) / N))
            echo "callgrind: $kind $per instructions per operation"
            json+="\"$kind\": $per, "
        done
        echo "${json%, }}" > "$EXTRA/callgrind.json"
    else
        echo "bench.sh: valgrind not installed: no instruction counts" >&2
    fi
fi

echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
# The load goes into the report's table: every ratio moves with it.
printf '{"before_1m": %s, "after_1m": %s, "cores": %s}\n' \
    "$LOAD_BEFORE" "$(cut -d' ' -f1 /proc/loadavg)" "$(nproc)" > "$EXTRA/load.json"
echo
if has rust || has python || has c || has callgrind; then
    cargo run --quiet --release -p airisk-auth-benches --bin bench-report "$CRITERION"
fi
if [[ -s "$TIMING" ]]; then
    echo
    echo "== timing leaks (Welch t, wrong first byte vs wrong last byte; |t| < 4.5: no leak detected)"
    cat "$TIMING"
fi
