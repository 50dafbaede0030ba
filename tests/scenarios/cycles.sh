#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The layering check (tools/check-cycles.sh): the tree passes it, and the
# checker itself catches a three-file cycle of calls, lets a named group
# through, and does not count calls through a function pointer.
#   tests/scenarios/cycles.sh OBJDIR
set -u
obj=${1:?usage: tests/scenarios/cycles.sh OBJDIR}
here=$(cd "$(dirname "$0")/../.." && pwd)
chk="$here/tools/check-cycles.sh"
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

# 1. the tree itself
if "$chk" "$obj" >"$tmp/tree.txt" 2>&1; then ok; else ko "the tree has a new cycle: $(cat "$tmp/tree.txt")"; fi

# 2. a -> b -> c -> a through direct calls
mkdir -p "$tmp/o/x"
printf 'int b(int);\nint a(int n) { return n ? b(n - 1) : 0; }\n' >"$tmp/a.c"
printf 'int c(int);\nint b(int n) { return n ? c(n - 1) : 1; }\n' >"$tmp/b.c"
printf 'int a(int);\nint c(int n) { return n ? a(n - 1) : 2; }\n' >"$tmp/c.c"
# d calls a but nothing calls d back: no cycle through d
printf 'int a(int);\nint d(int n) { return a(n); }\n' >"$tmp/d.c"
for f in a b c d; do $CC -c "$tmp/$f.c" -o "$tmp/o/x/$f.o" || exit 2; done
: >"$tmp/none.allow"
if "$chk" "$tmp/o" "$tmp/none.allow" >"$tmp/out.txt" 2>&1; then
	ko "a three-file cycle passed: $(cat "$tmp/out.txt")"
elif grep -q "CYCLE .*x/a" "$tmp/out.txt" && grep -q "3 files" "$tmp/out.txt" &&
	! grep -q "x/d" "$tmp/out.txt"; then ok
else ko "the cycle report should name x/a, x/b, x/c and not x/d: $(cat "$tmp/out.txt")"; fi

# 3. the same cycle, named as a kernel-shaped group
echo "recursion: x/a x/b x/c   # test" >"$tmp/abc.allow"
if "$chk" "$tmp/o" "$tmp/abc.allow" >"$tmp/out.txt" 2>&1 && grep -q "allowed: recursion" "$tmp/out.txt"; then ok
else ko "a named group should pass: $(cat "$tmp/out.txt")"; fi
# a group naming only two of the three files does not cover the cycle
echo "partial: x/a x/b" >"$tmp/ab.allow"
if "$chk" "$tmp/o" "$tmp/ab.allow" >/dev/null 2>&1; then ko "a group missing x/c covered the cycle"; else ok; fi

# 4. c calls a through a pointer instead: no edge, no cycle
printf 'int (*hook)(int);\nint c(int n) { return n && hook ? hook(n - 1) : 2; }\n' >"$tmp/c.c"
$CC -c "$tmp/c.c" -o "$tmp/o/x/c.o" || exit 2
if "$chk" "$tmp/o" "$tmp/none.allow" >"$tmp/out.txt" 2>&1; then ok
else ko "a call through a function pointer made a cycle: $(cat "$tmp/out.txt")"; fi

# 5. bad arguments
if "$chk" "$tmp/nonexistent" >/dev/null 2>&1; then ko "a missing OBJDIR passed"; else ok; fi

echo "cycles: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
