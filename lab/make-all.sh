#!/usr/bin/env bash
# lab/make-all.sh -- `make lab`: regenerate every incident-lab scenario from
# scratch (new keys, new zones, live servers, new captures) and export the
# fixtures to tests/lab/<scenario>/. Needs root (network namespaces) and
# `bash scripts/install-deps.sh --lab`. Each scenario driver starts and stops
# its own processes by PID and deletes its namespaces; nothing is left running.
#   lab/make-all.sh [SCENARIO...]     default: all, in this order
#   KEEP_KEYS=1 lab/make-all.sh       reuse lab/work/keys (skip key generation)
set -eu
cd "$(dirname "$0")/.."
[[ $(id -u) == 0 ]] || { echo "make lab: needs root (ip netns)" >&2; exit 1; }
all=(healthy de-keytag-collision de-keytag-collision-1srv expired-signatures ds-mismatch
	missing-rrsigs serve-stale negative-trust-anchor)
(($#)) && all=("$@")
if [[ -z ${KEEP_KEYS:-} ]]; then rm -rf lab/work; fi
mkdir -p lab/work
failed=()
for s in "${all[@]}"; do
	echo "=== $s"
	if ! /usr/bin/python3 "lab/scenarios/$s.py" >"lab/work/$s.out" 2>&1; then
		failed+=("$s"); tail -20 "lab/work/$s.out"; continue
	fi
	grep -v '^\[' "lab/work/$s.out" | grep -v 'WILL FAIL after key rollover' || true
	/usr/bin/python3 tests/lab/check_fixture.py "tests/lab/$s/truth.json" | tail -1
done
if ((${#failed[@]})); then echo "make lab: failed: ${failed[*]}" >&2; exit 1; fi
echo "make lab: all scenarios regenerated in tests/lab/"
