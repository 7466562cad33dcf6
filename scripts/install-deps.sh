#!/bin/sh
# Install everything ixwatch needs to build, test and run its demo on Debian 12.
# Idempotent: apt-get skips what is already there. Usage: scripts/install-deps.sh [build|test|all]
set -eu
what=${1:-all}

BUILD="build-essential autoconf automake libtool pkgconf ca-certificates
 libevent-dev libyaml-dev libbsd-dev librtr-dev libsnmp-dev libmbedtls-dev liburcu-dev
 zlib1g-dev libbz2-dev mandoc"
TEST="clang llvm libclang-rt-14-dev valgrind python3 iproute2 procps psmisc netcat-openbsd systemd
 frr gobgpd exabgp bird2 openbgpd stayrtr tshark bgpdump rtr-tools jq openssh-client
 snmpd snmptrapd snmp smitools rsyslog rsyslog-gnutls gnutls-bin openssl pmacct
 qemu-user-static gcc-arm-linux-gnueabihf gcc-mips-linux-gnu libc6-dev-mips-cross musl-tools"

case "$what" in
build) pkgs=$BUILD ;;
test|all) pkgs="$BUILD $TEST" ;;
*) echo "usage: $0 [build|test|all]" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
fetch_mibs() { [ "$what" = build ] || "$(dirname "$0")/fetch-base-mibs.sh" >/dev/null; }
[ -z "$missing" ] && { echo "install-deps: all packages present"; fetch_mibs; exit 0; }

export DEBIAN_FRONTEND=noninteractive
stamp=/var/lib/apt/periodic/ixwatch-update-stamp
if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +720 2>/dev/null)" ]; then
	apt-get update -q
	mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
fetch_mibs
