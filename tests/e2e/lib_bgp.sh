# Helpers for the BGP session tests (sourced after lib.sh): exabgp speakers driven
# through a FIFO, BIRD, and ixwatchd's view of a neighbor and of its RIB.

# bgp_yml_listen LOCAL_AS ADDRESS PORT: the start of the sources: section of an
# ixwatch.yml, a BGP source of LOCAL_AS listening on ADDRESS:PORT (its router id
# too); the neighbors follow
bgp_yml_listen() {
	printf 'sources:\n  bgp:\n    local-as: %s\n    router-id: %s\n' "$1" "$2"
	printf '    listen:\n      - address: %s\n        port: %s\n' "$2" "$3"
}

# exa_setup DIR PEER LOCAL PORT LOCAL_AS PEER_AS FAMILIES [DELAY] [EXTRA]: an exabgp
# speaker in DIR (made here) at LOCAL (its router id too) dialing PEER:PORT with the
# families FAMILIES ("ipv4 unicast; ipv6 unicast;") and the config line EXTRA (e.g. a
# capability block). Its driver waits DELAY seconds (0), sends DIR/initial.cmds if
# there is one, then every line written to DIR/cmd.fifo (exa_send).
exa_setup() {
	local dir=$1
	mkdir -p "$dir"
	mkfifo "$dir/cmd.fifo"
	cat > "$dir/driver.py" <<PY
import os, sys, time
d = os.path.dirname(os.path.abspath(__file__))
time.sleep(${8:-0})
if os.path.exists(os.path.join(d, "initial.cmds")):
    for line in open(os.path.join(d, "initial.cmds")):
        line = line.strip()
        if line and not line.startswith("#"):
            sys.stdout.write(line + "\n"); sys.stdout.flush()
while True:
    with open(os.path.join(d, "cmd.fifo")) as f:
        for line in f:
            if line.strip():
                sys.stdout.write(line.strip() + "\n"); sys.stdout.flush()
PY
	cat > "$dir/exabgp.conf" <<CONF
process driver {
    run /usr/bin/python3 $dir/driver.py;
    encoder text;
}
neighbor $2 {
    router-id $3;
    local-address $3;
    local-as $5;
    peer-as $6;
    hold-time 30;
    connect $4;
    family { $7 }
    ${9:-}
    api { processes [ driver ]; }
}
CONF
}
# exa_start DIR: run the exabgp speaker of DIR (log DIR/log, output DIR/out);
# tracked, its PID in $EXA_PID
exa_start() {
	( cd "$1" && exec env exabgp.daemon.user=root exabgp.api.cli=false \
	    exabgp.api.ack=false exabgp.log.destination="$1/log" \
	    exabgp "$1/exabgp.conf" ) > "$1/out" 2>&1 &
	EXA_PID=$!
	track_pid $EXA_PID
}
# exa_send DIR COMMAND...: one API command to the speaker of DIR
exa_send() { local dir=$1; shift; echo "$*" > "$dir/cmd.fifo"; }

# bird_start [ARGS]: BIRD 2 on $T/bird.conf (control socket $T/bird.ctl, output
# appended to $T/bird.out); tracked, its PID in $BIRD
bird_start() {
	bird -f "$@" -c "$T/bird.conf" -s "$T/bird.ctl" -P "$T/bird.pid" >> "$T/bird.out" 2>&1 &
	BIRD=$!
	track_pid $BIRD
}
birdc_() { birdc -s "$T/bird.ctl" "$@"; }

# bgp_nb NEIGHBOR KEY: a field of the neighbor in ixwatchctl show neighbors --json
bgp_nb() { ctl --json show neighbors "$1" 2>/dev/null | jq -r ".neighbors[0].$2"; }
# bgp_cease_count NEIGHBOR SUBCODE: Cease NOTIFICATIONs received with that subcode
bgp_cease_count() {
	ctl --json show neighbors "$1" | jq -r "[.neighbors[0].notifications[] |
	    select(.direction == \"received\" and .code == 6 and .subcode == $2) |
	    .count] | add // 0"
}
# has_route PREFIX [N]: N (1) routes for exactly PREFIX in ixwatchd's RIB
has_route() { ctl --json show routes "$1" exact 2>/dev/null | jq -e ".count == ${2:-1}" >/dev/null; }

# rib_agree KIND FILE SOURCE [ARGS]: ixwatchd's RIB for SOURCE equals the peer's
# view of KIND (bird, openbgpd) dumped in FILE (bgp_rib_compare.py ARGS; its
# report in $T/cmp.out)
rib_agree() {
	local kind=$1 file=$2 src=$3; shift 3
	ctl --json show routes 0.0.0.0/0 longer > "$T/r4.json" 2>/dev/null || return 1
	ctl --json show routes ::/0 longer > "$T/r6.json" 2>/dev/null || return 1
	python3 "$top_srcdir/tests/e2e/bgp_rib_compare.py" "$kind" "$file" "$src" \
	    "$T/r4.json" "$T/r6.json" "$@" > "$T/cmp.out"
}
# rib_count_is KIND N: the last rib_agree saw N routes on both sides
rib_count_is() { grep -q "^$1: $2 routes, ixwatchd: $2 routes" "$T/cmp.out"; }
show_cmp() { sed 's/^/# /' "$T/cmp.out"; }
