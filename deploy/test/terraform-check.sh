#!/usr/bin/env bash
# Offline checks of deploy/terraform (no provider download, no AWS account):
#   1. every .tf file parses as HCL (npm @cdktf/hcl2json, the HCL parser of Terraform compiled to WebAssembly)
#      and declares what a module needs (variables with a type and a description);
#   2. `terraform fmt -check -recursive` passes, where a terraform binary exists (skipped with a message if not).
# `terraform init`/`validate`/`plan` need the AWS provider from the registry, which cannot be fetched offline:
# they are not run here.
#
# Usage: deploy/test/terraform-check.sh
# Environment: HCL2JSON_DIR  a directory whose node_modules holds @cdktf/hcl2json
#              (default ~/.cache/burrow-hcl2json; .ci/after.d/30-terraform-check.sh installs it there)
set -euo pipefail
# The whole script is one block, parsed before it runs: editing the file during a run cannot change the run.
{

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TF_DIR=$(cd "$SCRIPT_DIR/../terraform" && pwd)
HCL2JSON_DIR=${HCL2JSON_DIR:-$HOME/.cache/burrow-hcl2json}

log() { printf '[terraform-check] %s\n' "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

command -v node >/dev/null || die "node is not installed (apt-get install nodejs npm; .ci/after.d/30-terraform-check.sh does it)"
[ -d "$HCL2JSON_DIR/node_modules/@cdktf/hcl2json" ] \
  || die "@cdktf/hcl2json is not installed in $HCL2JSON_DIR (npm install --prefix $HCL2JSON_DIR @cdktf/hcl2json)"

mapfile -t FILES < <(find "$TF_DIR" -name '*.tf' -not -path '*/.terraform/*' | sort)
[ ${#FILES[@]} -gt 0 ] || die "no .tf files under $TF_DIR"

PASSED=0
FAILED=0

# 1. Parse every file; check the module's variables are typed, described and (where they constrain) validated.
if NODE_PATH="$HCL2JSON_DIR/node_modules" node - "${FILES[@]}" <<'EOF'
const fs = require('fs');
const { parse } = require('@cdktf/hcl2json');
(async () => {
  let bad = 0, vars = 0;
  for (const file of process.argv.slice(2)) {
    let json;
    try {
      json = await parse(file, fs.readFileSync(file, 'utf8'));
    } catch (e) {
      console.error(`  ${file}: does not parse as HCL: ${String(e && e.message || e).split('\n')[0]}`);
      bad++;
      continue;
    }
    for (const [name, decls] of Object.entries(json.variable || {})) {
      vars++;
      const v = decls[0];
      if (!v.type) { console.error(`  ${file}: variable "${name}" has no type`); bad++; }
      if (!v.description) { console.error(`  ${file}: variable "${name}" has no description`); bad++; }
      for (const rule of v.validation || []) {
        if (!rule.condition || !rule.error_message) { console.error(`  ${file}: variable "${name}": a validation without condition or error_message`); bad++; }
      }
    }
    for (const [name, decls] of Object.entries(json.output || {})) {
      if (!decls[0].description) { console.error(`  ${file}: output "${name}" has no description`); bad++; }
    }
  }
  console.error(`  ${process.argv.length - 2} files parsed, ${vars} variables checked`);
  process.exit(bad ? 1 : 0);
})().catch(e => { console.error(e); process.exit(1); });
EOF
then
  log "PASS every .tf parses as HCL; every variable has a type and a description, every output a description"
  PASSED=$((PASSED + 1))
else
  log "FAIL HCL parse or declaration check (see above)"
  FAILED=$((FAILED + 1))
fi

# The module's variables that the brief requires to be validated must stay validated.
if NODE_PATH="$HCL2JSON_DIR/node_modules" node - "$TF_DIR/modules/edge-region/variables.tf" <<'EOF'
const fs = require('fs');
const { parse } = require('@cdktf/hcl2json');
(async () => {
  const file = process.argv[2];
  const json = await parse(file, fs.readFileSync(file, 'utf8'));
  const must = ['name', 'domain', 'route53_zone_id', 'vpc_cidr', 'node_count', 'ports', 'tcp_port_range', 'nlb_tcp_ports'];
  const missing = must.filter(n => !(json.variable[n] && json.variable[n][0].validation));
  if (missing.length) { console.error(`  ${file}: no validation on ${missing.join(', ')}`); process.exit(1); }
})().catch(e => { console.error(e); process.exit(1); });
EOF
then
  log "PASS the module validates its key variables"
  PASSED=$((PASSED + 1))
else
  log "FAIL the module's key variables lost their validation"
  FAILED=$((FAILED + 1))
fi

# 2. Formatting
if command -v terraform >/dev/null; then
  if out=$(cd "$TF_DIR" && TF_CLI_CONFIG_FILE=/dev/null timeout 60 terraform fmt -check -recursive -diff 2>&1); then
    log "PASS terraform fmt -check -recursive ($(terraform version 2>/dev/null | head -n 1))"
    PASSED=$((PASSED + 1))
  else
    echo "$out" | head -n 40 >&2
    log "FAIL terraform fmt -check: run 'terraform fmt -recursive deploy/terraform'"
    FAILED=$((FAILED + 1))
  fi
else
  log "SKIP terraform fmt -check: no terraform binary here (it is not packaged for Debian; the HCL parse above still ran)"
fi

log "terraform init/validate/plan are not run: they download the AWS provider, which cannot be done offline"
echo "terraform-check: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
exit
}
