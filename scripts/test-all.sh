#!/usr/bin/env bash
# Every test of every language, as CI runs it: `bash scripts/test-all.sh`.
# Each part installs what it needs (Python tools into ./.venv, C tools, redis-server and PostgreSQL through apt
# when missing).
# The last part, package, installs every artifact as the README says (release builds,
# reusing the C suite's) and runs the packaged crates' tests. Each part's time is printed:
# the whole must stay under 30 minutes on two cores.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=()
times=()
for part in rust c python redis postgres http package; do
    script="scripts/test-$part.sh"
    [ -f "$script" ] || continue
    echo "=============== $part ==============="
    started=$SECONDS
    if ! bash "$script"; then
        failed+=("$part")
    fi
    times+=("$part $((SECONDS - started))s")
done
echo "test-all: time per part: ${times[*]} (total $((SECONDS / 60)) min $((SECONDS % 60)) s)"
if [ ${#failed[@]} -ne 0 ]; then
    echo "test-all: FAILED: ${failed[*]}"
    exit 1
fi
echo "test-all: every part passed"
