#!/usr/bin/env bash
# cfn-lint over the three deployment templates (template.yaml goes through the SAM transform).
# No rule is disabled: a rule ignored here must be listed with --ignore-checks and a written reason.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! python3 -c 'import cfnlint, samtranslator' 2>/dev/null; then
  echo "cfn-lint (1.x, with the SAM translator) is needed: python3 -m pip install --user 'cfn-lint>=1.51,<2'" >&2
  exit 1
fi
# Run through the interpreter: a --user install's bin/ need not be on PATH.
cfn_lint() { python3 -c 'import sys; from cfnlint.runner import main; sys.argv[0] = "cfn-lint"; sys.exit(main())' "$@"; }

templates=(template.yaml conformance-pack.yaml deploy/member-account-role.yaml)
echo "$(cfn_lint --version) on: ${templates[*]}"
cfn_lint --format parseable -- "${templates[@]}"
echo "cfn-lint: ${#templates[@]} templates, no findings"
