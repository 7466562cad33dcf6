/*
 * ixwatch.yml: the schema of every section as tables for the engine in
 * config_schema.c, the cross-field checks, config_load()/config_print() and the
 * accessors. config_load() has no side effects beyond the struct it returns, so a
 * reload can build a new config while the old one is in use.
 * RFCs behind the keys: 4271 (BGP), 7854 (BMP), 8210 (RTR), 9234 (roles),
 * 7911 (ADD-PATH), 4724 (graceful restart), 2385 (TCP-MD5), 5424/5425 (syslog),
 * 3414/3826/7860 (SNMPv3 USM), 7908 (route leaks).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "agent/config_int.h"
#include "agent/syslog_msg.h"

#define OFF(type, m)	offsetof(struct type, m)
#define END		{ .name = NULL }
#define DAY		86400
#define U32MAX		4294967295LL

static const char *const maxpfx_names[] = { "warn", "stop", "restart", NULL };
static const char *const role_names[] = { "none", "provider", "customer", "rs",
    "rs-client", "peer", NULL };
static const char *const rtr_transport_names[] = { "tcp", "ssh", NULL };
static const char *const severity_names[] = { "critical", "error", "warning", "notice",
    "info", NULL };
static const char *const syslog_transport_names[] = { "udp", "tcp", "tls", NULL };
static const char *const snmp_version_names[] = { "2c", "3", NULL };
static const char *const snmp_auth_names[] = { "none", "sha", "sha-256", NULL };
static const char *const snmp_priv_names[] = { "none", "aes", NULL };

static const char *const rule_names[CONFIG_RULE_COUNT] = {
	"hijack", "sub-prefix-hijack", "squatting", "new-neighbor", "new-prefix",
	"visibility", "peering-visibility", "rpki-invalid", "rpki-not-found",
	"roa-change", "rtr-health", "route-leak", "path", "bogon", "moas",
	"source-diff", "session",
};

/* Default severity per rule; everything else defaults the same for all rules. */
static const int rule_severity[CONFIG_RULE_COUNT] = {
	CONFIG_SEV_CRITICAL, CONFIG_SEV_CRITICAL, CONFIG_SEV_ERROR, CONFIG_SEV_ERROR,
	CONFIG_SEV_WARNING, CONFIG_SEV_ERROR, CONFIG_SEV_WARNING, CONFIG_SEV_ERROR,
	CONFIG_SEV_NOTICE, CONFIG_SEV_NOTICE, CONFIG_SEV_ERROR, CONFIG_SEV_ERROR,
	CONFIG_SEV_WARNING, CONFIG_SEV_WARNING, CONFIG_SEV_INFO, CONFIG_SEV_NOTICE,
	CONFIG_SEV_ERROR,
};

static int check_neighbor(struct ctx *, void *, const struct node *);
static int check_mrt(struct ctx *, void *, const struct node *);
static int check_cache(struct ctx *, void *, const struct node *);
static int check_group(struct ctx *, void *, const struct node *);
static int check_rpki(struct ctx *, void *, const struct node *);
static int check_relationship(struct ctx *, void *, const struct node *);
static int check_remote(struct ctx *, void *, const struct node *);
static int check_sink(struct ctx *, void *, const struct node *);
static int check_bogons(struct ctx *, void *, const struct node *);
static int check_compare(struct ctx *, void *, const struct node *);

/* --- daemon ---------------------------------------------------------------- */

static const struct cfg_field control_fields[] = {
	{ "path", CT_PATH, 0, 0, OFF(config_daemon, control_socket), 0, 0, 0,
	    IXW_RUNDIR "/ixwatchd.sock", NULL, NULL },
	{ "mode", CT_MODE, 0, 0, OFF(config_daemon, control_mode), 0, 0, 0, "0660",
	    NULL, NULL },
	{ "group", CT_STR, 0, 0, OFF(config_daemon, control_group), 0, 0, 0, NULL,
	    NULL, NULL },
	END
};
static const struct cfg_schema control_schema = { "control-socket", 0, control_fields,
    NULL, 0 };

static const struct cfg_field log_fields[] = {
	{ "facility", CT_FACILITY, 0, 0, OFF(config_daemon, log_facility), 0, 0, 0,
	    "daemon", NULL, NULL },
	{ "debug", CT_DEBUG, 0, 0, OFF(config_daemon, log_debug), 0, 0, 0, NULL, NULL,
	    NULL },
	END
};
static const struct cfg_schema log_schema = { "log", 0, log_fields, NULL, 0 };

static const struct cfg_field daemon_fields[] = {
	{ "user", CT_STR, 0, 0, OFF(config_daemon, user), 0, 0, 0, NULL, NULL, NULL },
	{ "group", CT_STR, 0, 0, OFF(config_daemon, group), 0, 0, 0, NULL, NULL, NULL },
	{ "pidfile", CT_PATH, 0, 0, OFF(config_daemon, pidfile), 0, 0, 0,
	    IXW_RUNDIR "/ixwatchd.pid", NULL, NULL },
	{ "control-socket", CT_NEST, 0, 0, 0, 0, 0, 0, NULL, &control_schema, NULL },
	{ "state-dir", CT_PATH, 0, 0, OFF(config_daemon, state_dir), 0, 0, 0,
	    LOCALSTATEDIR "/lib/ixwatch", NULL, NULL },
	{ "log", CT_NEST, 0, 0, 0, 0, 0, 0, NULL, &log_schema, NULL },
	END
};
static const struct cfg_schema daemon_schema = { "daemon", 0, daemon_fields, NULL, 0 };

/* --- sources --------------------------------------------------------------- */

static const struct cfg_field endpoint_fields[] = {
	{ "address", CT_ADDR, 0, CF_REQUIRED, OFF(config_endpoint, address), 0, 0, 0,
	    NULL, NULL, NULL },
	{ "port", CT_PORT, 0, CF_REQUIRED, OFF(config_endpoint, port), 0, 0, 0, NULL,
	    NULL, NULL },
	END
};
static const struct cfg_schema endpoint_schema = { "listen address",
    sizeof(struct config_endpoint), endpoint_fields, NULL, 0 };

static const struct cfg_field bmp_fields[] = {
	{ "listen", CT_STRUCTS, 0, 0, OFF(config_bmp, listen), OFF(config_bmp, nlisten),
	    0, 0, NULL, &endpoint_schema, NULL },
	{ "allow", CT_LIST, CT_PREFIX, 0, OFF(config_bmp, allow), OFF(config_bmp, nallow),
	    0, 0, NULL, NULL, NULL },
	{ "max-routers", CT_U32, 0, 0, OFF(config_bmp, max_routers), 0, 1, 4096, "16",
	    NULL, NULL },
	{ "reconnect-grace", CT_DUR, 0, 0, OFF(config_bmp, reconnect_grace), 0, 0, DAY,
	    "5m", NULL, NULL },
	END
};
static const struct cfg_schema bmp_schema = { "bmp", 0, bmp_fields, NULL, 0 };

#define NB(m)	OFF(config_bgp_neighbor, m)
static const struct cfg_field neighbor_fields[] = {
	{ "name", CT_STR, 0, CF_REQUIRED, NB(name), 0, 0, 0, NULL, NULL, NULL },
	{ "address", CT_ADDR, 0, CF_REQUIRED, NB(address), 0, 0, 0, NULL, NULL, NULL },
	{ "remote-as", CT_ASN, 0, CF_REQUIRED, NB(remote_as), 0, 0, 0, NULL, NULL, NULL },
	{ "local-as", CT_ASN, 0, CF_OPT, NB(local_as), 0, 0, 0, NULL, NULL, NULL },
	{ "router-id", CT_ADDR4, 0, 0, NB(router_id), 0, 0, 0, NULL, NULL, NULL },
	{ "port", CT_PORT, 0, 0, NB(port), 0, 0, 0, "179", NULL, NULL },
	{ "passive", CT_BOOL, 0, 0, NB(passive), 0, 0, 0, "false", NULL, NULL },
	{ "local-address", CT_ADDR, 0, 0, NB(local_address), 0, 0, 0, NULL, NULL, NULL },
	{ "hold-time", CT_DUR, 0, 0, NB(hold_time), 0, 0, 65535, "90s", NULL, NULL },
	{ "password", CT_STR, 0, CF_SECRET, NB(password), 0, 0, 0, NULL, NULL, NULL },
	{ "max-prefix", CT_U32, 0, 0, NB(max_prefix), 0, 0, U32MAX, "0", NULL, NULL },
	{ "max-prefix-action", CT_ENUM, 0, 0, NB(max_prefix_action), 0, 0, 0, "warn",
	    NULL, maxpfx_names },
	{ "max-prefix-restart", CT_DUR, 0, 0, NB(max_prefix_restart), 0, 1, DAY, "5m",
	    NULL, NULL },
	{ "role", CT_ENUM, 0, 0, NB(role), 0, 0, 0, "none", NULL, role_names },
	{ "role-strict", CT_BOOL, 0, 0, NB(role_strict), 0, 0, 0, "false", NULL, NULL },
	{ "add-path-receive", CT_BOOL, 0, 0, NB(add_path_receive), 0, 0, 0, "false",
	    NULL, NULL },
	{ "graceful-restart", CT_BOOL, 0, 0, NB(graceful_restart), 0, 0, 0, "false",
	    NULL, NULL },
	{ "restart-time", CT_DUR, 0, 0, NB(restart_time), 0, 1, 4095, "120s", NULL, NULL },
	{ "ipv4-unicast", CT_BOOL, 0, 0, NB(ipv4), 0, 0, 0, "true", NULL, NULL },
	{ "ipv6-unicast", CT_BOOL, 0, 0, NB(ipv6), 0, 0, 0, "true", NULL, NULL },
	END
};
static const struct cfg_schema neighbor_schema = { "bgp neighbor",
    sizeof(struct config_bgp_neighbor), neighbor_fields, check_neighbor,
    NB(line) };

static const struct cfg_field bgp_fields[] = {
	{ "local-as", CT_ASN, 0, CF_OPT, OFF(config_bgp, local_as), 0, 0, 0, NULL, NULL,
	    NULL },
	{ "router-id", CT_ADDR4, 0, 0, OFF(config_bgp, router_id), 0, 0, 0, NULL, NULL,
	    NULL },
	{ "listen", CT_STRUCTS, 0, 0, OFF(config_bgp, listen), OFF(config_bgp, nlisten),
	    0, 0, NULL, &endpoint_schema, NULL },
	{ "neighbors", CT_STRUCTS, 0, 0, OFF(config_bgp, neighbors),
	    OFF(config_bgp, nneighbors), 0, 0, NULL, &neighbor_schema, NULL },
	END
};
static const struct cfg_schema bgp_schema = { "bgp", 0, bgp_fields, NULL, 0 };

static const struct cfg_field mrt_fields[] = {
	{ "name", CT_STR, 0, CF_REQUIRED, OFF(config_mrt, name), 0, 0, 0, NULL, NULL,
	    NULL },
	{ "file", CT_PATH, 0, CF_REQUIRED, OFF(config_mrt, file), 0, 0, 0, NULL, NULL,
	    NULL },
	{ "speed", CT_DOUBLE, 0, 0, OFF(config_mrt, speed), 0, 0, 1000000, "0", NULL,
	    NULL },
	END
};
static const struct cfg_schema mrt_schema = { "mrt input", sizeof(struct config_mrt),
    mrt_fields, check_mrt, OFF(config_mrt, line) };

static const struct cfg_field sources_fields[] = {
	{ "bmp", CT_NEST, 0, 0, OFF(config_sources, bmp), 0, 0, 0, NULL, &bmp_schema,
	    NULL },
	{ "bgp", CT_NEST, 0, 0, OFF(config_sources, bgp), 0, 0, 0, NULL, &bgp_schema,
	    NULL },
	{ "mrt", CT_STRUCTS, 0, 0, OFF(config_sources, mrt), OFF(config_sources, nmrt),
	    0, 0, NULL, &mrt_schema, NULL },
	END
};
static const struct cfg_schema sources_schema = { "sources", 0, sources_fields, NULL,
    0 };

/* --- rpki ------------------------------------------------------------------ */

#define RC(m)	OFF(config_rtr_cache, m)
static const struct cfg_field cache_fields[] = {
	{ "address", CT_HOST, 0, CF_REQUIRED, RC(host), 0, 0, 0, NULL, NULL, NULL },
	{ "port", CT_PORT, 0, CF_REQUIRED, RC(port), 0, 0, 0, NULL, NULL, NULL },
	{ "transport", CT_ENUM, 0, 0, RC(transport), 0, 0, 0, "tcp", NULL,
	    rtr_transport_names },
	{ "ssh-user", CT_STR, 0, 0, RC(ssh_user), 0, 0, 0, NULL, NULL, NULL },
	{ "ssh-host-key", CT_PATH, 0, 0, RC(ssh_host_key), 0, 0, 0, NULL, NULL, NULL },
	{ "ssh-private-key", CT_PATH, 0, 0, RC(ssh_private_key), 0, 0, 0, NULL, NULL,
	    NULL },
	END
};
static const struct cfg_schema cache_schema = { "rtr cache",
    sizeof(struct config_rtr_cache), cache_fields, check_cache, RC(line) };

static const struct cfg_field group_fields[] = {
	{ "preference", CT_U32, 0, CF_REQUIRED, OFF(config_rtr_group, preference), 0, 0,
	    255, NULL, NULL, NULL },
	{ "caches", CT_STRUCTS, 0, 0, OFF(config_rtr_group, caches),
	    OFF(config_rtr_group, ncaches), 0, 0, NULL, &cache_schema, NULL },
	END
};
static const struct cfg_schema group_schema = { "rtr cache group",
    sizeof(struct config_rtr_group), group_fields, check_group, 0 };

static const struct cfg_field vrpfile_fields[] = {
	{ "file", CT_PATH, 0, CF_REQUIRED, OFF(config_vrp_file, file), 0, 0, 0, NULL,
	    NULL, NULL },
	{ "reload", CT_DUR, 0, 0, OFF(config_vrp_file, reload), 0, 0, DAY, "0s", NULL,
	    NULL },
	END
};
static const struct cfg_schema vrpfile_schema = { "vrp file",
    sizeof(struct config_vrp_file), vrpfile_fields, NULL, 0 };

static const struct cfg_field health_fields[] = {
	{ "vrp-drop-percent", CT_U32, 0, 0, OFF(config_rpki, vrp_drop_percent), 0, 0,
	    100, "20", NULL, NULL },
	{ "min-vrps", CT_U32, 0, 0, OFF(config_rpki, min_vrps), 0, 0, U32MAX, "0", NULL,
	    NULL },
	{ "stale-after", CT_DUR, 0, 0, OFF(config_rpki, stale_after), 0, 60, 7 * DAY,
	    "2h", NULL, NULL },
	END
};
static const struct cfg_schema health_schema = { "rpki health", 0, health_fields,
    NULL, 0 };

static const struct cfg_field rpki_fields[] = {
	{ "refresh", CT_DUR, 0, 0, OFF(config_rpki, refresh), 0, 1, DAY, "1h", NULL,
	    NULL },
	{ "retry", CT_DUR, 0, 0, OFF(config_rpki, retry), 0, 1, 7200, "10m", NULL, NULL },
	{ "expire", CT_DUR, 0, 0, OFF(config_rpki, expire), 0, 600, 2 * DAY, "2h", NULL,
	    NULL },
	{ "reload-timeout", CT_DUR, 0, 0, OFF(config_rpki, reload_timeout), 0, 1, 3600,
	    "2m", NULL, NULL },
	{ "groups", CT_STRUCTS, 0, 0, OFF(config_rpki, groups), OFF(config_rpki, ngroups),
	    0, 0, NULL, &group_schema, NULL },
	{ "vrp-files", CT_STRUCTS, 0, 0, OFF(config_rpki, vrp_files),
	    OFF(config_rpki, nvrp_files), 0, 0, NULL, &vrpfile_schema, NULL },
	{ "aspa-file", CT_PATH, 0, 0, OFF(config_rpki, aspa_file), 0, 0, 0, NULL, NULL,
	    NULL },
	{ "aspa-reload", CT_DUR, 0, 0, OFF(config_rpki, aspa_reload), 0, 0, DAY, "0s",
	    NULL, NULL },
	{ "health", CT_NEST, 0, 0, 0, 0, 0, 0, NULL, &health_schema, NULL },
	END
};
static const struct cfg_schema rpki_schema = { "rpki", 0, rpki_fields, check_rpki, 0 };

/* --- detection ------------------------------------------------------------- */

#define RU(m)	OFF(config_rule_cfg, m)
/* No defaults here: config_load() pre-fills each rule (severity differs per rule). */
static const struct cfg_field rule_fields[] = {
	{ "enabled", CT_BOOL, 0, 0, RU(enabled), 0, 0, 0, NULL, NULL, NULL },
	{ "severity", CT_ENUM, 0, 0, RU(severity), 0, 0, 0, NULL, NULL, severity_names },
	{ "min-sources", CT_U32, 0, 0, RU(min_sources), 0, 1, 1000, NULL, NULL, NULL },
	{ "raise-after", CT_DUR, 0, 0, RU(raise_after), 0, 0, DAY, NULL, NULL, NULL },
	{ "clear-after", CT_DUR, 0, 0, RU(clear_after), 0, 0, DAY, NULL, NULL, NULL },
	{ "repeat", CT_DUR, 0, 0, RU(repeat), 0, 0, 7 * DAY, NULL, NULL, NULL },
	END
};
static const struct cfg_schema rule_schema = { "detection rule", 0, rule_fields, NULL,
    0 };

#define RULE(i, n)	{ n, CT_NEST, 0, 0, OFF(config_detection, rules) + \
    (i) * sizeof(struct config_rule_cfg), 0, 0, 0, NULL, &rule_schema, NULL }
/* in enum config_rule order, the same names as rule_names[] */
static const struct cfg_field rules_fields[CONFIG_RULE_COUNT + 1] = {
	RULE(0, "hijack"),
	RULE(1, "sub-prefix-hijack"),
	RULE(2, "squatting"),
	RULE(3, "new-neighbor"),
	RULE(4, "new-prefix"),
	RULE(5, "visibility"),
	RULE(6, "peering-visibility"),
	RULE(7, "rpki-invalid"),
	RULE(8, "rpki-not-found"),
	RULE(9, "roa-change"),
	RULE(10, "rtr-health"),
	RULE(11, "route-leak"),
	RULE(12, "path"),
	RULE(13, "bogon"),
	RULE(14, "moas"),
	RULE(15, "source-diff"),
	RULE(16, "session"),
	END
};
static const struct cfg_schema rules_schema = { "detection rules", 0, rules_fields,
    NULL, 0 };

#define RL(m)	OFF(config_relationship, m)
static const struct cfg_field rel_fields[] = {
	{ "asn", CT_ASN, 0, CF_REQUIRED, RL(asn), 0, 0, 0, NULL, NULL, NULL },
	{ "customers", CT_LIST, CT_ASN, 0, RL(customers), RL(ncustomers), 0, 0, NULL,
	    NULL, NULL },
	{ "providers", CT_LIST, CT_ASN, 0, RL(providers), RL(nproviders), 0, 0, NULL,
	    NULL, NULL },
	{ "peers", CT_LIST, CT_ASN, 0, RL(peers), RL(npeers), 0, 0, NULL, NULL, NULL },
	END
};
const struct cfg_schema config_rel_schema = { "relationship",
    sizeof(struct config_relationship), rel_fields, check_relationship, RL(line) };

static const struct cfg_field compare_fields[] = {
	{ "a", CT_STR, 0, CF_REQUIRED, OFF(config_compare, a), 0, 0, 0, NULL, NULL, NULL },
	{ "b", CT_STR, 0, CF_REQUIRED, OFF(config_compare, b), 0, 0, 0, NULL, NULL, NULL },
	{ "min-duration", CT_DUR, 0, 0, OFF(config_compare, min_diff), 0, 0, DAY, "5m",
	    NULL, NULL },
	END
};
static const struct cfg_schema compare_schema = { "source comparison",
    sizeof(struct config_compare), compare_fields, check_compare, 0 };

#define BO(m)	OFF(config_bogons, m)
static const struct cfg_field bogon_fields[] = {
	{ "prefixes", CT_BOOL, 0, 0, BO(prefixes), 0, 0, 0, "true", NULL, NULL },
	{ "asns", CT_BOOL, 0, 0, BO(asns), 0, 0, 0, "true", NULL, NULL },
	{ "extra-prefixes", CT_LIST, CT_PREFIX, 0, BO(extra_prefixes),
	    BO(nextra_prefixes), 0, 0, NULL, NULL, NULL },
	{ "extra-asns", CT_LIST, CT_ASN, 0, BO(extra_asns), BO(nextra_asns), 0, 0, NULL,
	    NULL, NULL },
	END
};
static const struct cfg_schema bogon_schema = { "bogons", 0, bogon_fields,
    check_bogons, 0 };

#define DE(m)	OFF(config_detection, m)
static const struct cfg_field detection_fields[] = {
	{ "rules", CT_NEST, 0, 0, 0, 0, 0, 0, NULL, &rules_schema, NULL },
	{ "relationships", CT_STRUCTS, 0, 0, DE(relationships), DE(nrelationships), 0, 0,
	    NULL, &config_rel_schema, NULL },
	{ "compare", CT_STRUCTS, 0, 0, DE(compare), DE(ncompare), 0, 0, NULL,
	    &compare_schema, NULL },
	{ "rpki-valid-hijack-quiet", CT_BOOL, 0, 0, DE(rpki_valid_hijack_quiet), 0, 0, 0,
	    "true", NULL, NULL },
	{ "bogons", CT_NEST, 0, 0, DE(bogons), 0, 0, 0, NULL, &bogon_schema, NULL },
	{ "max-prepend", CT_U32, 0, 0, DE(max_prepend), 0, 0, 255, "0", NULL, NULL },
	END
};
static const struct cfg_schema detection_schema = { "detection", 0, detection_fields,
    NULL, 0 };

/* --- alerts and outputs ---------------------------------------------------- */

#define AL(m)	OFF(config_alerts, m)
static const struct cfg_field alerts_fields[] = {
	{ "state-file", CT_PATH, 0, 0, AL(state_file), 0, 0, 0, NULL, NULL, NULL },
	{ "json-file", CT_PATH, 0, 0, AL(json_file), 0, 0, 0, NULL, NULL, NULL },
	{ "rate-limit", CT_U32, 0, 0, AL(rate_limit), 0, 0, 100000, "60", NULL, NULL },
	{ "group-window", CT_DUR, 0, 0, AL(group_window), 0, 0, 3600, "10s", NULL, NULL },
	{ "max-paths", CT_U32, 0, 0, AL(max_paths), 0, 1, 100, "5", NULL, NULL },
	{ "max-alerts", CT_U32, 0, 0, AL(max_alerts), 0, 1, 10000000, "10000", NULL,
	    NULL },
	END
};
static const struct cfg_schema alerts_schema = { "alerts", 0, alerts_fields, NULL, 0 };

#define SR(m)	OFF(config_syslog_remote, m)
static const struct cfg_field remote_fields[] = {
	{ "transport", CT_ENUM, 0, 0, SR(transport), 0, 0, 0, "udp", NULL,
	    syslog_transport_names },
	{ "address", CT_HOST, 0, CF_REQUIRED, SR(host), 0, 0, 0, NULL, NULL, NULL },
	{ "port", CT_PORT, 0, CF_OPT, SR(port), 0, 0, 0, NULL, NULL, NULL },
	{ "facility", CT_FACILITY, 0, 0, SR(facility), 0, 0, 0, "local4", NULL, NULL },
	{ "ca-file", CT_PATH, 0, 0, SR(ca_file), 0, 0, 0, NULL, NULL, NULL },
	{ "cert-file", CT_PATH, 0, 0, SR(cert_file), 0, 0, 0, NULL, NULL, NULL },
	{ "key-file", CT_PATH, 0, 0, SR(key_file), 0, 0, 0, NULL, NULL, NULL },
	{ "server-name", CT_HOST, 0, 0, SR(server_name), 0, 0, 0, NULL, NULL, NULL },
	{ "queue-size", CT_U32, 0, 0, SR(queue_size), 0, 1, 1000000, "1000", NULL, NULL },
	{ "template", CT_STR, 0, 0, SR(template), 0, 0, 0, NULL, NULL, NULL },
	END
};
static const struct cfg_schema remote_schema = { "remote syslog target",
    sizeof(struct config_syslog_remote), remote_fields, check_remote, SR(line) };

#define SY(m)	OFF(config_syslog, m)
static const struct cfg_field syslog_fields[] = {
	{ "enabled", CT_BOOL, 0, 0, SY(enabled), 0, 0, 0, "true", NULL, NULL },
	{ "facility", CT_FACILITY, 0, 0, SY(facility), 0, 0, 0, "local4", NULL, NULL },
	{ "ident", CT_STR, 0, 0, SY(ident), 0, 0, 0, "ixwatch", NULL, NULL },
	{ "template", CT_STR, 0, 0, SY(template), 0, 0, 0, NULL, NULL, NULL },
	{ "remote", CT_STRUCTS, 0, 0, SY(remote), SY(nremote), 0, 0, NULL, &remote_schema,
	    NULL },
	END
};
static int check_syslog(struct ctx *, void *, const struct node *);
static const struct cfg_schema syslog_schema = { "syslog output", 0, syslog_fields,
    check_syslog, 0 };

#define SK(m)	OFF(config_snmp_sink, m)
static const struct cfg_field sink_fields[] = {
	{ "address", CT_HOST, 0, CF_REQUIRED, SK(host), 0, 0, 0, NULL, NULL, NULL },
	{ "port", CT_PORT, 0, 0, SK(port), 0, 0, 0, "162", NULL, NULL },
	{ "version", CT_ENUM, 0, 0, SK(version), 0, 0, 0, "2c", NULL, snmp_version_names },
	{ "community", CT_STR, 0, CF_SECRET, SK(community), 0, 0, 0, NULL, NULL, NULL },
	{ "user", CT_STR, 0, 0, SK(user), 0, 0, 0, NULL, NULL, NULL },
	{ "auth", CT_ENUM, 0, 0, SK(auth), 0, 0, 0, "none", NULL, snmp_auth_names },
	{ "auth-passphrase", CT_STR, 0, CF_SECRET, SK(auth_passphrase), 0, 0, 0, NULL,
	    NULL, NULL },
	{ "priv", CT_ENUM, 0, 0, SK(priv), 0, 0, 0, "none", NULL, snmp_priv_names },
	{ "priv-passphrase", CT_STR, 0, CF_SECRET, SK(priv_passphrase), 0, 0, 0, NULL,
	    NULL, NULL },
	{ "inform", CT_BOOL, 0, 0, SK(inform), 0, 0, 0, "false", NULL, NULL },
	{ "retries", CT_U32, 0, 0, SK(retries), 0, 0, 10, "3", NULL, NULL },
	{ "timeout", CT_DUR, 0, 0, SK(timeout), 0, 1, 60, "5s", NULL, NULL },
	END
};
static const struct cfg_schema sink_schema = { "snmp trap sink",
    sizeof(struct config_snmp_sink), sink_fields, check_sink, SK(line) };

#define SN(m)	OFF(config_snmp, m)
static const struct cfg_field snmp_fields[] = {
	{ "enabled", CT_BOOL, 0, 0, SN(enabled), 0, 0, 0, "false", NULL, NULL },
	{ "agentx-socket", CT_STR, 0, 0, SN(agentx_socket), 0, 0, 0, "/var/agentx/master",
	    NULL, NULL },
	{ "enterprise", CT_U32, 0, 0, SN(enterprise), 0, 1, U32MAX, "32473", NULL, NULL },
	{ "engine-id", CT_STR, 0, 0, SN(engine_id), 0, 0, 0, NULL, NULL, NULL },
	{ "traps", CT_STRUCTS, 0, 0, SN(sinks), SN(nsinks), 0, 0, NULL, &sink_schema,
	    NULL },
	END
};
static int check_snmp(struct ctx *, void *, const struct node *);
static const struct cfg_schema snmp_schema = { "snmp output", 0, snmp_fields, check_snmp,
    0 };

static const struct cfg_field outputs_fields[] = {
	{ "syslog", CT_NEST, 0, 0, OFF(config_outputs, syslog), 0, 0, 0, NULL,
	    &syslog_schema, NULL },
	{ "snmp", CT_NEST, 0, 0, OFF(config_outputs, snmp), 0, 0, 0, NULL, &snmp_schema,
	    NULL },
	END
};
static const struct cfg_schema outputs_schema = { "outputs", 0, outputs_fields, NULL,
    0 };

/* --- top level --------------------------------------------------------------- */

static int check_root(struct ctx *, void *, const struct node *);

#define CO(m)	OFF(config, m)
static const struct cfg_field root_fields[] = {
	{ "daemon", CT_NEST, 0, 0, CO(daemon), 0, 0, 0, NULL, &daemon_schema, NULL },
	{ "sources", CT_NEST, 0, 0, CO(sources), 0, 0, 0, NULL, &sources_schema, NULL },
	{ "rpki", CT_NEST, 0, 0, CO(rpki), 0, 0, 0, NULL, &rpki_schema, NULL },
	{ "detection", CT_NEST, 0, 0, CO(detection), 0, 0, 0, NULL, &detection_schema,
	    NULL },
	{ "alerts", CT_NEST, 0, 0, CO(alerts), 0, 0, 0, NULL, &alerts_schema, NULL },
	{ "outputs", CT_NEST, 0, 0, CO(outputs), 0, 0, 0, NULL, &outputs_schema, NULL },
	{ "prefixes-file", CT_PATH, 0, 0, CO(pfx.file), 0, 0, 0, NULL, NULL, NULL },
	END
};
static const struct cfg_schema root_schema = { "the top level", 0, root_fields,
    check_root, 0 };

/* --- checks ------------------------------------------------------------------ */

static unsigned features = CONFIG_FEAT_ALL;

void
config_set_features(unsigned f)
{
	features = f;
}

unsigned
config_features(void)
{
	return features;
}

static const struct node *
key_node(const struct node *map, const char *key)
{
	const struct node *v = map_get(map, key);

	return v ? v : map;
}

/* Source names go into alert keys and key=value syslog lines: keep them plain. */
static int
check_source_name(struct ctx *c, const char *name, const struct node *map)
{
	const char	*s;

	for (s = name; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("._:@-", *s) != NULL))
			return cerr(c, key_node(map, "name"), "source name \"%s\" may only "
			    "contain letters, digits and . _ : @ -", name);
	if (strncmp(name, "bmp:", 4) == 0)
		return cerr(c, key_node(map, "name"), "source names starting with "
		    "\"bmp:\" are reserved for BMP peers");
	if (s - name > 64)
		return cerr(c, key_node(map, "name"), "source name longer than 64 "
		    "characters");
	return 0;
}

static int
check_mrt(struct ctx *c, void *obj, const struct node *map)
{
	return check_source_name(c, ((struct config_mrt *)obj)->name, map);
}

static int
check_neighbor(struct ctx *c, void *obj, const struct node *map)
{
	struct config_bgp_neighbor	*n = obj;
	const struct config_bgp		*bgp = &c->cfg->sources.bgp;

	if (check_source_name(c, n->name, map) == -1)
		return -1;

	if (n->local_as == 0 && (n->local_as = bgp->local_as) == 0)
		return cerr(c, map, "bgp neighbor \"%s\" has no local-as (set it here or "
		    "in sources.bgp)", n->name);
	if (n->router_id.af == PREFIX_AF_NONE && (n->router_id = bgp->router_id).af ==
	    PREFIX_AF_NONE)
		return cerr(c, map, "bgp neighbor \"%s\" has no router-id (set it here or "
		    "in sources.bgp)", n->name);
	if (n->hold_time != 0 && n->hold_time < 3)
		return cerr(c, key_node(map, "hold-time"), "hold-time must be 0 or at "
		    "least 3s (RFC 4271)");
	if (n->local_address.af != PREFIX_AF_NONE && n->local_address.af != n->address.af)
		return cerr(c, key_node(map, "local-address"), "local-address and address "
		    "of bgp neighbor \"%s\" are of different address families", n->name);
	if (n->password != NULL && strlen(n->password) > 80)
		return cerr(c, key_node(map, "password"), "TCP-MD5 password longer than 80 "
		    "characters");
	if (n->passive && bgp->nlisten == 0)
		return cerr(c, key_node(map, "passive"), "passive bgp neighbor \"%s\" needs "
		    "a listen address in sources.bgp.listen", n->name);
	if (!n->ipv4 && !n->ipv6)
		return cerr(c, map, "bgp neighbor \"%s\" has neither ipv4-unicast nor "
		    "ipv6-unicast", n->name);
	return 0;
}

static int
check_cache(struct ctx *c, void *obj, const struct node *map)
{
	struct config_rtr_cache *rc = obj;

	if (rc->transport == CONFIG_RTR_SSH) {
		if (rc->ssh_user == NULL)
			return cerr(c, map, "rtr cache with transport ssh needs ssh-user");
		if (rc->ssh_private_key == NULL)
			return cerr(c, map, "rtr cache with transport ssh needs "
			    "ssh-private-key");
		return 0;
	}
	if (map_get(map, "ssh-user") || map_get(map, "ssh-host-key") ||
	    map_get(map, "ssh-private-key"))
		return cerr(c, map_get(map, "ssh-user") ? map_get(map, "ssh-user") :
		    map_get(map, "ssh-host-key") ? map_get(map, "ssh-host-key") :
		    map_get(map, "ssh-private-key"),
		    "ssh keys are only for transport ssh");
	return 0;
}

static int
check_group(struct ctx *c, void *obj, const struct node *map)
{
	struct config_rtr_group *g = obj;

	if (g->ncaches == 0)
		return cerr(c, key_node(map, "caches"), "rtr cache group has no caches");
	return 0;
}

static int
check_rpki(struct ctx *c, void *obj, const struct node *map)
{
	struct config_rpki	*r = obj;
	const struct node	*gl = map_get(map, "groups");
	size_t			 i, j;

	if (r->expire < r->refresh || r->expire < r->retry)
		return cerr(c, key_node(map, "expire"), "expire must not be shorter than "
		    "refresh and retry (RFC 8210)");
	for (i = 0; i < r->ngroups; i++)
		for (j = 0; j < i; j++)
			if (r->groups[i].preference == r->groups[j].preference)
				return cerr(c, key_node(gl->kids[i], "preference"),
				    "two rtr cache groups with preference %u",
				    r->groups[i].preference);
	return 0;
}

static int
sort_asns(struct ctx *c, const struct node *map, const char *key, uint32_t *v, size_t n)
{
	long	dup;

	if ((dup = u32_sort_unique(v, n)) != -1)
		return cerr(c, key_node(map, key), "AS%u listed twice in %s", v[dup], key);
	return 0;
}

static int
in_list(const uint32_t *v, size_t n, uint32_t x)
{
	return n > 0 && bsearch(&x, v, n, sizeof(x), u32_cmp) != NULL;
}

static int
check_relationship(struct ctx *c, void *obj, const struct node *map)
{
	struct config_relationship	*r = obj;
	size_t				 i;

	if (sort_asns(c, map, "customers", r->customers, r->ncustomers) == -1 ||
	    sort_asns(c, map, "providers", r->providers, r->nproviders) == -1 ||
	    sort_asns(c, map, "peers", r->peers, r->npeers) == -1)
		return -1;
	for (i = 0; i < r->ncustomers; i++)
		if (in_list(r->providers, r->nproviders, r->customers[i]) ||
		    in_list(r->peers, r->npeers, r->customers[i]))
			return cerr(c, key_node(map, "customers"), "AS%u is a customer of "
			    "AS%u and also a provider or peer", r->customers[i], r->asn);
	for (i = 0; i < r->nproviders; i++)
		if (in_list(r->peers, r->npeers, r->providers[i]))
			return cerr(c, key_node(map, "providers"), "AS%u is a provider of "
			    "AS%u and also a peer", r->providers[i], r->asn);
	return 0;
}

static int
check_compare(struct ctx *c, void *obj, const struct node *map)
{
	struct config_compare *cmp = obj;

	if (strcmp(cmp->a, cmp->b) == 0)
		return cerr(c, key_node(map, "b"), "source \"%s\" compared with itself",
		    cmp->a);
	return 0;
}

static int
check_bogons(struct ctx *c, void *obj, const struct node *map)
{
	struct config_bogons *b = obj;

	return sort_asns(c, map, "extra-asns", b->extra_asns, b->nextra_asns);
}

/* A BGPalerter-style template: every ${ closed by a } around a name. */
static int
check_template(struct ctx *c, const char *tmpl, const struct node *map)
{
	size_t	 at;

	if (tmpl == NULL || syslog_template_check(tmpl, &at) == 0)
		return 0;
	return cerr(c, map_get(map, "template"), "template: \"${\" at character %zu "
	    "opens no ${name}", at + 1);
}

static int
check_syslog(struct ctx *c, void *obj, const struct node *map)
{
	return check_template(c, ((struct config_syslog *)obj)->template, map);
}

static int
check_remote(struct ctx *c, void *obj, const struct node *map)
{
	struct config_syslog_remote	*r = obj;
	static const char *const	 tls_only[] = { "ca-file", "cert-file",
	    "key-file", "server-name" };
	size_t				 i;

	if (check_template(c, r->template, map) == -1)
		return -1;

	if (r->transport == CONFIG_SYSLOG_TLS && !(features & CONFIG_FEAT_TLS))
		return cerr(c, key_node(map, "transport"), "transport tls: ixwatchd was "
		    "built without TLS (configure --without-tls)");
	if (r->port == 0)
		r->port = r->transport == CONFIG_SYSLOG_TLS ? 6514 : 514;
	if (r->transport != CONFIG_SYSLOG_TLS) {
		for (i = 0; i < 4; i++)
			if (map_get(map, tls_only[i]) != NULL)
				return cerr(c, map_get(map, tls_only[i]), "%s is only for "
				    "transport tls", tls_only[i]);
		return 0;
	}
	if (r->ca_file == NULL)
		return cerr(c, map, "remote syslog over tls needs ca-file");
	if ((r->cert_file == NULL) != (r->key_file == NULL))
		return cerr(c, map, "cert-file and key-file go together");
	return 0;
}

static int
check_snmp(struct ctx *c, void *obj, const struct node *map)
{
	struct config_snmp	*s = obj;
	size_t			 n;

	if (s->engine_id != NULL) {
		/* RFC 3411 SnmpEngineID: 5..32 octets, in hex here (0x optional) */
		const char *h = s->engine_id;

		if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
			h += 2;
		n = strlen(h);
		if (n % 2 != 0 || n < 10 || n > 64 || strspn(h, "0123456789abcdefABCDEF") != n)
			return cerr(c, map_get(map, "engine-id"), "engine-id: 5 to 32 octets "
			    "in hexadecimal expected (RFC 3411), e.g. 0x80007ed904696e7477617463");
	}
	/* v3 traps go under our one engine id: one key set per user name */
	for (n = 0; n < s->nsinks; n++) {
		const struct config_snmp_sink *a = &s->sinks[n], *b;
		size_t j;

		for (j = 0; j < n && a->version == CONFIG_SNMP_V3 && !a->inform; j++) {
			b = &s->sinks[j];
			if (b->version != CONFIG_SNMP_V3 || b->inform || b->user == NULL ||
			    a->user == NULL || strcmp(a->user, b->user) != 0)
				continue;
			if (a->auth != b->auth || a->priv != b->priv ||
			    !config_str_eq(a->auth_passphrase, b->auth_passphrase) ||
			    !config_str_eq(a->priv_passphrase, b->priv_passphrase))
				return cerr(c, map_get(map, "traps"), "snmp v3 trap sinks %zu and "
				    "%zu: user %s with different auth or priv (traps are sent "
				    "under one engine id: one key set per user)", j + 1, n + 1,
				    a->user);
		}
	}
	if ((features & CONFIG_FEAT_SNMP) || (!s->enabled && s->nsinks == 0))
		return 0;
	return cerr(c, key_node(map, s->enabled ? "enabled" : "traps"), "snmp output: "
	    "ixwatchd was built without SNMP (configure --without-snmp)");
}

static int
check_sink_v3(struct ctx *c, struct config_snmp_sink *s, const struct node *map)
{
	if (s->user == NULL)
		return cerr(c, map, "snmp v3 trap sink needs user");
	if (map_get(map, "community") != NULL)
		return cerr(c, map_get(map, "community"), "community is only for version 2c");
	if (s->auth == CONFIG_SNMP_AUTH_NONE && s->auth_passphrase != NULL)
		return cerr(c, map_get(map, "auth-passphrase"), "auth-passphrase without "
		    "auth (sha or sha-256)");
	if (s->auth != CONFIG_SNMP_AUTH_NONE && (s->auth_passphrase == NULL ||
	    strlen(s->auth_passphrase) < 8))
		return cerr(c, key_node(map, "auth-passphrase"), "auth-passphrase of at "
		    "least 8 characters needed (RFC 3414)");
	if (s->priv == CONFIG_SNMP_PRIV_NONE && s->priv_passphrase != NULL)
		return cerr(c, map_get(map, "priv-passphrase"), "priv-passphrase without "
		    "priv: aes");
	if (s->priv != CONFIG_SNMP_PRIV_NONE && s->auth == CONFIG_SNMP_AUTH_NONE)
		return cerr(c, map_get(map, "priv"), "priv needs auth (no privacy without "
		    "authentication in SNMPv3)");
	if (s->priv != CONFIG_SNMP_PRIV_NONE && (s->priv_passphrase == NULL ||
	    strlen(s->priv_passphrase) < 8))
		return cerr(c, key_node(map, "priv-passphrase"), "priv-passphrase of at "
		    "least 8 characters needed (RFC 3414)");
	return 0;
}

static int
check_sink(struct ctx *c, void *obj, const struct node *map)
{
	struct config_snmp_sink	*s = obj;
	const char		*key;

	if (s->version == CONFIG_SNMP_V3)
		return check_sink_v3(c, s, map);
	if (s->community == NULL)
		return cerr(c, map, "snmp v2c trap sink needs community");
	/* "auth: none" is what the printer writes for v2c, so values, not keys */
	key = s->user ? "user" : s->auth != CONFIG_SNMP_AUTH_NONE ? "auth" :
	    s->auth_passphrase ? "auth-passphrase" : s->priv != CONFIG_SNMP_PRIV_NONE ?
	    "priv" : s->priv_passphrase ? "priv-passphrase" : NULL;
	if (key != NULL)
		return cerr(c, key_node(map, key), "%s is only for version 3", key);
	return 0;
}

/* The n-th item's key node under a list at path (for errors found after parsing). */
static const struct node *
item_key(const struct node *root, const char *a, const char *b, const char *list,
    size_t i, const char *key)
{
	const struct node *n = map_get(root, a);

	if (b != NULL)
		n = map_get(n, b);
	n = map_get(n, list);
	if (n == NULL || n->type != NODE_SEQ || i >= n->nkids)
		return root;
	return key_node(n->kids[i], key);
}

static int
source_names(struct ctx *c, struct config *cfg, const struct node *root)
{
	const struct config_sources	*s = &cfg->sources;
	size_t				 i, j;

	for (i = 0; i < s->bgp.nneighbors; i++)
		for (j = 0; j < i; j++)
			if (strcmp(s->bgp.neighbors[i].name, s->bgp.neighbors[j].name) == 0)
				return cerr(c, item_key(root, "sources", "bgp", "neighbors",
				    i, "name"), "duplicate source name \"%s\"",
				    s->bgp.neighbors[i].name);
	for (i = 0; i < s->nmrt; i++) {
		for (j = 0; j < s->bgp.nneighbors + i; j++)
			if (strcmp(s->mrt[i].name, j < s->bgp.nneighbors ?
			    s->bgp.neighbors[j].name : s->mrt[j - s->bgp.nneighbors].name) == 0)
				return cerr(c, item_key(root, "sources", NULL, "mrt", i,
				    "name"), "duplicate source name \"%s\"", s->mrt[i].name);
	}
	return 0;
}

static int
known_source(const struct config *cfg, const char *name)
{
	size_t	i;

	if (strncmp(name, "bmp:", 4) == 0 && name[4] != '\0')
		return 1;
	for (i = 0; i < cfg->sources.bgp.nneighbors; i++)
		if (strcmp(cfg->sources.bgp.neighbors[i].name, name) == 0)
			return 1;
	for (i = 0; i < cfg->sources.nmrt; i++)
		if (strcmp(cfg->sources.mrt[i].name, name) == 0)
			return 1;
	return 0;
}

static int
rel_cmp(const void *a, const void *b)
{
	const struct config_relationship *x = a, *y = b;

	return x->asn < y->asn ? -1 : x->asn > y->asn;
}

int
config_rel_sort(struct ctx *c, struct config_relationship *r, size_t n,
    const struct node *list)
{
	size_t	i;

	if (n > 1)
		qsort(r, n, sizeof(*r), rel_cmp);
	for (i = 1; i < n; i++)
		if (r[i].asn == r[i - 1].asn) {
			struct node tmp = { .line = r[i].line > r[i - 1].line ? r[i].line :
			    r[i - 1].line, .col = list ? list->col : 1 };
			size_t k;
			/* point at the later of the two entries */
			for (k = 0; list && k < list->nkids; k++)
				if (list->kids[k]->line == tmp.line)
					tmp = *list->kids[k];
			return cerr(c, &tmp, "relationships of AS%u given twice", r[i].asn);
		}
	return 0;
}

static int
check_root(struct ctx *c, void *obj, const struct node *root)
{
	struct config	*cfg = obj;
	size_t		 i;
	char		*s;

	if (source_names(c, cfg, root) == -1)
		return -1;
	for (i = 0; i < cfg->detection.ncompare; i++) {
		const struct config_compare *cmp = &cfg->detection.compare[i];
		const char *bad = !known_source(cfg, cmp->a) ? "a" :
		    !known_source(cfg, cmp->b) ? "b" : NULL;
		if (bad != NULL)
			return cerr(c, item_key(root, "detection", NULL, "compare", i, bad),
			    "unknown source \"%s\" (a bgp neighbor or mrt name, or "
			    "bmp:<router>)", *bad == 'a' ? cmp->a : cmp->b);
	}
	if (config_rel_sort(c, cfg->detection.relationships, cfg->detection.nrelationships,
	    map_get(map_get(root, "detection"), "relationships")) == -1)
		return -1;
	if (cfg->alerts.state_file == NULL) {
		if ((s = resolve_path(cfg->daemon.state_dir, "alerts.state")) == NULL)
			return cerr(c, NULL, "out of memory");
		cfg->alerts.state_file = s;
	}
	return 0;
}

/* --- load, print, free ------------------------------------------------------- */

static void
rules_defaults(struct config_detection *d)
{
	int	i;

	for (i = 0; i < CONFIG_RULE_COUNT; i++) {
		d->rules[i].enabled = 1;
		d->rules[i].severity = rule_severity[i];
		d->rules[i].min_sources = 1;
		d->rules[i].raise_after = 0;
		d->rules[i].clear_after = 300;
		d->rules[i].repeat = 0;
	}
	d->rules[CONFIG_RULE_MOAS].enabled = 0;
	d->rules[CONFIG_RULE_SOURCE_DIFF].enabled = 0;
	d->rules[CONFIG_RULE_RPKI_NOT_FOUND].enabled = 0;
}

/* The directory of path, made absolute. */
static char *
base_dir(const char *path)
{
	char	*copy, *slash, *dir, cwd[PATH_MAX], *abs;

	if ((copy = strdup(path)) == NULL)
		return NULL;
	if ((slash = strrchr(copy, '/')) == NULL)
		strcpy(copy, ".");
	else if (slash == copy)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((dir = realpath(copy, NULL)) != NULL) {
		free(copy);
		return dir;
	}
	if (copy[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return copy;
	abs = resolve_path(cwd, copy);
	free(copy);
	return abs;
}

struct config *
config_load_mem(const char *buf, size_t len, const char *name, struct config_error *err)
{
	struct config	*cfg;
	struct node	*root = NULL;
	struct ctx	 c;

	memset(err, 0, sizeof(*err));
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL)
		goto oom;
	memset(&c, 0, sizeof(c));
	c.err = err;
	c.file = name;
	c.cfg = cfg;
	if ((cfg->path = strdup(name)) == NULL || (cfg->dir = base_dir(name)) == NULL)
		goto oom;
	c.dir = cfg->dir;
	rules_defaults(&cfg->detection);
	if ((root = node_load(&c, buf, len)) == NULL)
		goto fail;
	if (schema_parse(&c, &root_schema, cfg, root) == -1)
		goto fail;
	if (cfg->pfx.file != NULL && prefixes_load(&c, &cfg->pfx, cfg->pfx.file,
	    map_get(root, "prefixes-file")) == -1)
		goto fail;
	node_free(root);
	return cfg;
oom:
	snprintf(err->file, sizeof(err->file), "%s", name);
	snprintf(err->msg, sizeof(err->msg), "out of memory");
fail:
	node_free(root);
	config_free(cfg);
	return NULL;
}

struct config *
config_load(const char *path, struct config_error *err)
{
	struct config	*cfg;
	struct ctx	 c;
	char		*buf;
	size_t		 len;

	memset(err, 0, sizeof(*err));
	memset(&c, 0, sizeof(c));
	c.err = err;
	c.file = path;
	if ((buf = file_slurp(&c, path, &len)) == NULL)
		return NULL;
	cfg = config_load_mem(buf, len, path, err);
	free(buf);
	return cfg;
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	prefixes_free(&cfg->pfx);
	schema_free(&root_schema, cfg);
	free(cfg->path);
	free(cfg->dir);
	free(cfg);
}

int
config_print(FILE *f, const struct config *cfg)
{
	fprintf(f, "# ixwatch configuration, normalized (all defaults explicit)\n");
	schema_print(f, &root_schema, cfg, 0);
	if (cfg->pfx.file != NULL)
		fprintf(f, "# prefixes-file: %zu prefixes, %zu monitored ASes\n",
		    cfg->pfx.nprefixes, cfg->pfx.nasns);
	fflush(f);
	return ferror(f) ? -1 : 0;
}

/* --- accessors ------------------------------------------------------------- */

const struct config_daemon *
config_daemon(const struct config *cfg)
{
	return &cfg->daemon;
}

const struct config_prefix *
config_prefixes(const struct config *cfg, size_t *n)
{
	*n = cfg->pfx.nprefixes;
	return cfg->pfx.prefixes;
}

const struct config_monitor_as *
config_monitor_asns(const struct config *cfg, size_t *n)
{
	*n = cfg->pfx.nasns;
	return cfg->pfx.asns;
}

static int
pfx_key_cmp(const void *key, const void *elem)
{
	return prefix_cmp(key, &((const struct config_prefix *)elem)->prefix);
}

const struct config_prefix *
config_prefix_find(const struct config *cfg, const struct prefix *p)
{
	if (cfg->pfx.nprefixes == 0)
		return NULL;
	return bsearch(p, cfg->pfx.prefixes, cfg->pfx.nprefixes,
	    sizeof(*cfg->pfx.prefixes), pfx_key_cmp);
}

/* Longest monitored prefix covering p (p itself included): one lookup per length. */
const struct config_prefix *
config_prefix_covering(const struct config *cfg, const struct prefix *p)
{
	const struct config_prefix	*hit;
	struct prefix			 q;
	int				 len;

	for (len = p->len; len >= 0; len--) {
		q = *p;
		q.len = (uint8_t)len;
		prefix_mask(&q);
		if ((hit = config_prefix_find(cfg, &q)) != NULL)
			return hit;
	}
	return NULL;
}

static int
asn_key_cmp(const void *key, const void *elem)
{
	uint32_t a = *(const uint32_t *)key, b = *(const uint32_t *)elem;

	return a < b ? -1 : a > b;
}

const struct config_monitor_as *
config_monitor_as_find(const struct config *cfg, uint32_t asn)
{
	if (cfg->pfx.nasns == 0)
		return NULL;
	/* asn is the first member of struct config_monitor_as */
	return bsearch(&asn, cfg->pfx.asns, cfg->pfx.nasns, sizeof(*cfg->pfx.asns),
	    asn_key_cmp);
}

const struct config_relationship *
config_relationship_find(const struct config *cfg, uint32_t asn, int from_prefixes)
{
	const struct config_relationship	*r = cfg->detection.relationships;
	size_t					 n = cfg->detection.nrelationships;

	if (from_prefixes) {
		r = cfg->pfx.relationships;
		n = cfg->pfx.nrelationships;
	}
	if (n == 0)
		return NULL;
	return bsearch(&asn, r, n, sizeof(*r), asn_key_cmp);
}

const struct config_rule_cfg *
config_rule(const struct config *cfg, int r)
{
	return &cfg->detection.rules[r];
}

const char *
config_rule_name(int r)
{
	return (unsigned)r < CONFIG_RULE_COUNT ? rule_names[r] : "?";
}

int
config_rule_lookup(const char *name)
{
	int	i;

	for (i = 0; i < CONFIG_RULE_COUNT; i++)
		if (strcmp(rule_names[i], name) == 0)
			return i;
	return -1;
}

const char *
config_severity_name(int sev)
{
	return sev >= 0 && sev <= CONFIG_SEV_INFO ? severity_names[sev] : "?";
}

int
config_severity_lookup(const char *name)
{
	int	i;

	for (i = 0; severity_names[i] != NULL; i++)
		if (strcmp(severity_names[i], name) == 0)
			return i;
	return -1;
}
