# Sourced by scripts/test and scripts/run: exports JAVA_HOME as a JDK 21 or newer (the Lambdas are built
# with --release 21), taking the one already set when it is recent enough, else the first found.
java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if [ -z "${JAVA_HOME:-}" ] || [ "$(java_major "$JAVA_HOME/bin/java")" -lt 21 ] 2>/dev/null; then
  for candidate in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    if [ -x "$candidate/bin/javac" ] && [ "$(java_major "$candidate/bin/java")" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      break
    fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || [ "$(java_major "$JAVA_HOME/bin/java")" -lt 21 ]; then
  echo "A JDK 21 or newer is needed: set JAVA_HOME to one." >&2
  exit 1
fi
export PATH="$JAVA_HOME/bin:$PATH"

# The local AWS emulator: moto's server (Python), installed for this user when missing.
ensure_moto() {
  if ! python3 -c 'import moto.server, flask' 2>/dev/null; then
    echo "==> Installing moto (the local AWS emulator)"
    python3 -m pip install --user --quiet 'moto[server]>=5.1,<6'
  fi
}
