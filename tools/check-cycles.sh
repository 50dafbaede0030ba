#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The layering check of docs/architecture.md: which source files call each
# other's non-static functions in a cycle.
#
#   tools/check-cycles.sh OBJDIR [ALLOW]
#
# OBJDIR holds the objects of src/ (build/release/obj). A file A depends on a
# file B when A's object leaves undefined a function that B's object defines
# (nm). Calls through ops tables (function pointers) are not edges: that is
# what an interface is for. The strongly connected groups of that graph are
# printed; the check fails when a group of more than two files is not inside
# one of the kernel-shaped groups named in ALLOW (default
# tools/cycles.allow: "NAME: file file ... # why", files as src/ paths without
# .c), so a new cycle through three or more files cannot slip in unnoticed.
set -eu
obj=${1:?usage: tools/check-cycles.sh OBJDIR [ALLOW]}
allow=${2:-$(dirname "$0")/cycles.allow}
[ -d "$obj" ] || { echo "check-cycles: $obj: no such directory" >&2; exit 2; }
[ -r "$allow" ] || { echo "check-cycles: $allow: cannot read" >&2; exit 2; }
command -v nm >/dev/null || { echo "check-cycles: nm (binutils) is missing" >&2; exit 2; }

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
n=0
for o in $(find "$obj" -name '*.o' | sort); do
	f=${o#"$obj"/}
	f=${f%.o}
	nm --defined-only -g "$o" | awk -v f="$f" '$2 == "T" { print "D", $3, f }'
	nm -u "$o" | awk -v f="$f" '{ print "U", $2, f }'
	n=$((n + 1))
done >"$tmp"
[ "$n" -gt 0 ] || { echo "check-cycles: no objects under $obj" >&2; exit 2; }

awk -v allowfile="$allow" '
# Tarjan: strongly connected components of the file graph
function visit(v,    i, w) {
	idx[v] = low[v] = counter++
	stack[++sp] = v
	onstack[v] = 1
	for (i = 1; i <= nout[v]; i++) {
		w = out[v, i]
		if (!(w in idx)) {
			visit(w)
			if (low[w] < low[v]) low[v] = low[w]
		} else if (onstack[w] && idx[w] < low[v])
			low[v] = idx[w]
	}
	if (low[v] == idx[v]) {
		ncomp++
		size[ncomp] = 0
		do {
			w = stack[sp--]
			onstack[w] = 0
			comp[ncomp, ++size[ncomp]] = w
		} while (w != v)
	}
}
BEGIN {
	while ((getline line < allowfile) > 0) {
		sub(/#.*/, "", line)
		if (line !~ /:/) continue
		name = line; sub(/:.*/, "", name)
		rest = line; sub(/^[^:]*:/, "", rest)
		ngroups++
		gname[ngroups] = name
		k = split(rest, fs, " ")
		for (i = 1; i <= k; i++) ingroup[ngroups, fs[i]] = 1
	}
}
$1 == "D" { def[$2] = $3; files[$3] = 1; next }
$1 == "U" { use[++nuse] = $2 " " $3; files[$3] = 1 }
END {
	for (i = 1; i <= nuse; i++) {
		split(use[i], a, " ")
		if (!(a[1] in def) || def[a[1]] == a[2]) continue
		e = a[2] SUBSEP def[a[1]]
		if (e in seen) continue
		seen[e] = 1
		out[a[2], ++nout[a[2]]] = def[a[1]]
	}
	for (f in files) if (!(f in idx)) visit(f)
	bad = 0
	for (c = 1; c <= ncomp; c++) {
		if (size[c] < 2) continue
		list = ""
		for (i = 1; i <= size[c]; i++) list = list " " comp[c, i]
		where = ""
		for (g = 1; g <= ngroups && size[c] > 2; g++) {
			ok = 1
			for (i = 1; i <= size[c]; i++) if (!((g, comp[c, i]) in ingroup)) ok = 0
			if (ok) { where = gname[g]; break }
		}
		if (size[c] == 2)
			printf "pair  %s\n", list
		else if (where != "")
			printf "group %s (allowed: %s)\n", list, where
		else {
			printf "CYCLE %s: %d files call each other, not a kernel-shaped group of %s\n", list, size[c], allowfile
			bad = 1
		}
	}
	exit bad
}' "$tmp"
