/*
 * The full layout of a loaded configuration (ixwatch.yml + prefixes.yml), for the
 * modules that consume it. A struct config is immutable once config_load() returns
 * it: a reload builds a new one and swaps. Everything hangs off the struct config and
 * is freed by config_free(). Lists are (pointer, count) pairs; counts are size_t.
 * Keys, types and defaults are documented in ixwatch.yml(5).
 */
#ifndef IXW_CONFIG_TYPES_H
#define IXW_CONFIG_TYPES_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/config.h"
#include "bgp/prefix.h"

/* An address without a length (af = PREFIX_AF_*, bytes in network order). */
struct config_addr {
	uint8_t		 af;
	uint8_t		 addr[16];
};

/* address + port (listeners and remote targets). */
struct config_endpoint {
	struct config_addr	 address;
	uint16_t		 port;
};

/* --- sources ------------------------------------------------------------- */

struct config_bmp {
	struct config_endpoint	*listen;	/* where BMP routers connect */
	size_t			 nlisten;
	struct prefix		*allow;		/* routers allowed to connect (empty: any) */
	size_t			 nallow;
	uint32_t		 max_routers;
	uint32_t		 reconnect_grace;	/* s: keep a gone router's routes */
};

enum config_bgp_maxpfx_action {
	CONFIG_MAXPFX_WARN,
	CONFIG_MAXPFX_STOP,
	CONFIG_MAXPFX_RESTART,
};

/* RFC 9234 roles; NONE sends no Role capability. */
enum config_bgp_role {
	CONFIG_ROLE_NONE,
	CONFIG_ROLE_PROVIDER,
	CONFIG_ROLE_CUSTOMER,
	CONFIG_ROLE_RS,
	CONFIG_ROLE_RS_CLIENT,
	CONFIG_ROLE_PEER,
};

struct config_bgp_neighbor {
	char			*name;		/* source name, unique among sources */
	struct config_addr	 address;
	uint32_t		 remote_as;
	uint32_t		 local_as;	/* inherited from sources.bgp.local-as */
	struct config_addr	 router_id;	/* IPv4; inherited from sources.bgp.router-id */
	uint16_t		 port;		/* remote port, default 179 */
	int			 passive;	/* 1: only accept, never connect */
	struct config_addr	 local_address;	/* af NONE: chosen by the kernel */
	uint32_t		 hold_time;	/* s; 0 or 3..65535 */
	char			*password;	/* TCP-MD5 (RFC 2385); NULL: none */
	uint32_t		 max_prefix;	/* 0: no limit */
	int			 max_prefix_action;	/* enum config_bgp_maxpfx_action */
	uint32_t		 max_prefix_restart;	/* s before reconnecting (action restart) */
	int			 role;		/* enum config_bgp_role */
	int			 role_strict;	/* refuse peers without a matching role */
	int			 add_path_receive;	/* RFC 7911 receive */
	int			 graceful_restart;	/* RFC 4724 receiving speaker */
	uint32_t		 restart_time;	/* s, for graceful restart */
	int			 ipv4;		/* negotiate IPv4 unicast */
	int			 ipv6;		/* negotiate IPv6 unicast */
	int			 line;		/* position in ixwatch.yml */
};

struct config_bgp {
	struct config_endpoint	*listen;	/* for passive neighbors; empty: none */
	size_t			 nlisten;
	uint32_t		 local_as;
	struct config_addr	 router_id;
	struct config_bgp_neighbor *neighbors;
	size_t			 nneighbors;
};

struct config_mrt {
	char			*name;
	char			*file;		/* absolute path */
	double			 speed;		/* 0: as fast as possible, 1: real time */
	int			 line;
};

struct config_sources {
	struct config_bmp	 bmp;
	struct config_bgp	 bgp;
	struct config_mrt	*mrt;
	size_t			 nmrt;
};

/* --- rpki ------------------------------------------------------------------ */

enum config_rtr_transport {
	CONFIG_RTR_TCP,
	CONFIG_RTR_SSH,
};

struct config_rtr_cache {
	char			*host;		/* address or DNS name */
	uint16_t		 port;
	int			 transport;	/* enum config_rtr_transport */
	char			*ssh_user;
	char			*ssh_host_key;	/* known-hosts style public key file */
	char			*ssh_private_key;
	int			 line;
};

struct config_rtr_group {
	uint32_t		 preference;	/* lower is preferred (rtrlib) */
	struct config_rtr_cache	*caches;
	size_t			 ncaches;
};

struct config_vrp_file {
	char			*file;		/* rpki-client / StayRTR JSON */
	uint32_t		 reload;	/* s; 0: load once */
};

struct config_rpki {
	uint32_t		 refresh;	/* s (rtrlib: 1..86400) */
	uint32_t		 retry;		/* s (1..7200) */
	uint32_t		 expire;	/* s (600..172800) */
	struct config_rtr_group	*groups;
	size_t			 ngroups;
	struct config_vrp_file	*vrp_files;
	size_t			 nvrp_files;
	char			*aspa_file;	/* NULL: none */
	uint32_t		 aspa_reload;
	uint32_t		 vrp_drop_percent;	/* health: alert on a sudden drop */
	uint32_t		 min_vrps;	/* health: fewer VRPs than this is trouble */
	uint32_t		 stale_after;	/* s without a successful refresh */
	uint32_t		 reload_timeout;	/* s a new cache list has to sync */
};

/* --- detection ------------------------------------------------------------- */

/* The detection rules, in the order of DESIGN.md; names in config_rule_name(). */
enum config_rule {
	CONFIG_RULE_HIJACK,
	CONFIG_RULE_SUBPREFIX_HIJACK,
	CONFIG_RULE_SQUATTING,
	CONFIG_RULE_NEW_NEIGHBOR,
	CONFIG_RULE_NEW_PREFIX,
	CONFIG_RULE_VISIBILITY,
	CONFIG_RULE_PEERING_VISIBILITY,
	CONFIG_RULE_RPKI_INVALID,
	CONFIG_RULE_RPKI_NOT_FOUND,
	CONFIG_RULE_ROA_CHANGE,
	CONFIG_RULE_RTR_HEALTH,
	CONFIG_RULE_ROUTE_LEAK,
	CONFIG_RULE_PATH,
	CONFIG_RULE_BOGON,
	CONFIG_RULE_MOAS,
	CONFIG_RULE_SOURCE_DIFF,
	CONFIG_RULE_SESSION,
	CONFIG_RULE_COUNT
};

/* Alert severities (syslog severities in brackets). */
enum config_severity {
	CONFIG_SEV_CRITICAL,	/* LOG_CRIT */
	CONFIG_SEV_ERROR,	/* LOG_ERR */
	CONFIG_SEV_WARNING,	/* LOG_WARNING */
	CONFIG_SEV_NOTICE,	/* LOG_NOTICE */
	CONFIG_SEV_INFO,	/* LOG_INFO */
};

struct config_rule_cfg {
	int			 enabled;
	int			 severity;	/* enum config_severity */
	uint32_t		 min_sources;	/* evidence: sources that must see it */
	uint32_t		 raise_after;	/* s the condition must hold before raising */
	uint32_t		 clear_after;	/* s it must be gone before clearing */
	uint32_t		 repeat;	/* s between reminders; 0: never */
};

/* Neighbours of one AS, for valley-free leak detection (RFC 7908). */
struct config_relationship {	/* asn first: config_relationship_find() */
	uint32_t		 asn;
	uint32_t		*customers;	/* sorted */
	size_t			 ncustomers;
	uint32_t		*providers;
	size_t			 nproviders;
	uint32_t		*peers;
	size_t			 npeers;
	int			 line;
};

/* Two sources whose views are compared (names: neighbor/mrt names or bmp:...). */
struct config_compare {
	char			*a;
	char			*b;
	uint32_t		 min_diff;	/* s a difference must last */
};

struct config_bogons {
	int			 prefixes;	/* IANA special-purpose (global=false) */
	int			 asns;		/* reserved/private/documentation ASNs in paths */
	struct prefix		*extra_prefixes;
	size_t			 nextra_prefixes;
	uint32_t		*extra_asns;
	size_t			 nextra_asns;
};

struct config_detection {
	struct config_rule_cfg	 rules[CONFIG_RULE_COUNT];
	struct config_relationship *relationships;	/* sorted by asn */
	size_t			 nrelationships;
	struct config_compare	*compare;
	size_t			 ncompare;
	int			 rpki_valid_hijack_quiet;	/* hijack by an RPKI-valid origin: info */
	struct config_bogons	 bogons;
	uint32_t		 max_prepend;	/* path rule: more prepends than this alert; 0: off */
};

/* --- alerts and outputs ----------------------------------------------------- */

struct config_alerts {
	char			*state_file;	/* NULL: no persistence */
	char			*json_file;	/* JSON lines; NULL: none */
	uint32_t		 rate_limit;	/* alert transitions per minute; 0: unlimited */
	uint32_t		 group_window;	/* s to aggregate evidence before the first raise */
	uint32_t		 max_paths;	/* sample AS paths kept per alert */
	uint32_t		 max_alerts;	/* open alerts kept */
};

enum config_syslog_transport {
	CONFIG_SYSLOG_UDP,
	CONFIG_SYSLOG_TCP,
	CONFIG_SYSLOG_TLS,
};

struct config_syslog_remote {
	int			 transport;	/* enum config_syslog_transport */
	char			*host;		/* address or DNS name */
	uint16_t		 port;		/* 514, or 6514 for tls */
	int			 facility;
	char			*ca_file;
	char			*cert_file;
	char			*key_file;
	char			*server_name;	/* TLS: name to verify (default host) */
	uint32_t		 queue_size;	/* messages held while disconnected */
	char			*template;	/* BGPalerter-style ${...} template */
	int			 line;
};

struct config_syslog {
	int			 enabled;
	int			 facility;	/* LOG_LOCAL4 ... */
	char			*ident;
	char			*template;
	struct config_syslog_remote *remote;
	size_t			 nremote;
};

enum config_snmp_version {
	CONFIG_SNMP_V2C,
	CONFIG_SNMP_V3,
};

enum config_snmp_auth {
	CONFIG_SNMP_AUTH_NONE,
	CONFIG_SNMP_AUTH_SHA,		/* HMAC-SHA-96 */
	CONFIG_SNMP_AUTH_SHA256,	/* HMAC-SHA-256 (RFC 7860) */
};

enum config_snmp_priv {
	CONFIG_SNMP_PRIV_NONE,
	CONFIG_SNMP_PRIV_AES,		/* AES-128 (RFC 3826) */
};

struct config_snmp_sink {
	char			*host;
	uint16_t		 port;
	int			 version;	/* enum config_snmp_version */
	char			*community;	/* v2c */
	char			*user;		/* v3 */
	int			 auth;		/* enum config_snmp_auth */
	char			*auth_passphrase;
	int			 priv;		/* enum config_snmp_priv */
	char			*priv_passphrase;
	int			 inform;
	uint32_t		 retries;
	uint32_t		 timeout;	/* s */
	int			 line;
};

struct config_snmp {
	int			 enabled;
	char			*agentx_socket;	/* "/var/agentx/master" or "tcp:host:port" */
	uint32_t		 enterprise;	/* IANA PEN, default 32473 */
	/* the SNMPv3 engine id v3 traps are sent as (hex), NULL: derived from the
	 * enterprise number and the host name */
	char			*engine_id;
	struct config_snmp_sink	*sinks;
	size_t			 nsinks;
};

struct config_outputs {
	struct config_syslog	 syslog;
	struct config_snmp	 snmp;
};

/* --- prefixes.yml ------------------------------------------------------------ */

#define CONFIG_PFX_IGNORE_MORESPECIFICS	0x01	/* BGPalerter ignoreMorespecifics */
#define CONFIG_PFX_IGNORE		0x02	/* BGPalerter ignore: no alerts at all */
#define CONFIG_PFX_NO_EXPORT		0x04	/* ixwatch: must carry NO_EXPORT */

/* One BGPalerter "path" rule; regexes are POSIX EREs on the AS path as "1,2,3". */
struct config_path_rule {
	char			*match;		/* NULL: none */
	regex_t			 match_re;
	char			*not_match;
	regex_t			 not_match_re;
	char			*description;	/* matchDescription */
	uint32_t		 min_length;	/* 0: none */
	uint32_t		 max_length;	/* 0: none */
	int			 compiled;	/* internal: which regexes to regfree() */
	int			 line;
};

struct config_prefix {
	struct prefix		 prefix;
	char			*description;
	uint32_t		*asns;		/* allowed origins, sorted, unique; none: squatting */
	size_t			 nasns;
	uint32_t		 flags;		/* CONFIG_PFX_* */
	char			**groups;	/* default: "default" */
	size_t			 ngroups;
	char			**include_monitors;
	size_t			 ninclude_monitors;
	char			**exclude_monitors;
	size_t			 nexclude_monitors;
	struct config_path_rule	*paths;
	size_t			 npaths;
	/* ixwatch extensions (the per-prefix "ixwatch:" map) */
	uint32_t		*upstreams;	/* allowed first hops after the origin */
	size_t			 nupstreams;
	uint32_t		 max_prepend;	/* 0: use detection.max-prepend */
	uint32_t		 min_sources;	/* 0: per-rule default */
	int			 severity;	/* -1: per-rule default */
	uint32_t		 disabled_rules;	/* bit (1 << enum config_rule) */
	int			 line;		/* position in prefixes.yml */
	int			 col;
};

struct config_monitor_as {	/* asn first: config_monitor_as_find() */
	uint32_t		 asn;
	char			**groups;
	size_t			 ngroups;
	uint32_t		*upstreams;	/* sorted */
	size_t			 nupstreams;
	uint32_t		*downstreams;	/* sorted */
	size_t			 ndownstreams;
	/* the key was given, maybe as an empty list: every neighbor on that side
	 * is then unexpected (BGPalerter) */
	uint8_t			 has_upstreams, has_downstreams;
	int			 line;
	int			 col;
};

struct config_prefixes {
	char			*file;		/* absolute path; NULL: no prefixes-file */
	struct config_prefix	*prefixes;	/* sorted by prefix_cmp() */
	size_t			 nprefixes;
	struct config_monitor_as *asns;		/* sorted by asn */
	size_t			 nasns;
	/* options.ixwatch */
	struct config_relationship *relationships;	/* sorted by asn */
	size_t			 nrelationships;
};

/* --- the whole ------------------------------------------------------------- */

struct config {
	char			*path;		/* ixwatch.yml as given */
	char			*dir;		/* its absolute directory */
	struct config_daemon	 daemon;
	struct config_sources	 sources;
	struct config_rpki	 rpki;
	struct config_detection	 detection;
	struct config_alerts	 alerts;
	struct config_outputs	 outputs;
	struct config_prefixes	 pfx;
};

#endif /* IXW_CONFIG_TYPES_H */
