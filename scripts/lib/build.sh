# Sourced by scripts/run, scripts/benchmark and scripts/package: builds with Maven (run and benchmark only when
# an artifact is missing or older than a POM or a main source), and shows Maven's output only when the build
# fails (then in full, on stderr), so the user's terminal and any CSV or JSON on stdout carry the product's
# output alone.

# needs_build ARTIFACT...: true when one is missing or something that goes into them is newer than the oldest.
needs_build() {
  local oldest="" artifact
  for artifact in "$@"; do
    [ -f "$artifact" ] || return 0
    if [ -z "$oldest" ] || [ "$artifact" -ot "$oldest" ]; then
      oldest=$artifact
    fi
  done
  [ -n "$(find pom.xml ./*/pom.xml tools/*/pom.xml ./*/src/main tools/*/src/main -type f -newer "$oldest" \
    -print -quit 2>/dev/null)" ]
}

# build_if_needed MAVEN_ARG... -- ARTIFACT...
build_if_needed() {
  local maven_args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    maven_args+=("$1")
    shift
  done
  [ $# -gt 0 ] && shift
  needs_build "$@" || return 0
  build "${maven_args[@]}"
  # Maven leaves an artifact untouched when its content did not change (a POM edit, say): mark all as current.
  touch "$@"
}

# build MAVEN_ARG...: runs Maven, its output shown only when it fails.
build() {
  echo "==> Building (mvn $*); Maven's output is shown only if it fails" >&2
  local log
  log=$(mktemp)
  local status=0
  run_maven "$@" >"$log" 2>&1 || status=$?
  if [ "$status" -eq 130 ]; then
    rm -f "$log"
    echo "==> Interrupted: the build stopped (run the command again to build)." >&2
    exit 130
  elif [ "$status" -ne 0 ]; then
    cat "$log" >&2
    rm -f "$log"
    echo "==> The build failed (Maven's output above)." >&2
    exit 1
  fi
  rm -f "$log"
}

# run_maven MAVEN_ARG...: Maven in batch mode, without colour codes unless stdout is a terminal. Maven 3.8's
# console library writes a reset code even with style.color=never: it is filtered out.
run_maven() {
  if ! command -v mvn >/dev/null; then
    echo "Maven is needed to build (mvn, 3.8 or newer): install it and put it on the PATH." >&2
    exit 1
  fi
  if [ -t 1 ]; then
    MAVEN_OPTS="${MAVEN_OPTS:-} --enable-native-access=ALL-UNNAMED" mvn -B -ntp -Dstyle.color=auto "$@"
    return
  fi
  local unbuffered=-u
  echo | sed -u p >/dev/null 2>&1 || unbuffered=
  MAVEN_OPTS="${MAVEN_OPTS:-} --enable-native-access=ALL-UNNAMED" mvn -B -ntp -Dstyle.color=never "$@" 2>&1 \
    | sed $unbuffered "s/$(printf '\033')\\[[0-9;]*m//g"
  return "${PIPESTATUS[0]}"
}
