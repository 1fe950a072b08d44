# Sourced by scripts/test, scripts/run and scripts/benchmark: the local AWS emulator is moto's server (Python),
# and tools/aws-emulator (aws_emulator.py) patches moto's internals as they are in exactly this version.
MOTO_VERSION=5.2.1

# has_pinned_moto PYTHON: true when that interpreter imports moto $MOTO_VERSION with its server.
has_pinned_moto() {
  "$1" -c "import moto.server, flask, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" >/dev/null 2>&1
}

# ensure_moto: exports STALEKEYS_PYTHON (the interpreter tools/aws-emulator starts) as one that has moto
# $MOTO_VERSION: the one STALEKEYS_PYTHON already names, else python3 when its moto is that version, else a private
# virtual environment under ~/.cache (XDG_CACHE_HOME), created and filled on first use. A moto of another version
# that the user has installed is never replaced or upgraded.
ensure_moto() {
  if [ -n "${STALEKEYS_PYTHON:-}" ]; then
    if ! has_pinned_moto "$STALEKEYS_PYTHON"; then
      echo "STALEKEYS_PYTHON=$STALEKEYS_PYTHON has no moto $MOTO_VERSION: install moto[server]==$MOTO_VERSION there, or unset STALEKEYS_PYTHON." >&2
      exit 1
    fi
    export STALEKEYS_PYTHON
    return 0
  fi
  if has_pinned_moto python3; then
    export STALEKEYS_PYTHON=python3
    return 0
  fi
  local venv="${XDG_CACHE_HOME:-$HOME/.cache}/stale-keys/moto-$MOTO_VERSION"
  if ! has_pinned_moto "$venv/bin/python"; then
    echo "==> Installing moto $MOTO_VERSION (the local AWS emulator) into $venv; your own Python packages are left as they are" >&2
    rm -rf "$venv"
    if ! { python3 -m venv "$venv" && "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "moto[server]==$MOTO_VERSION" && has_pinned_moto "$venv/bin/python"; } >&2; then
      rm -rf "$venv"
      echo "Could not install moto $MOTO_VERSION into $venv (is PyPI reachable?): install moto[server]==$MOTO_VERSION yourself and set STALEKEYS_PYTHON to that Python." >&2
      exit 1
    fi
  fi
  export STALEKEYS_PYTHON="$venv/bin/python"
}
