#!/bin/sh
# Regenerates the committed compatibility matrix from a fresh run:
#   docs/compatibility.md (a column per datacenter profile) and
#   docs/compatibility-PROFILE.json (cloudgate serve --profile PROFILE with the
#   embedded simulator), plus conformance/testdata/compatibility-moto.*
#   when moto_server is installed.
# Usage: conformance/regen.sh [extra go test flags, e.g. -v]
set -eu
cd "$(dirname "$0")/.."
go test ./conformance -count=1 -run '^TestConformance(Moto)?$' -update "$@"
echo "updated docs/compatibility.md docs/compatibility-*.json"
