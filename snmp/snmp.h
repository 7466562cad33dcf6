/*
 * SNMP: ixwatchd as an AgentX subagent (RFC 2741) of the system's snmpd, serving
 * IXWATCH-MIB (general scalars, counters, sources, RTR caches, alerts), and the
 * sender of IXWATCH-MIB notifications (RFC 3416 SNMPv2-Trap / InformRequest) to the
 * configured trap sinks with SNMPv2c communities or SNMPv3 USM (RFC 3414, RFC 7860
 * SHA-256, RFC 3826 AES). net-snmp's sockets and alarms run on the loop (loop.h).
 *
 * snmp/snmp.c is the only translation unit that includes net-snmp headers; this
 * API is all the rest of the daemon sees. Everything runs on the loop thread.
 *
 * The module reads the daemon's state through providers set by the daemon (so it
 * depends on no other module's globals): sources come from agent/source.h directly.
 */
#ifndef IXW_SNMP_H
#define IXW_SNMP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "agent/alert.h"
#include "agent/loop.h"

struct rtr_cache_status;

/* ixwatchd's own status (ixwatchGeneral). */
struct snmp_daemon_info {
	const char	*version;
	time_t		 started;
	time_t		 config_loaded;
	uint32_t	 reloads;		/* attempted, successful or not */
	uint32_t	 reload_failures;
};

/*
 * The daemon-wide counters (ixwatchCounters), filled by the daemon so that
 * "ixwatchctl show status" and the MIB report the same numbers from one place.
 */
struct snmp_daemon_counters {
	uint64_t	 updates;		/* UPDATE messages (or MRT/BMP route
						   monitoring records) of every source */
	uint32_t	 routes;
	uint32_t	 prefixes4, prefixes6;
	uint32_t	 alerts_active;
	uint32_t	 alerts_raised;
	uint32_t	 alerts_cleared;
	uint32_t	 alerts_suppressed;
	uint32_t	 syslog_queued;		/* messages held by remote syslog queues */
	uint64_t	 syslog_dropped;	/* ... dropped because a queue was full */
};

/* Where the subagent reads state it does not own; any member may be NULL. */
struct snmp_providers {
	void		 (*daemon)(struct snmp_daemon_info *);
	void		 (*counters)(struct snmp_daemon_counters *);
	/* The alert engine (NULL while there is none): alert table and counters. */
	const struct alert_engine *(*alerts)(void);
	/* VRPs held, duplicates counted once (ixwatchVrps). */
	size_t		 (*vrps)(void);
	/* Status of up to n RTR caches into st; returns the number of caches. */
	size_t		 (*rtr_caches)(struct rtr_cache_status *st, size_t n);
};

/* The loop module (outputs.snmp): register it in ixwatchd.c. */
extern struct loop_module snmp_module;

/* Copies the provider table (call before loop_modules_start()). */
void	 snmp_set_providers(const struct snmp_providers *);

/*
 * Alert fan-out: sends ixwatchAlertRaised (raised, updated, repeat) or
 * ixwatchAlertCleared to every trap sink (and to the AgentX master when no sink is
 * configured). SUPPRESSED summaries are not sent. Safe to call while SNMP is off
 * (does nothing). Signature fits alertd_subscribe() with a NULL arg wrapper.
 */
void	 snmp_notify_alert(const struct alert *, enum alert_transition);

/*
 * RTR health changed (fits rpkid_subscribe_health() through a wrapper): looks at
 * every cache now and sends ixwatchRtrCacheStateChange for each cache whose
 * IXWATCH-MIB state differs from the last one seen. The module also looks once a
 * second, so changes that leave the health flags alone are reported too.
 */
void	 snmp_notify_rtr(void);

/* Notification counters (ixwatchNotificationsSent / Dropped). */
struct snmp_counters {
	uint32_t	 sent;		/* traps sent, informs acknowledged */
	uint32_t	 dropped;	/* queue full, inform expired, send failed */
	uint32_t	 informs_pending;
	int		 agentx_connected;
	uint32_t	 agentx_connects;
};
void	 snmp_counters_get(struct snmp_counters *);

/* IXWATCH-MIB IxwatchRule for an alert rule (alert.h numbering may differ). */
int	 snmp_mib_rule(enum alert_rule);

#endif /* IXW_SNMP_H */
