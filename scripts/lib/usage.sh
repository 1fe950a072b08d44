# Sourced first by every script: `--help` (or -h) prints the script's header comment, its usage, and exits,
# before any JDK is looked for or anything is built.
# print_usage SCRIPT: the comment block after the shebang, without the leading "# ".
print_usage() {
  sed -n '2,/^[^#]/{/^#/!q;s/^# \{0,1\}//;p}' "$1"
}
# exit_on_help SCRIPT ARG...: prints the usage and exits 0 when an argument asks for help.
exit_on_help() {
  local script=$1 arg
  shift
  for arg in "$@"; do
    case "$arg" in
      -h|--help) print_usage "$script"; exit 0 ;;
    esac
  done
}
