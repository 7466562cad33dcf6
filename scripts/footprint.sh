#!/bin/sh
# Footprint report (not a test): stripped size of ixwatchd (x86-64 build, and armhf
# when scripts/cross.sh left build-cross-armhf), idle RSS of ixwatchd started on
# doc/examples/ixwatch.yml, and the installed payload (make install DESTDIR, programs
# stripped as OpenWrt strips them), against the goals: binary <= 400 KB, idle <= 4 MB.
# Usage: scripts/footprint.sh [builddir]   (make footprint passes the build tree)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
b=${1:-$top/build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ixw-footprint.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
BIN_GOAL=400	# KB
RSS_GOAL=4096	# KB

row() { # item measured goal verdict
	printf '%-40s %-14s %-10s %s\n' "$1" "$2" "$3" "$4"
}
verdict() { # value-KB goal-KB
	if [ "$1" -le "$2" ]; then echo ok; else echo "OVER by $(($1 - $2)) KB"; fi
}
stripped_kb() { # file strip-tool -> KB (rounded up) or empty
	"$2" -o "$tmp/s" "$1" 2>/dev/null || return 1
	echo $(( ($(stat -c %s "$tmp/s") + 1023) / 1024 ))
}

echo "ixwatch footprint ($(date -u '+%Y-%m-%d %H:%M UTC'), build $b)"
row item measured goal verdict
row "----" "--------" "----" "-------"

# Binaries.
for t in "x86-64:$b:strip" "armhf:$top/build-cross-armhf:arm-linux-gnueabihf-strip"; do
	arch=${t%%:*}; rest=${t#*:}; d=${rest%%:*}; st=${rest#*:}
	for p in agent/ixwatchd agent/ixwatchctl; do
		f=$d/$p
		if [ ! -x "$f" ]; then
			[ "$p" = agent/ixwatchd ] && row "$(basename "$p") stripped, $arch" "not built" "${BIN_GOAL} KB" "-"
			continue
		fi
		if kb=$(stripped_kb "$f" "$st"); then
			if [ "$p" = agent/ixwatchd ]; then
				row "$(basename "$p") stripped, $arch" "$kb KB" "${BIN_GOAL} KB" "$(verdict "$kb" $BIN_GOAL)"
			else
				row "$(basename "$p") stripped, $arch" "$kb KB" "-" "-"
			fi
		else
			row "$(basename "$p") stripped, $arch" "no $st" "-" "-"
		fi
	done
done

# Idle RSS: start the daemon in the foreground on the example configuration.
ex=$top/doc/examples/ixwatch.yml
if [ ! -x "$b/agent/ixwatchd" ]; then
	row "idle RSS" "not built" "4 MB" "-"
elif [ ! -f "$ex" ]; then
	row "idle RSS" "no $ex" "4 MB" "-"
else
	(cd "$(dirname "$ex")" && exec "$b/agent/ixwatchd" -d -f "$ex") > "$tmp/daemon.log" 2>&1 &
	pid=$!
	sleep 3
	if kill -0 "$pid" 2>/dev/null; then
		rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
		row "idle RSS, x86-64, 3 s after start" "$rss KB" "$RSS_GOAL KB" "$(verdict "$rss" $RSS_GOAL)"
		kill "$pid"; wait "$pid" 2>/dev/null; pid=""
	else
		wait "$pid"; rc=$?; pid=""
		row "idle RSS" "exited ($rc)" "4 MB" "daemon did not stay up:"
		sed 's/^/    /' "$tmp/daemon.log" | tail -5
	fi
fi

# Installed payload, programs stripped.
if make -s -C "$b" install DESTDIR="$tmp/root" prefix=/usr sysconfdir=/etc > "$tmp/install.log" 2>&1; then
	find "$tmp/root" -type f | while read -r f; do
		if file -b "$f" 2>/dev/null | grep -q ELF || head -c 4 "$f" | grep -q ELF; then
			strip "$f" 2>/dev/null
		fi
	done
	kb=$(find "$tmp/root" -type f -printf '%s\n' | awk '{s += $1} END {printf "%d", (s + 1023) / 1024}')
	n=$(find "$tmp/root" -type f | wc -l)
	row "installed payload ($n files, stripped)" "$kb KB" "-" "-"
else
	row "installed payload" "make install failed" "-" "-"
fi
