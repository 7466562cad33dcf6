/*
 * The detection engine (agent/detect.h) in the daemon: a loop module that
 * subscribes to the source route and state hooks (agent/source.h), feeds the
 * engine, re-evaluates everything on a config reload, and offers the RPKI side
 * two calls: re-evaluate a subtree after revalidation, and RTR health events.
 * BGP neighbor sources are the "monitored sessions" of rule 8 (RPKI-invalid
 * routes a member propagates on a bilateral session are alerted on).
 * Alerts go to the daemon's alert engine (alertd_engine() when the alert module
 * is linked and started; otherwise a private engine whose transitions are logged).
 */
#ifndef IXW_DETECTD_H
#define IXW_DETECTD_H

#include "agent/loop.h"
#include "bgp/prefix.h"

extern struct loop_module detectd_module;

/* The RPKI glue revalidated the routes under root (a VRP change). */
void	 detectd_revalidated(const struct prefix *root);
/* RTR trouble of kind what on cache starts (bad 1) or ends (bad 0); rule 10. */
void	 detectd_rtr_health(const char *cache, const char *what, int bad,
	    const char *detail);

#endif /* IXW_DETECTD_H */
