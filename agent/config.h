/*
 * Configuration: ixwatch.yml (daemon, sources, RTR caches, outputs, detection defaults)
 * and the BGPalerter-compatible prefixes.yml it points to. Loaded by libyaml into an
 * immutable struct config; a reload builds a new one, checks it and swaps it.
 * Errors name file:line:column (1-based) and say what is wrong in operator terms.
 *
 * The daemon section below is the stable part the daemon skeleton relies on; the rest
 * of struct config is defined by agent/config.c's owner and documented in ixwatch.yml(5).
 */
#ifndef IXW_CONFIG_H
#define IXW_CONFIG_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

struct config_error {
	char	file[1024];
	int	line;		/* 1-based; 0 when the error is not tied to a position */
	int	col;		/* 1-based */
	char	msg[512];
};

/* "file:line:col: msg" (or "file: msg" without a position) into buf. */
const char *config_error_fmt(const struct config_error *, char *buf, size_t len);

struct config_daemon {
	char	*user;			/* drop privileges to this user after binding; NULL: stay */
	char	*group;			/* NULL: the user's primary group */
	char	*pidfile;		/* default IXW_RUNDIR "/ixwatchd.pid" */
	char	*control_socket;	/* default IXW_RUNDIR "/ixwatchd.sock" */
	mode_t	 control_mode;		/* default 0660 */
	char	*control_group;		/* NULL: the daemon's group */
	char	*state_dir;		/* alert/first-seen state; default LOCALSTATEDIR "/lib/ixwatch" */
	int	 log_facility;		/* syslog facility for the daemon's own log (LOG_DAEMON) */
	char	*log_debug;		/* debug subsystems ("bmp,rtr"), NULL for none */
};

struct config;	/* full definition in agent/config_types.h */

/* Do two optional config strings (NULL: not set) say the same? For reloads. */
static inline int
config_str_eq(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* Loads path (and the prefixes.yml it names). NULL on error with *err filled. */
struct config	*config_load(const char *path, struct config_error *err);
void		 config_free(struct config *);
const struct config_daemon *config_daemon(const struct config *);
/* The same from memory (fuzzers, tests); name is used in messages and relative
 * paths resolve against its directory. */
struct config	*config_load_mem(const char *buf, size_t len, const char *name,
		    struct config_error *err);
/* Optional parts a binary may be built without (configure --without-snmp,
 * --without-tls). Config that needs a missing part is refused at its key with
 * "built without ...". The library accepts everything (CONFIG_FEAT_ALL) until the
 * daemon narrows it to what it was built with, before loading. */
#define CONFIG_FEAT_SNMP	0x1u	/* outputs.snmp enabled / traps */
#define CONFIG_FEAT_TLS		0x2u	/* outputs.syslog.remote transport tls */
#define CONFIG_FEAT_ALL		(CONFIG_FEAT_SNMP | CONFIG_FEAT_TLS)
void		 config_set_features(unsigned);
unsigned	 config_features(void);
/* Prints the normalized config as YAML that config_load() reads back to an equal config. */
int		 config_print(FILE *, const struct config *);

/* Prints the monitored prefixes and ASes as a normalized prefixes.yml. */
int		 config_print_prefixes(FILE *, const struct config *);

/* Accessors for the detection engine (types in agent/config_types.h). */
struct config_prefix;
struct config_monitor_as;
struct config_rule_cfg;
/* Monitored prefixes sorted by prefix_cmp(); *n set to the count. */
const struct config_prefix *config_prefixes(const struct config *, size_t *n);
/* Exact lookup, and the longest monitored prefix covering p; NULL if none. */
struct prefix;
const struct config_prefix *config_prefix_find(const struct config *,
		    const struct prefix *);
const struct config_prefix *config_prefix_covering(const struct config *,
		    const struct prefix *);
/* Does rule apply to this prefix (ignore, includeMonitors/excludeMonitors with
 * BGPalerter monitor or ixwatch rule names, ixwatch.disable)? */
int		 config_prefix_rule_enabled(const struct config_prefix *, int rule);
/* options.monitorASns sorted by AS number. */
const struct config_monitor_as *config_monitor_asns(const struct config *, size_t *n);
const struct config_monitor_as *config_monitor_as_find(const struct config *,
		    uint32_t asn);
/* Relationships of asn from ixwatch.yml detection (0) or prefixes.yml (1). */
struct config_relationship;
const struct config_relationship *config_relationship_find(const struct config *,
		    uint32_t asn, int from_prefixes);
/* Thresholds of one rule (an enum config_rule). */
const struct config_rule_cfg *config_rule(const struct config *, int rule);
const char	*config_rule_name(int rule);
int		 config_rule_lookup(const char *);	/* -1 if unknown */
const char	*config_severity_name(int);
int		 config_severity_lookup(const char *);

#endif /* IXW_CONFIG_H */
