#!/usr/bin/env bash
# Every test of every language, as CI runs it: `bash scripts/test-all.sh`.
# Each part installs what it needs (Python tools into ./.venv, C tools, redis-server and PostgreSQL through apt
# when missing).
# scripts/test-package.sh (release builds of every artifact, cargo package) is not a part:
# it would take the suite past its 30-minute budget on two cores; run it on its own.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=()
for part in rust c python redis postgres http; do
    script="scripts/test-$part.sh"
    [ -f "$script" ] || continue
    echo "=============== $part ==============="
    if ! bash "$script"; then
        failed+=("$part")
    fi
done
if [ ${#failed[@]} -ne 0 ]; then
    echo "test-all: FAILED: ${failed[*]}"
    exit 1
fi
echo "test-all: every part passed"
