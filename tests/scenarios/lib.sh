# SPDX-License-Identifier: GPL-2.0-only
# tests/scenarios/lib.sh - the counting and checking helpers the scenario
# scripts share; sourced after a script sets BIN (the program under test),
# pass=0 and fail=0.

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# expect CODE PATTERN -- ARGS...: "$BIN" ARGS exits with CODE and its stdout
# and stderr together match PATTERN (grep; empty: anything)
expect() {
	code=$1; pattern=$2; shift 3
	out=$("$BIN" "$@" 2>&1); rc=$?
	if [ "$rc" -ne "$code" ]; then
		ko "numasim $*: exit $rc, expected $code; output: $out"
	elif [ -n "$pattern" ] && ! printf '%s' "$out" | grep -q -- "$pattern"; then
		ko "numasim $*: output lacks '$pattern': $out"
	else
		ok
	fi
}

# check WHAT COMMAND...: the command succeeds
check() {
	what=$1; shift
	if "$@"; then ok; else ko "$what"; fi
}
