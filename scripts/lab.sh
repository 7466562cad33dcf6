# The demo lab (sourced by scripts/demo.sh and tests/e2e/demo.sh): a small IXP in a
# network namespace of its own, so nothing can collide with other daemons on the host
# and no packet can leave the box. Everything listens on the namespace's loopback:
#
#   BIRD 2 route server      127.0.1.5:10183  AS 65005   (dials ixwatchd, ADD-PATH tx)
#   member A (exabgp)        127.0.1.14       AS 65014   legitimate: announces AS64514's space
#   member B (exabgp)        127.0.1.15       AS 65015   the scenario's hijacker and leaker
#   FRR bgpd + BMP           127.0.1.1:10179  AS 65001   RS client; BMP pre/post to ixwatchd
#   StayRTR (RTR cache)      127.0.0.1:13323             VRPs for the demo prefixes
#   snmptrapd                127.0.0.1:11162             v2c traps from ixwatchd
#   rsyslogd                 127.0.0.1:11514/udp         RFC 5424 from ixwatchd
#   ixwatchd                 BGP 127.0.1.12:10190, BMP 127.0.0.1:11019, AS 65012
#
# Needs root (ip netns). Call lab_up DIR, then lab_member A|B "announce route ...",
# and lab_down (also run from the caller's EXIT trap). Every process is stopped by PID.

LAB_NS=""
LAB=""
LAB_PIDS=""

lab_log() { printf '[lab] %s\n' "$*"; }

lab_in() { ip netns exec "$LAB_NS" "$@"; }

# lab_bg NAME cmd...: start a process in the namespace, remember its PID.
lab_bg() {
	local name=$1
	shift
	ip netns exec "$LAB_NS" "$@" > "$LAB/logs/$name.out" 2>&1 &
	LAB_PIDS="$! $LAB_PIDS"
	echo "$!" > "$LAB/run/$name.lab-pid"
}

lab_wait() { # seconds command...
	local t=$(($1 * 10))
	shift
	while [ "$t" -gt 0 ]; do
		"$@" > /dev/null 2>&1 && return 0
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}

lab_port_open() { # addr port (inside the namespace)
	lab_in bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

lab_write_configs() {
	local top=$1 mibs=$2
	mkdir -p "$LAB"/{logs,run,bird,frr/run,exa-a,exa-b,rpki,rsyslog,state}

	cat > "$LAB/rpki/vrps.json" <<-EOF
	{
	  "metadata": { "buildtime": "2026-11-23T00:00:00Z" },
	  "roas": [
	    { "asn": 64514, "prefix": "10.14.0.0/23", "maxLength": 24, "ta": "demo" },
	    { "asn": 64514, "prefix": "2001:db8:114::/48", "maxLength": 48, "ta": "demo" },
	    { "asn": 64999, "prefix": "10.77.0.0/24", "maxLength": 24, "ta": "demo" },
	    { "asn": 65015, "prefix": "10.15.0.0/24", "maxLength": 24, "ta": "demo" }
	  ]
	}
	EOF

	cat > "$LAB/bird/bird.conf" <<-EOF
	log "$LAB/logs/bird.log" { warning, error, fatal, bug };
	router id 127.0.1.5;
	protocol device { scan time 60; }
	protocol static lo4 { ipv4; route 0.0.0.0/0 via "lo"; }
	protocol static lo6 { ipv6; route ::/0 via "lo"; }
	template bgp rsclient {
	  local 127.0.1.5 port 10183 as 65005;
	  strict bind on;
	  rs client;
	  multihop 2;
	  connect delay time 1;
	  connect retry time 2;
	  error wait time 1, 5;
	  enable extended messages on;
	  ipv4 { import all; export where source = RTS_BGP; next hop keep; };
	  ipv6 { import all; export where source = RTS_BGP; next hop keep; };
	}
	protocol bgp member_a from rsclient { neighbor 127.0.1.14 as 65014; passive on; }
	protocol bgp member_b from rsclient { neighbor 127.0.1.15 as 65015; passive on; }
	protocol bgp frr from rsclient { neighbor 127.0.1.1 as 65001; passive on; }
	protocol bgp ixwatch from rsclient {
	  neighbor 127.0.1.12 port 10190 as 65012;
	  ipv4 { import none; export where source = RTS_BGP; next hop keep; add paths tx; };
	  ipv6 { import none; export where source = RTS_BGP; next hop keep; add paths tx; };
	}
	EOF

	cat > "$LAB/frr/frr.conf" <<-EOF
	frr defaults traditional
	hostname frr-member
	log file $LAB/logs/frr.log informational
	router bgp 65001
	 bgp router-id 127.0.1.1
	 no bgp ebgp-requires-policy
	 no bgp network import-check
	 bgp allow-martian-nexthop
	 neighbor 127.0.1.5 remote-as 65005
	 neighbor 127.0.1.5 port 10183
	 neighbor 127.0.1.5 update-source 127.0.1.1
	 neighbor 127.0.1.5 timers connect 2
	 no neighbor 127.0.1.5 enforce-first-as
	 address-family ipv4 unicast
	  neighbor 127.0.1.5 soft-reconfiguration inbound
	  neighbor 127.0.1.5 route-map NOTHING out
	 exit-address-family
	 address-family ipv6 unicast
	  neighbor 127.0.1.5 activate
	  neighbor 127.0.1.5 soft-reconfiguration inbound
	  neighbor 127.0.1.5 route-map NOTHING out
	 exit-address-family
	 bmp targets ixwatch
	  bmp stats interval 5000
	  bmp monitor ipv4 unicast pre-policy
	  bmp monitor ipv4 unicast post-policy
	  bmp monitor ipv6 unicast pre-policy
	  bmp monitor ipv6 unicast post-policy
	  bmp connect 127.0.0.1 port 11019 min-retry 100 max-retry 2000
	 exit
	exit
	! a member that originates nothing: it must not send the RS's routes back to
	! the RS (FRR would, with its own AS prepended: a peer-to-peer leak)
	route-map NOTHING deny 10
	exit
	EOF

	local m addr as
	for m in a b; do
		if [ "$m" = a ]; then addr=127.0.1.14 as=65014; else addr=127.0.1.15 as=65015; fi
		mkfifo "$LAB/exa-$m/cmd.fifo" 2>/dev/null || true
		cat > "$LAB/exa-$m/driver.py" <<-'EOF'
		import os, sys
		fifo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cmd.fifo")
		# Read-write: the driver is a writer too, so it never sees end-of-file
		# between commands. Reopening after each one raced the next command's
		# writer, which then met a closed FIFO (SIGPIPE killed the demo's shell).
		with os.fdopen(os.open(fifo, os.O_RDWR), "r") as f:
		    for line in f:
		        line = line.strip()
		        if line:
		            sys.stdout.write(line + "\n")
		            sys.stdout.flush()
		EOF
		cat > "$LAB/exa-$m/exabgp.conf" <<-EOF
		process driver { run /usr/bin/python3 $LAB/exa-$m/driver.py; encoder text; }
		neighbor 127.0.1.5 {
		  router-id $addr;
		  local-address $addr;
		  local-as $as;
		  peer-as 65005;
		  connect 10183;
		  hold-time 30;
		  family { ipv4 unicast; ipv6 unicast; }
		  api { processes [ driver ]; }
		}
		EOF
	done

	cat > "$LAB/snmptrapd.conf" <<-EOF
	authCommunity log public
	EOF

	cat > "$LAB/rsyslog.conf" <<-EOF
	global(workDirectory="$LAB/rsyslog")
	module(load="imudp")
	input(type="imudp" address="127.0.0.1" port="11514")
	template(name="demo" type="string"
	    string="%TIMESTAMP:::date-rfc3339% %APP-NAME% %STRUCTURED-DATA% %msg%\n")
	action(type="omfile" file="$LAB/logs/syslog.log" template="demo")
	EOF

	cat > "$LAB/ixwatch.yml" <<-EOF
	daemon:
	  pidfile: $LAB/run/ixwatchd.pid
	  control-socket:
	    path: $LAB/run/ixwatchd.sock
	  state-dir: $LAB/state
	sources:
	  bmp:
	    listen:
	      - address: 127.0.0.1
	        port: 11019
	    allow: [127.0.0.0/8]
	  bgp:
	    local-as: 65012
	    router-id: 127.0.1.12
	    listen:
	      - address: 127.0.1.12
	        port: 10190
	    neighbors:
	      - name: rs1
	        address: 127.0.1.5
	        remote-as: 65005
	        passive: true
	        add-path-receive: true
	        # we are a client of the route server: routes from it come from IX peers
	        # (route-leak detection at the first hop; BMP peers with its AS too)
	        role: rs-client
	rpki:
	  refresh: 5s
	  groups:
	    - preference: 1
	      caches:
	        - address: 127.0.0.1
	          port: 13323
	detection:
	  rules:
	    # the lab uses documentation prefixes and private ASNs, which are bogons by design
	    bogon: { enabled: false }
	    hijack: { raise-after: 0s, clear-after: 2s }
	    sub-prefix-hijack: { raise-after: 0s, clear-after: 2s }
	    visibility: { min-sources: 1, raise-after: 1s, clear-after: 2s }
	    route-leak: { raise-after: 0s, clear-after: 2s }
	    new-neighbor: { raise-after: 0s, clear-after: 2s }
	    rpki-invalid: { raise-after: 0s, clear-after: 2s }
	alerts:
	  json-file: $LAB/logs/alerts.json
	  group-window: 1s
	outputs:
	  syslog:
	    remote:
	      - transport: udp
	        address: 127.0.0.1
	        port: 11514
	  snmp:
	    enabled: true
	    agentx-socket: $LAB/run/agentx.sock
	    traps:
	      - address: 127.0.0.1
	        port: 11162
	        version: 2c
	        community: public
	prefixes-file: prefixes.yml
	EOF

	cat > "$LAB/prefixes.yml" <<-EOF
	10.14.0.0/23:
	  description: AS64514 customer space, reached through member A (AS65014)
	  asn: 64514
	  ignoreMorespecifics: false
	  group: demo
	2001:db8:114::/48:
	  description: AS64514 IPv6
	  asn: 64514
	  group: demo
	options:
	  monitorASns:
	    '64514':
	      group: demo
	      upstreams: [65014]
	  ixwatch:
	    relationships:
	      - asn: 65015
	        providers: [3356]
	      - asn: 64514
	        providers: [65014]
	EOF
	: "$top" "$mibs"
}

# lab_up DIR TOP: start everything but ixwatchd (the caller starts it: see lab_ixwatchd).
lab_up() {
	LAB=$1
	local top=$2 mibs
	LAB_NS=ixwdemo$$
	mibs=$("$top/scripts/fetch-base-mibs.sh" 2>/dev/null || true)
	lab_write_configs "$top" "$mibs"
	ip netns add "$LAB_NS" || return 1
	lab_in ip link set lo up
	lab_in ip addr add ::1/128 dev lo 2>/dev/null || true

	lab_bg stayrtr stayrtr -bind 127.0.0.1:13323 -cache "$LAB/rpki/vrps.json" \
	    -checktime=false -refresh 2 -metrics.addr 127.0.0.1:19847
	lab_bg snmptrapd snmptrapd -f -Lf "$LAB/logs/traps.log" -C -c "$LAB/snmptrapd.conf" \
	    -M "$top/snmp:$mibs" -m IXWATCH-MIB udp:127.0.0.1:11162
	lab_bg rsyslogd rsyslogd -n -f "$LAB/rsyslog.conf" -i "$LAB/run/rsyslogd.pid"
	lab_bg bird bird -f -c "$LAB/bird/bird.conf" -s "$LAB/run/bird.ctl" -P "$LAB/run/bird.pid"
	lab_in /usr/lib/frr/bgpd -d -S -M bmp -Z -n -l 127.0.1.1 -p 10179 -f "$LAB/frr/frr.conf" \
	    -i "$LAB/frr/run/bgpd.pid" --vty_socket "$LAB/frr/run" -P 0 \
	    --log "file:$LAB/logs/frr-stdout.log" || return 1
	lab_wait 5 test -s "$LAB/frr/run/bgpd.pid" && LAB_PIDS="$(cat "$LAB/frr/run/bgpd.pid") $LAB_PIDS"
	local m
	for m in a b; do
		lab_bg "exabgp-$m" env exabgp.daemon.user=root exabgp.api.cli=false \
		    exabgp.api.ack=false exabgp.daemon.daemonize=false exabgp "$LAB/exa-$m/exabgp.conf"
	done
	lab_wait 10 lab_port_open 127.0.0.1 13323 || { lab_log "stayrtr did not start"; return 1; }
	lab_wait 10 lab_port_open 127.0.1.5 10183 || { lab_log "BIRD did not start"; return 1; }
	return 0
}

# lab_ixwatchd BIN: start ixwatchd in the foreground inside the namespace.
lab_ixwatchd() {
	lab_bg ixwatchd "$1" -d -f "$LAB/ixwatch.yml"
	lab_wait 10 test -S "$LAB/run/ixwatchd.sock"
}

# lab_member a|b COMMAND: an exabgp API command for member A or B.
lab_member() {
	echo "$2" > "$LAB/exa-$1/cmd.fifo"
}

lab_birdc() { lab_in birdc -s "$LAB/run/bird.ctl" "$@"; }

lab_down() {
	local p
	[ -n "$LAB_PIDS" ] || [ -n "$LAB_NS" ] || return 0
	# The watcher goes first, and alone: stopped together, it could see the route
	# server's session drop before its own SIGTERM and record what that takes away
	# (routes, adjacencies) as alerts the scenario never played.
	if [ -s "$LAB/run/ixwatchd.lab-pid" ]; then
		p=$(cat "$LAB/run/ixwatchd.lab-pid")
		kill -TERM "$p" 2>/dev/null && lab_wait 5 sh -c "! kill -0 $p"
	fi
	for p in $LAB_PIDS; do kill -TERM "$p" 2>/dev/null; done
	sleep 0.5
	for p in $LAB_PIDS; do kill -KILL "$p" 2>/dev/null; done
	LAB_PIDS=""
	[ -n "$LAB_NS" ] && ip netns del "$LAB_NS" 2>/dev/null
	LAB_NS=""
}
