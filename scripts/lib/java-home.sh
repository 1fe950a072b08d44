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

# The local AWS emulator: moto's server (Python), installed for this user when missing or another version.
# The emulator (tools/aws-emulator, aws_emulator.py) patches moto's internals as they are in exactly this version.
MOTO_VERSION=5.2.1
ensure_moto() {
  if ! python3 -c "import moto.server, flask, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
    echo "==> Installing moto $MOTO_VERSION (the local AWS emulator)" >&2
    python3 -m pip install --user --quiet "moto[server]==$MOTO_VERSION"
  fi
}
