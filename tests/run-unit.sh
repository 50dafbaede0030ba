#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run every unit-test program in DIR; fail if any fails.
dir=$1
fail=0
for t in "$dir"/test_*; do
	[ -x "$t" ] || continue
	if ! "$t"; then
		echo "FAILED: $t" >&2
		fail=1
	fi
done
exit $fail
