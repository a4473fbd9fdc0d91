#!/usr/bin/env bash
# tests/run.sh -- everything `make test` runs, in order:
#   1. unit tests      $BUILD/tests/unit/test_*          (TAP)
#   2. fuzz replay     $BUILD/tests/fuzz/fuzz_X.replay over tests/fuzz/fuzz_X.in/
#   3. system tests    tests/system/t_*.sh               (each exits non-zero on failure)
# Adding a test means adding a file. TESTS=pattern runs only matching ones;
# SKIP=pattern leaves matching ones out.
set -u
: "${SIGTRAIL:=./sigtrail}" "${BUILD:=build}"
export SIGTRAIL BUILD TZ=UTC LC_ALL=C
pass=0; fail=0; failed=()
run() {
	local name=$1; shift
	[[ -n "${TESTS:-}" && "$name" != *$TESTS* ]] && return
	[[ -n "${SKIP:-}" && "$name" == *$SKIP* ]] && return
	local log; log=$(mktemp)
	local t0=$SECONDS
	if "$@" >"$log" 2>&1; then
		pass=$((pass + 1)); printf 'PASS %-50s %3ds\n' "$name" $((SECONDS - t0))
		[[ -n "${VERBOSE:-}" ]] && cat "$log"
	else
		fail=$((fail + 1)); failed+=("$name"); printf 'FAIL %-50s %3ds\n' "$name" $((SECONDS - t0))
		tail -n 60 "$log" | sed 's/^/    /'
	fi
	rm -f "$log"
}
for t in "$BUILD"/tests/unit/test_*; do
	[[ -x "$t" && "$t" != *.o && "$t" != *.d ]] || continue
	run "unit/$(basename "$t")" "$t"
done
for r in "$BUILD"/tests/fuzz/fuzz_*.replay; do
	[[ -x "$r" ]] || continue
	n=$(basename "$r" .replay)
	[[ -d tests/fuzz/$n.in ]] && run "fuzz-replay/$n" "$r" "tests/fuzz/$n.in"
done
for s in tests/system/t_*.sh; do
	[[ -f "$s" ]] || continue
	run "system/$(basename "$s" .sh)" bash "$s"
done
echo "passed $pass, failed $fail"
if ((fail)); then printf '  failed: %s\n' "${failed[@]}"; exit 1; fi
