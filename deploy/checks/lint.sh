#!/usr/bin/env bash
# cfn-lint over the three deployment templates (template.yaml goes through the SAM transform).
# No rule is disabled: a rule ignored here must be listed with --ignore-checks and a written reason.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "cfn-lint (1.x, with the SAM translator) is needed: python3 -m pip install --user 'cfn-lint>=1.51,<2'" >&2
  exit 1
fi

templates=(template.yaml conformance-pack.yaml deploy/member-account-role.yaml)
echo "cfn-lint $(cfn-lint --version | awk '{print $2}') on: ${templates[*]}"
cfn-lint --format parseable -- "${templates[@]}"
echo "cfn-lint: ${#templates[@]} templates, no findings"
