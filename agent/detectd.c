/*
 * Detection in the daemon (see agent/detectd.h): glue between the sources'
 * hooks, the detection engine and the alert engine. Everything on the loop thread.
 */
#include <string.h>
#include <time.h>

#include "agent/alert.h"
#include "agent/config.h"
#include "agent/config_types.h"
#include "agent/detect.h"
#include "agent/detectd.h"
#include "agent/log.h"
#include "agent/loop.h"
#include "agent/source.h"
#include "bgp/rib.h"

/* The alert module (agent/alertd.h), when it is linked in. */
struct alert_engine	*alertd_engine(void) __attribute__((weak));
uint64_t		 alertd_now(void) __attribute__((weak));
void			 alertd_kick(void) __attribute__((weak));

static const struct config *dd_cfg;

static struct {
	struct detect		*d;
	struct alert_engine	*ae;
	int			 own;		/* ae is ours (no alert module) */
	struct loop_event	*tick;
	struct loop_event	*rescan;	/* the sliced rescan after a reload */
	int			 kick_pending;
	int			 hooked;
	uint64_t		 route_now;	/* the clock at this iteration's first route */
} dd;

static uint64_t
now_ms(void)
{
	struct timespec ts;

	if (alertd_now != NULL && !dd.own)
		return alertd_now();
#ifdef CLOCK_REALTIME_COARSE
	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
#else
	clock_gettime(CLOCK_REALTIME, &ts);
#endif
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
arm_tick(void)
{
	uint64_t next = alert_next_deadline(dd.ae), now = now_ms();

	if (dd.tick == NULL)
		return;
	loop_event_del(dd.tick);
	if (next != UINT64_MAX)
		loop_timer_add(dd.tick, next > now ? (unsigned long)(next - now) : 0);
}

static void
tick_cb(int fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	alert_tick(dd.ae, now_ms());
	arm_tick();
}

static void
kick_cb(void *arg)
{
	(void)arg;
	dd.kick_pending = 0;
	if (!dd.own) {
		if (alertd_kick != NULL)
			alertd_kick();
		return;
	}
	alert_tick(dd.ae, now_ms());
	arm_tick();
}

/* One kick per loop iteration however many routes changed. */
static void
kick(void)
{
	if (dd.kick_pending)
		return;
	if (loop_defer(kick_cb, NULL) == 0)
		dd.kick_pending = 1;
}

static void
own_emit(const struct alert *a, enum alert_transition tr, void *arg)
{
	char k[ALERT_KEY_STRLEN];

	(void)arg;
	log_info("alert %s id=%u %s severity=%s%s%s", alert_transition_name(tr), a->id,
	    alert_key_fmt(&a->key, k, sizeof(k)), alert_severity_name(a->severity),
	    a->description[0] ? " " : "", a->description);
}

static uint32_t
map_source(uint16_t rib_id, void *arg)
{
	struct source *s = source_by_rib_id(rib_id);

	(void)arg;
	return s != NULL ? s->id : rib_id;
}

static void
on_route(const struct source *s, const struct prefix *p, uint32_t path_id,
    const struct rib_attrs *a, void *arg)
{
	(void)path_id;
	(void)arg;
	if (dd.d == NULL || s->rib_id == 0)
		return;
	/* one clock read per loop iteration (the routes of one read arrived
	 * together): a kick pending means this iteration read it already */
	if (!dd.kick_pending)
		dd.route_now = now_ms();
	detect_route_state(dd.d, s->rib_id, p, a, source_route_state(), dd.route_now);
	kick();
}

#define SLICE_MS	4.0	/* a rescan slice stops after about this long */
#define SLICE_STEP	512	/* prefixes between clock reads */

static double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One slice of the rescan after a reload: the loop keeps serving sessions
 * between slices (as the RPKI revalidation does). */
static void
rescan_cb(int fd, short what, void *arg)
{
	double	t0 = mono_ms();
	int	more;

	(void)fd;
	(void)what;
	(void)arg;
	if (dd.d == NULL)
		return;
	while ((more = detect_reload_step(dd.d, SLICE_STEP, now_ms())) &&
	    mono_ms() - t0 < SLICE_MS)
		;
	if (more)
		loop_timer_add(dd.rescan, 0);
	else
		log_debug(LOG_SUB_DETECT, "rescan after reload done");
	kick();
}

static const struct config_bgp_neighbor *
neighbor_of(const struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->sources.bgp.nneighbors; i++)
		if (strcmp(cfg->sources.bgp.neighbors[i].name, name) == 0)
			return &cfg->sources.bgp.neighbors[i];
	return NULL;
}

/* The RFC 9234 role to judge a source's routes by: a BGP neighbor's own; for a
 * BMP peer, rs-client when its AS is that of a route server we are a configured
 * rs-client of (the monitored router is a member of the same IXP). */
static int
source_role(const struct config *cfg, const struct source *s)
{
	const struct config_bgp_neighbor	*nb;
	size_t					 i;

	if (s->type == SOURCE_BGP)
		return (nb = neighbor_of(cfg, s->name)) != NULL ? nb->role :
		    CONFIG_ROLE_NONE;
	for (i = 0; s->peer_as != 0 && i < cfg->sources.bgp.nneighbors; i++)
		if (cfg->sources.bgp.neighbors[i].role == CONFIG_ROLE_RS_CLIENT &&
		    cfg->sources.bgp.neighbors[i].remote_as == s->peer_as)
			return CONFIG_ROLE_RS_CLIENT;
	return CONFIG_ROLE_NONE;
}

static void
on_state(const struct source *s, enum source_state old, void *arg)
{
	uint64_t	now = now_ms();

	(void)arg;
	if (dd.d == NULL)
		return;
	if (s->rib_id != 0 && s->state != SOURCE_DOWN)
		detect_source_set(dd.d, s->rib_id, source_role(dd_cfg, s), s->peer_as,
		    s->name, s->type == SOURCE_BGP);
	if (s->state == SOURCE_DOWN && old != SOURCE_DOWN && old != SOURCE_CONNECTING)
		detect_source_state(dd.d, s->id, s->name, 0,
		    s->last_error[0] ? s->last_error : "down", now);
	else if (s->state == SOURCE_UP || s->state == SOURCE_SYNCING)
		detect_source_state(dd.d, s->id, s->name, 1, NULL, now);	/* back */
	kick();
}

static void
on_flush(const struct source *s, int removed, void *arg)
{
	(void)arg;
	if (dd.d == NULL || s->rib_id == 0)
		return;
	if (removed)
		detect_source_gone(dd.d, s->rib_id, now_ms());
	else
		detect_source_flush(dd.d, s->rib_id, now_ms());
	kick();
}

/* Engine and rule indexes; the alert module's engine when there is one. */
static int
attach(const struct config *cfg)
{
	struct detect_params p;

	dd.own = 0;
	dd.ae = alertd_engine != NULL ? alertd_engine() : NULL;
	if (dd.ae == NULL) {
		if ((dd.ae = alert_engine_new(NULL, own_emit, NULL)) == NULL ||
		    (dd.tick = loop_timer_new(tick_cb, NULL)) == NULL) {
			log_warnx("detect: cannot create the alert engine");
			return -1;
		}
		dd.own = 1;
		detect_policies_apply(dd.ae, cfg);
		log_info("detect: no alert module, transitions go to the log");
	}
	memset(&p, 0, sizeof(p));
	p.rule_enabled = config_prefix_rule_enabled;
	p.source_id = map_source;
	p.moas_all = 1;
	if ((dd.d = detect_new(source_rib(), dd.ae, cfg, &p)) == NULL) {
		log_warnx("detect: cannot build the rule indexes");
		return -1;
	}
	return 0;
}

/* The alert module starts after us: attach once every module has started
 * (before the loop delivers the first route). */
static void
attach_later(void *arg)
{
	(void)arg;
	if (dd.d == NULL && dd_cfg != NULL && attach(dd_cfg) == -1)
		log_warnx("detect: detection is off");
}

static int
detectd_start(const struct config *cfg)
{
	dd_cfg = cfg;
	if (source_init() == -1)
		return -1;
	if (!dd.hooked) {
		if (source_subscribe_routes(on_route, NULL) == -1 ||
		    source_subscribe_state(on_state, NULL) == -1 ||
		    source_subscribe_flush(on_flush, NULL) == -1) {
			log_warnx("detect: cannot subscribe to the sources");
			return -1;
		}
		dd.hooked = 1;
	}
	if (alertd_engine != NULL && alertd_engine() == NULL)
		return loop_defer(attach_later, NULL);
	return attach(cfg);
}

static int
detectd_reload(const struct config *newc, const struct config *old)
{
	struct source	*s;
	int		 rc;

	(void)old;
	if (dd.d == NULL)
		return 0;
	dd_cfg = newc;
	if (dd.own)
		detect_policies_apply(dd.ae, newc);
	for (s = source_next(NULL); s != NULL; s = source_next(s))
		if (s->rib_id != 0 && s->state != SOURCE_DOWN)
			detect_source_set(dd.d, s->rib_id, source_role(newc, s),
			    s->peer_as, s->name, s->type == SOURCE_BGP);
	rc = detect_reload_begin(dd.d, newc, now_ms());
	if (dd.rescan == NULL && (dd.rescan = loop_timer_new(rescan_cb, NULL)) == NULL)
		detect_reload_step(dd.d, 0, now_ms());	/* no timer: in one pass */
	else if (!loop_event_pending(dd.rescan))
		loop_timer_add(dd.rescan, 0);
	if (rc == -1) {
		log_warnx("detect: reload: cannot build the rule indexes");
		return -1;
	}
	kick();
	return 0;
}

static void
detectd_stop(void)
{
	detect_free(dd.d);
	dd.d = NULL;
	dd_cfg = NULL;
	loop_event_free(dd.tick);
	dd.tick = NULL;
	loop_event_free(dd.rescan);
	dd.rescan = NULL;
	if (dd.own)
		alert_engine_free(dd.ae);
	dd.ae = NULL;
}

void
detectd_revalidated(const struct prefix *root)
{
	if (dd.d == NULL)
		return;
	detect_rescan(dd.d, root, now_ms());
	kick();
}

void
detectd_rtr_health(const char *cache, const char *what, int bad, const char *detail)
{
	if (dd.d == NULL)
		return;
	detect_rtr_health(dd.d, cache, what, bad, detail, now_ms());
	kick();
}

struct loop_module detectd_module = {
	.name = "detect",
	.start = detectd_start,
	.reload = detectd_reload,
	.stop = detectd_stop,
};
