# Sourced by the Python scripts: `ensure_venv DIR REQUIREMENTS` makes the virtualenv
# DIR (python3 -m venv) and installs the pinned REQUIREMENTS into it, again only when
# that file changed since the last install. Sets PY to the venv's python.
ensure_venv() {
    local venv="$1" requirements="$2"
    PY="$venv/bin/python"
    if [ ! -x "$PY" ]; then
        echo "== creating $venv"
        python3 -m venv "$venv"
    fi
    local stamp want
    stamp="$venv/.$(basename "$requirements").sha256"
    want="$(sha256sum "$requirements" | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
        echo "== installing $requirements"
        "$PY" -m pip install --quiet --disable-pip-version-check -r "$requirements"
        echo "$want" > "$stamp"
    fi
}

# The features every test script builds the extension with (`maturin develop
# --features "$MATURIN_TEST_FEATURES"`): the stores, off in a default build, so that one
# extension serves test-python, test-redis, test-postgres and test-http without a rebuild.
MATURIN_TEST_FEATURES="redis,postgres"
