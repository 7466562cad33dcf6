#!/bin/sh
# The OpenWrt feed (openwrt/ixwatch, openwrt/rtrlib) checked without the OpenWrt SDK:
# - the package Makefiles are run by GNU make against stub rules.mk/package.mk/cmake.mk
#   that define what the SDK defines ($(INSTALL_BIN), BuildPackage, ...);
# - Package/ixwatch/install is executed for real against "make install DESTDIR" of the
#   build tree: it fails if it installs a file the build does not produce, and every
#   program the build installs must end up in the package;
# - the procd init script is sourced with stub procd/UCI functions that read the real
#   files/ixwatch.config, and the command line, respawn, reload (SIGHUP) are checked.
. "$(dirname "$0")/lib.sh"

plan 29
ow=$top_srcdir/openwrt
init=$ow/ixwatch/files/ixwatch.init
uci=$ow/ixwatch/files/ixwatch.config
: "${MAKE:=make}"

# --- stub SDK ------------------------------------------------------------------------
mkdir -p "$T/sdk"
cat > "$T/sdk/rules.mk" <<'EOF'
INSTALL_DIR:=install -d -m0755
INSTALL_BIN:=install -m0755
INSTALL_CONF:=install -m0600
INSTALL_DATA:=install -m0644
CP:=cp -fpR
LN:=ln -sf
SED:=sed -i -e
EOF
cat > "$T/sdk/package.mk" <<'EOF'
BuildPackage = $(eval BUILT_PACKAGES += $(1))
EOF
cat > "$T/sdk/cmake.mk" <<'EOF'
CMAKE_PACKAGE_INCLUDED:=1
EOF
cat > "$T/sdk/driver.mk" <<'EOF'
TOPDIR:=$(SDK)
INCLUDE_DIR:=$(SDK)
include Makefile
print:
	@: $(info $($(V)))
install:
	$(call Package/$(P)/install,$(DEST))
EOF
owmake() { # dir target...
	d=$1; shift
	$MAKE -s --no-print-directory -C "$d" -f "$T/sdk/driver.mk" SDK="$T/sdk" "$@"
}
get() { _gd=$1 _gv=$2; shift 2; owmake "$_gd" print V="$_gv" "$@" 2>/dev/null; }  # dir var [VAR=value...]

# --- package Makefile: variables -------------------------------------------------------
missing=""
for v in PKG_NAME PKG_VERSION PKG_RELEASE PKG_SOURCE PKG_SOURCE_URL PKG_HASH PKG_LICENSE PKG_FIXUP; do
	[ -n "$(get "$ow/ixwatch" "$v")" ] || missing="$missing $v"
done
check "ixwatch Makefile sets the PKG_* variables${missing:+ (missing:$missing)}" [ -z "$missing" ]
acver=$(sed -n 's/^AC_INIT(\[ixwatch\], *\[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
check "PKG_VERSION matches configure.ac ($acver)" [ "$(get "$ow/ixwatch" PKG_VERSION)" = "$acver" ]
check "ixwatch Makefile uses PKG_FIXUP:=autoreconf" [ "$(get "$ow/ixwatch" PKG_FIXUP)" = autoreconf ]
check "ixwatch Makefile calls BuildPackage for ixwatch" sh -c 'case " $1 " in *" ixwatch "*) exit 0 ;; esac; exit 1' \
	sh "$(get "$ow/ixwatch" BUILT_PACKAGES)"
deps=$(get "$ow/ixwatch" Package/ixwatch | sed -n 's/^ *DEPENDS:=//p')
missing=""
for d in libevent2-core libevent2-pthreads libyaml libnetsnmp libmbedtls liburcu libbsd zlib libbz2 librtr; do
	case " $deps " in *[+:]"$d "*) ;; *) missing="$missing $d" ;; esac
done
check "ixwatch DEPENDS names the feed packages${missing:+ (missing:$missing)}" [ -z "$missing" ]
cf=$(get "$ow/ixwatch" Package/ixwatch/conffiles)
check "conffiles: /etc/config/ixwatch, /etc/ixwatch/ixwatch.yml, prefixes.yml" \
	sh -c 'for f in /etc/config/ixwatch /etc/ixwatch/ixwatch.yml /etc/ixwatch/prefixes.yml; do
		echo "$1" | grep -qx "$f" || exit 1; done' sh "$cf"
check "config menu has SNMP and TLS toggles" \
	sh -c 'echo "$1" | grep -q "config IXWATCH_SNMP" && echo "$1" | grep -q "config IXWATCH_TLS"' \
	sh "$(get "$ow/ixwatch" Package/ixwatch/config)"

# The menu toggles become configure options: every --with/--without/--enable/--disable
# that CONFIGURE_ARGS produces, with every toggle on and every toggle off, must be an
# option this tree's configure knows (configure --help), with the value form it takes.
help=$("$top_srcdir/configure" --help 2>/dev/null)
known=$(echo "$help" | sed -n 's/^ *\(--\(with\|without\|enable\|disable\)-[a-z0-9-]*\).*/\1/p' |
    sed 's/^--without-/--with-/; s/^--disable-/--enable-/' | sort -u)
args_on=$(get "$ow/ixwatch" CONFIGURE_ARGS CONFIG_IXWATCH_SNMP=y CONFIG_IXWATCH_TLS=y CONFIG_IXWATCH_LIBURCU=y)
args_off=$(get "$ow/ixwatch" CONFIGURE_ARGS)
bad=""
for a in $args_on $args_off; do
	case $a in --with-*|--without-*|--enable-*|--disable-*) ;; *) continue ;; esac
	n=$(echo "${a%%=*}" | sed 's/^--without-/--with-/; s/^--disable-/--enable-/')
	echo "$known" | grep -qx -- "$n" || bad="$bad $a"
done
diag "CONFIGURE_ARGS, all toggles on: $(echo $args_on)"
diag "CONFIGURE_ARGS, all toggles off: $(echo $args_off)"
check "menu toggles map to options configure knows${bad:+ (unknown:$bad)}" \
	sh -c '[ -n "$1" ] && [ -z "$2" ]' sh "$known" "$bad"
check "IXWATCH_SNMP/IXWATCH_TLS give --with-snmp --with-tls on, --without-* off" sh -c '
	for o in "1 --with-snmp" "1 --with-tls" "2 --without-snmp" "2 --without-tls"; do
		eval "a=\$${o%% *}"; case " $a " in *" ${o#* } "*) ;; *) exit 1 ;; esac
	done' \
	sh "$(echo $args_on)" "$(echo $args_off)"

# --- rtrlib package --------------------------------------------------------------------
missing=""
for v in PKG_NAME PKG_VERSION PKG_RELEASE PKG_SOURCE PKG_SOURCE_URL PKG_HASH PKG_LICENSE CMAKE_PACKAGE_INCLUDED; do
	[ -n "$(get "$ow/rtrlib" "$v")" ] || missing="$missing $v"
done
check "rtrlib Makefile: PKG_* set, cmake.mk included${missing:+ (missing:$missing)}" [ -z "$missing" ]
cm=$(get "$ow/rtrlib" CMAKE_OPTIONS)
check "rtrlib: BGPsec off, SSH off unless RTRLIB_SSH ($cm)" \
	sh -c 'case "$1" in *-DWITH_BGPSEC=No*-DRTRLIB_TRANSPORT_SSH=No*) exit 0 ;; esac; exit 1' sh "$cm"
check "rtrlib: SSH on with CONFIG_RTRLIB_SSH=y" \
	sh -c 'case "$1" in *-DRTRLIB_TRANSPORT_SSH=Yes*) exit 0 ;; esac; exit 1' sh \
	"$($MAKE -s --no-print-directory -C "$ow/rtrlib" -f "$T/sdk/driver.mk" SDK="$T/sdk" CONFIG_RTRLIB_SSH=y print V=CMAKE_OPTIONS)"
check "rtrlib builds package librtr (ABI_VERSION set) that ixwatch depends on" \
	sh -c 'echo "$1" | grep -qw librtr && echo "$2" | grep -q "ABI_VERSION:=[0-9]"' sh \
	"$(get "$ow/rtrlib" BUILT_PACKAGES)" "$(get "$ow/rtrlib" Package/librtr)"

# --- install rules against the real build --------------------------------------------------
if $MAKE -s -C "$top_builddir" install DESTDIR="$T/root" prefix=/usr sysconfdir=/etc \
    localstatedir=/var > "$T/install.log" 2>&1; then
	ok "make install DESTDIR of the build tree (prefix=/usr as OpenWrt configures it)"
else
	not_ok "make install DESTDIR of the build tree"; sed 's/^/# /' "$T/install.log" | tail -20
fi
# Every package the Makefile builds (ixwatch, and any split-off subpackage) installs
# into one root: together they must hold everything.
pkgs=$(get "$ow/ixwatch" BUILT_PACKAGES)
bad=""
for p in $pkgs; do
	owmake "$ow/ixwatch" install P="$p" DEST="$T/pkg" PKG_INSTALL_DIR="$T/root" \
	    PKG_BUILD_DIR="$top_srcdir" >> "$T/pkg.log" 2>&1 || bad="$bad $p"
done
if [ -z "$bad" ]; then
	ok "Package/<p>/install runs for $(echo $pkgs): every file they install exists"
else
	not_ok "Package/<p>/install failed for$bad (a file it installs is not produced)"
	sed 's/^/# /' "$T/pkg.log" | tail -20
fi
progs=$(cd "$T/root" 2>/dev/null && find usr/bin usr/sbin -type f 2>/dev/null | sort)
diag "programs from make install: $(echo $progs)"
missing=""
for p in $progs; do [ -x "$T/pkg/$p" ] || missing="$missing /$p"; done
check "every installed program is in the package${missing:+ (missing:$missing)}" \
	sh -c '[ -n "$1" ] && [ -z "$2" ]' sh "$progs" "$missing"
# Not programs: every other file make install writes is packaged too, or left out on
# purpose: man pages (OpenWrt ships none) and the MIB (loaded by the NMS, not by the
# router's snmpd, which only relays AgentX). A new installed file fails here.
missing=""
for f in $(cd "$T/root" 2>/dev/null && find . -type f | sed 's,^\.,,' | sort); do
	case $f in /usr/share/man/*|/usr/share/snmp/mibs/*) continue ;; esac
	[ -e "$T/pkg$f" ] || missing="$missing $f"
done
check "every file make install writes is packaged or deliberately left out${missing:+ (missing:$missing)}" \
	[ -z "$missing" ]
check "ixwatchd is among them, at /usr/sbin/ixwatchd" [ -x "$T/pkg/usr/sbin/ixwatchd" ]
missing=""
for f in $cf; do [ -f "$T/pkg$f" ] || missing="$missing $f"; done
check "every conffile is installed${missing:+ (missing:$missing)}" [ -z "$missing" ]
check "init script installed executable as /etc/init.d/ixwatch" [ -x "$T/pkg/etc/init.d/ixwatch" ]

# --- the default YAML ------------------------------------------------------------------
files=$ow/ixwatch/files
check "the package creates the user the YAML drops to (USERID vs daemon: user:)" sh -c \
	'u=$(sed -n "s/^  user: *\([a-z_][a-z0-9_-]*\).*/\1/p" "$2" | head -1)
	 [ -n "$u" ] && echo "$1" | grep -q "USERID:=$u="' sh "$(get "$ow/ixwatch" Package/ixwatch)" "$files/ixwatch.yml"
d=$top_builddir/agent/ixwatchd
if [ ! -x "$d" ]; then
	not_ok "ixwatchd -n: $d not built"
elif "$d" -n -f "$T/no-such-file.yml" > /dev/null 2>&1; then
	skip "ixwatchd -n on files/ixwatch.yml" "this tree's ixwatchd does not check configurations yet (-n accepts a missing file)"
else
	out=$("$d" -n -f "$files/ixwatch.yml" 2>&1)
	rc=$?
	[ -z "$out" ] || echo "$out" | sed 's/^/# /'
	check "ixwatchd -n accepts files/ixwatch.yml and prefixes.yml" [ "$rc" -eq 0 ]
fi

# With IXWATCH_SNMP off the binary is built --without-snmp and refuses an enabled snmp
# output: the package must then install the YAML with it disabled.
rm -rf "$T/pkg-nosnmp"
owmake "$ow/ixwatch" install P=ixwatch DEST="$T/pkg-nosnmp" PKG_INSTALL_DIR="$T/root" \
    PKG_BUILD_DIR="$top_srcdir" > /dev/null 2>&1
owmake "$ow/ixwatch" install P=ixwatch DEST="$T/pkg-snmp" PKG_INSTALL_DIR="$T/root" \
    PKG_BUILD_DIR="$top_srcdir" CONFIG_IXWATCH_SNMP=y > /dev/null 2>&1
snmp_enabled() { sed -n '/^  snmp:/,/^ \{0,2\}[a-z]/ s/^    enabled: *//p' "$1"; }
check "IXWATCH_SNMP off: packaged YAML has snmp disabled (on: '$(snmp_enabled "$T/pkg-snmp/etc/ixwatch/ixwatch.yml")'), still valid" sh -c '
	[ "$1" = false ] && [ "$2" = true ] && { [ ! -x "$4" ] || "$4" -n -f "$3" 2> /dev/null; }' sh \
	"$(snmp_enabled "$T/pkg-nosnmp/etc/ixwatch/ixwatch.yml")" "$(snmp_enabled "$T/pkg-snmp/etc/ixwatch/ixwatch.yml")" \
	"$T/pkg-nosnmp/etc/ixwatch/ixwatch.yml" "$top_builddir/agent/ixwatchd"

# --- procd init script in a stub rc.common/UCI environment ---------------------------------
check "init script: sh -n" sh -n "$init"
cat > "$T/stubs.sh" <<'EOF'
# Minimal /etc/rc.common + /lib/functions.sh + procd.sh: UCI read from $UCI_FILE,
# procd calls written to $PROCD_LOG as "verb args".
config_load() {
	local kw name val sec=""
	while read -r kw name val; do
		name=$(echo "$name" | tr -d "'\""); val=$(echo "$val" | tr -d "'\"")
		case $kw in
		config) sec=${val:-$name} ;;
		option) [ -n "$sec" ] && eval "CONFIG_${sec}_${name}=\$val" ;;
		esac
	done < "$UCI_FILE"
}
config_get() { # var section option [default]
	local _cg; eval "_cg=\${CONFIG_${2}_${3}-}"; [ -n "$_cg" ] || _cg=${4:-}; eval "$1=\$_cg"
}
config_get_bool() {
	local _cgb; config_get _cgb "$2" "$3" "${4:-0}"
	case $_cgb in 1|yes|on|true|enabled) _cgb=1 ;; *) _cgb=0 ;; esac; eval "$1=\$_cgb"
}
uci() { echo "uci $*" >> "$PROCD_LOG"; }
mkdir() { echo "mkdir $*" >> "$PROCD_LOG"; }
chown() { echo "chown $*" >> "$PROCD_LOG"; }
procd_open_instance() { echo "open $*" >> "$PROCD_LOG"; }
procd_close_instance() { echo "close" >> "$PROCD_LOG"; }
procd_set_param() { echo "set $*" >> "$PROCD_LOG"; }
procd_append_param() { echo "append $*" >> "$PROCD_LOG"; }
procd_send_signal() { echo "signal $*" >> "$PROCD_LOG"; }
procd_add_config_trigger() { echo "trigger config $*" >> "$PROCD_LOG"; }
procd_add_reload_trigger() { echo "trigger reload $*" >> "$PROCD_LOG"; }
EOF
run_init() { # uci-file function -> $PROCD_LOG
	PROCD_LOG=$T/procd.log UCI_FILE=$1 sh -c '. "$1"; . "$2"; [ "$USE_PROCD" = 1 ] || exit 9; "$3"' \
	    sh "$T/stubs.sh" "$init" "$2"
}
cmdline() { # the command param as procd would assemble it
	awk '$1 == "set" && $2 == "command" { $1 = $2 = ""; c = $0 }
	     $1 == "append" && $2 == "command" { $1 = $2 = ""; c = c $0 }
	     END { gsub(/^ +/, "", c); gsub(/  +/, " ", c); print c }' "$T/procd.log"
}
: > "$T/procd.log"
run_init "$uci" start_service
got=$(cmdline)
check "start_service: '$got'" [ "$got" = "/usr/sbin/ixwatchd -d -f /etc/ixwatch/ixwatch.yml" ]
check "start_service: one instance, respawn, stderr to logd, file param" sh -c '
	[ "$(grep -c "^open" "$1")" = 1 ] && [ "$(grep -c "^close" "$1")" = 1 ] &&
	grep -Eq "^set respawn [0-9]+ [0-9]+ [0-9]+$" "$1" && grep -q "^set stderr 1$" "$1" &&
	grep -q "^set file /etc/config/ixwatch" "$1" && grep -q "^mkdir -p /var/lib/ixwatch$" "$1"' \
	sh "$T/procd.log"
sed -e "s/option enabled '1'/option enabled '0'/" "$uci" > "$T/off.uci"
: > "$T/procd.log"
run_init "$T/off.uci" start_service
check "enabled '0': no instance" [ ! -s "$T/procd.log" ]
sed -e "s,option config_file .*,option config_file '/tmp/x.yml'," -e "s/option verbose '0'/option verbose '1'/" \
    "$uci" > "$T/alt.uci"
: > "$T/procd.log"
run_init "$T/alt.uci" start_service
got=$(cmdline)
check "config_file, verbose: '$got'" [ "$got" = "/usr/sbin/ixwatchd -d -f /tmp/x.yml -v" ]
: > "$T/procd.log"
run_init "$uci" reload_service
run_init "$uci" service_triggers
check "reload sends HUP; uci changes to ixwatch restart it" sh -c '
	grep -q "^signal ixwatch \* HUP$" "$1" &&
	grep -q "^trigger config config.change ixwatch /etc/init.d/ixwatch restart$" "$1"' sh "$T/procd.log"
done_testing
