#!/bin/sh
# Debian main ships none of the IETF base MIBs (SNMPv2-SMI, -TC, -CONF, INET-ADDRESS-MIB,
# SNMP-FRAMEWORK-MIB). erlang-snmp carries them as plain MIB files: download the package
# (no Erlang install) and unpack it into a cache. Prints the directory holding the MIBs.
set -eu
cache=${IXW_MIB_CACHE:-/var/cache/ixwatch/base-mibs}
dir=$(ls -d "$cache"/root/usr/lib/erlang/lib/snmp-*/mibs 2>/dev/null | head -1 || true)
if [ -z "$dir" ] || [ ! -f "$dir/SNMPv2-SMI.mib" ]; then
	mkdir -p "$cache"
	( cd "$cache" && rm -f erlang-snmp_*.deb && apt-get download -q erlang-snmp >/dev/null 2>&1 ||
	  { apt-get update -q >/dev/null && apt-get download -q erlang-snmp >/dev/null; } )
	dpkg-deb -x "$cache"/erlang-snmp_*.deb "$cache/root"
	dir=$(ls -d "$cache"/root/usr/lib/erlang/lib/snmp-*/mibs | head -1)
fi
echo "$dir"
