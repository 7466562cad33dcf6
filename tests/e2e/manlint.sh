#!/bin/bash
# Every man page in dist_man_MANS (all fragments) must be clean under
# mandoc -Tlint -Wwarning: one TAP case per page, failing on any output.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

# A make of its own (not the jobserver of the make running the tests), man pages only.
pages=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory \
	-C "$top_builddir" print-man-pages 2>/dev/null | tr ' ' '\n' | grep -E '\.[1-9][a-z]*$')
if [ -z "$pages" ]; then
	plan 1; not_ok "no man pages listed (make print-man-pages failed)"; done_testing
fi
set -- $pages
plan $#
for p in "$@"; do
	if ! command -v mandoc > /dev/null; then
		skip "mandoc -Tlint $p" "mandoc not installed (scripts/install-deps.sh build)"
		continue
	fi
	f=$top_srcdir/$p
	[ -f "$f" ] || f=$top_builddir/$p
	out=$(mandoc -Tlint -Wwarning "$f" 2>&1)
	if [ -f "$f" ] && [ -z "$out" ]; then
		ok "mandoc -Tlint $p"
	else
		not_ok "mandoc -Tlint $p"
		printf '%s\n' "${out:-$f: missing}" | sed 's/^/# /'
	fi
done
done_testing
