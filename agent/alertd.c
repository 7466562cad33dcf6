/*
 * The daemon's alert engine on the loop (see alertd.h): engine life cycle, policies
 * from the configuration, the tick and state-file timers, the fan-out of transitions
 * to the outputs and the "show alerts" / "test-alert" control commands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/alert_file.h"
#include "agent/alertd.h"
#include "agent/config.h"
#include "agent/config_types.h"
#include "agent/detect.h"
#include "agent/control.h"
#include "agent/json.h"
#include "agent/log.h"
#include "agent/output_format.h"
#include "agent/output_json.h"
#include "agent/output_syslog.h"
#include "bgp/prefix.h"

#define SAVE_INTERVAL_MS	60000
#define SUBSCRIBERS_MAX		8

static struct {
	struct alert_engine	*e;
	struct loop_event	*tick, *save;
	struct alert_file	 file;
	char			*state_path;
	uint32_t		 test_seq;
	uint64_t		 transitions;
	struct {
		alertd_output_fn fn;
		void		*arg;
	}			 subs[SUBSCRIBERS_MAX];
	size_t			 nsubs;
} ad;

uint64_t
alertd_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct alert_engine *
alertd_engine(void)
{
	return ad.e;
}

int
alertd_subscribe(alertd_output_fn fn, void *arg)
{
	if (ad.nsubs == SUBSCRIBERS_MAX)
		return -1;
	ad.subs[ad.nsubs].fn = fn;
	ad.subs[ad.nsubs].arg = arg;
	ad.nsubs++;
	return 0;
}

static void
emit(const struct alert *a, enum alert_transition tr, void *arg)
{
	size_t	 i;

	(void)arg;
	ad.transitions++;
	output_syslog_alert(a, tr);
	output_json_alert(a, tr);
	for (i = 0; i < ad.nsubs; i++)
		ad.subs[i].fn(a, tr, ad.subs[i].arg);
}

void
alertd_kick(void)
{
	uint64_t	 next, now;

	if (ad.e == NULL || ad.tick == NULL)
		return;
	next = alert_next_deadline(ad.e);
	if (next == UINT64_MAX) {
		loop_event_del(ad.tick);
		return;
	}
	now = alertd_now();
	loop_timer_add(ad.tick, next > now ? (unsigned long)(next - now) : 0);
}

static void
on_tick(int fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	alert_tick(ad.e, alertd_now());
	alertd_kick();
}

static void
save_state(int force)
{
	if (ad.e == NULL || ad.state_path == NULL)
		return;
	if (alert_file_save(&ad.file, ad.e, alertd_now(), force) == -1)
		log_warn("alerts state-file %s", ad.state_path);
}

static void
on_save(int fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	save_state(0);
	loop_timer_add(ad.save, SAVE_INTERVAL_MS);
}

/* Per-rule policies from detection.rules and alerts.*. */
static void
set_policies(const struct config *conf)
{
	struct alert_policy		 p;
	const struct config_rule_cfg	*rc;
	uint32_t			 group = conf->alerts.group_window * 1000;
	enum alert_rule			 ar;
	int				 i;

	for (i = 0; i < CONFIG_RULE_COUNT; i++) {
		/* ROA changes have no alert rule of their own */
		if ((ar = detect_alert_rule(i)) == ALERT_RULE_NONE)
			continue;
		rc = &conf->detection.rules[i];
		alert_policy_default(ar, &p);
		p.enabled = rc->enabled != 0;
		/* config_severity critical(0)..info(4) is IxwatchSeverity 1..5 */
		p.severity = (uint8_t)(rc->severity + 1);
		p.min_sources = rc->min_sources ? rc->min_sources : 1;
		p.raise_holddown = rc->raise_after * 1000 > group ? rc->raise_after * 1000 :
		    group;
		p.clear_holddown = rc->clear_after * 1000;
		p.repeat_interval = rc->repeat * 1000;
		p.rate_per_min = conf->alerts.rate_limit;
		p.rate_burst = conf->alerts.rate_limit ? conf->alerts.rate_limit : 0;
		if (alert_policy_set(ad.e, ar, &p) == -1)
			log_warnx("alerts: policy for %s refused",
			    alert_rule_name(ar));
	}
}

uint32_t
alertd_test(void)
{
	struct alert_evidence	 ev;
	struct alert_key	 k;
	struct prefix		 p;
	const struct alert	*a;
	char			 disc[ALERT_DISC_MAX];
	uint64_t		 now = alertd_now();
	uint32_t		 id;

	if (ad.e == NULL)
		return 0;
	snprintf(disc, sizeof(disc), "%llu-%u", (unsigned long long)now, ++ad.test_seq);
	alert_key_init(&k, ALERT_RULE_TEST, "192.0.2.0/24", 64496, 0, disc);
	memset(&p, 0, sizeof(p));
	if (prefix_parse("192.0.2.0/24", &p) == -1)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.severity = ALERT_SEV_INFO;
	ev.as_path = "64511 64496";
	ev.description = "ixwatch test alert";
	if (alert_assert(ad.e, &k, 0, &p, &ev, now) == -1)
		return 0;
	alert_tick(ad.e, now);
	if ((a = alert_find_key(ad.e, &k)) == NULL || a->state != ALERT_ST_RAISED) {
		alert_retract(ad.e, &k, 0, &p, now);
		alert_tick(ad.e, now);
		alertd_kick();
		return 0;
	}
	id = a->id;
	alert_retract(ad.e, &k, 0, &p, now);
	alert_tick(ad.e, now);
	alertd_kick();
	return id;
}

static int
cmd_test(int argc, char *const *argv, struct control_reply *r, void *arg)
{
	struct json	*j = control_reply_json(r);
	uint64_t	 before = ad.transitions;
	uint32_t	 id;

	(void)argv;
	(void)arg;
	if (argc != 0)
		return control_reply_error(r, "usage: test-alert");
	if ((id = alertd_test()) == 0)
		return control_reply_error(r, "test alert not raised (rule test disabled or "
		    "rate limited?)");
	json_uint(j, "id", id);
	json_string(j, "rule", "test");
	json_uint(j, "transitions", ad.transitions - before);
	json_string(j, "result", "raised and cleared through every configured output");
	return 0;
}

static void
alert_json(struct json *j, const struct alert *a)
{
	char	 buf[PREFIX_STRLEN + ALERT_KEY_STRLEN];

	json_object_open(j, NULL);
	json_uint(j, "id", a->id);
	json_string(j, "state", alert_state_name(a->state));
	json_string(j, "rule", alert_rule_name(a->key.rule));
	json_string(j, "severity", alert_severity_name(a->severity));
	json_string(j, "victim", a->key.victim);
	if (a->key.offender != 0)
		json_stringf(j, "offender", "AS%u", a->key.offender);
	else
		json_string(j, "offender", "");
	json_string(j, "prefix", output_prefix(a, buf, sizeof(buf)));
	json_uint(j, "prefixes", a->nprefixes);
	json_uint(j, "sources", a->nsources);
	output_time(a->first_seen, buf, sizeof(buf));
	json_string(j, "first_seen", buf);
	output_time(a->last_seen, buf, sizeof(buf));
	json_string(j, "last_seen", buf);
	json_string(j, "reason", a->state == ALERT_ST_CLEARED ||
	    a->state == ALERT_ST_CLEAR_PENDING ? alert_reason_name(a->reason) : "");
	json_close(j);
}

static int
cmd_show(int argc, char *const *argv, struct control_reply *r, void *arg)
{
	struct json		*j = control_reply_json(r);
	const struct alert	*a;
	int			 all = 0;
	uint32_t		 n = 0;

	(void)arg;
	if (argc == 1 && strcmp(argv[0], "--all") == 0)
		all = 1;
	else if (argc != 0)
		return control_reply_error(r, "usage: show alerts [--all]");
	if (ad.e == NULL)
		return control_reply_error(r, "the alert engine is not running");
	json_array_open(j, "alerts");
	for (a = alert_first(ad.e); a != NULL; a = alert_next(ad.e, a)) {
		if (!all && a->state == ALERT_ST_CLEARED)
			continue;
		alert_json(j, a);
		n++;
	}
	json_close(j);
	json_uint(j, "count", n);
	return 0;
}

static int
alertd_bind(const struct config *conf)
{
	(void)conf;
	if (control_register("show alerts", "[--all]", "active alerts (--all: with the "
	    "cleared ones kept in history)", cmd_show, NULL) == -1 ||
	    control_register("test-alert", "", "send a test alert (raise, then clear) "
	    "through every output", cmd_test, NULL) == -1) {
		log_warnx("alerts: cannot register the commands");
		return -1;
	}
	return 0;
}

static int
alertd_start(const struct config *conf)
{
	struct alert_engine_params	 params;
	int				 rv;

	/* the engine's defaults, with the configured bound on open alerts */
	memset(&params, 0, sizeof(params));
	params.history_max = 256;
	params.firstseen_max = 65536;
	params.restore_grace = 300 * 1000;
	params.obs_max_per_alert = 16384;
	params.obs_max = 65536;
	params.alerts_max = conf->alerts.max_alerts;
	if ((ad.e = alert_engine_new(&params, emit, NULL)) == NULL) {
		log_warnx("alerts: cannot create the engine");
		return -1;
	}
	set_policies(conf);
	if (output_syslog_start(conf) == -1)
		log_warnx("alerts: some syslog outputs are not available");
	if (output_json_start(conf) == -1)
		log_warnx("alerts: the json-file output is not available");
	if (conf->alerts.state_file != NULL) {
		if ((ad.state_path = strdup(conf->alerts.state_file)) == NULL)
			return -1;
		memset(&ad.file, 0, sizeof(ad.file));
		ad.file.path = ad.state_path;
		ad.file.min_interval = SAVE_INTERVAL_MS;
		rv = alert_file_load(ad.state_path, ad.e, alertd_now());
		if (rv == -1)
			log_warnx("alerts state-file %s refused; starting without it",
			    ad.state_path);
		else if (rv == 0)
			log_info("alerts: state restored from %s", ad.state_path);
	}
	if ((ad.tick = loop_timer_new(on_tick, NULL)) == NULL ||
	    (ad.save = loop_timer_new(on_save, NULL)) == NULL)
		return -1;
	loop_timer_add(ad.save, SAVE_INTERVAL_MS);
	alertd_kick();
	return 0;
}

static int
alertd_reload(const struct config *newconf, const struct config *old)
{
	const char	*ns = newconf->alerts.state_file, *os = old->alerts.state_file;
	int		 rv = 0;

	if (ad.e == NULL)
		return 0;
	if ((ns == NULL) != (os == NULL) || (ns != NULL && strcmp(ns, os) != 0) ||
	    newconf->alerts.max_alerts != old->alerts.max_alerts)
		log_warnx("alerts: changes to state-file or max-alerts take effect at the "
		    "next restart");
	set_policies(newconf);
	if (output_syslog_reload(newconf) == -1)
		rv = -1;
	if (output_json_reload(newconf) == -1)
		rv = -1;
	alertd_kick();
	return rv;
}

static void
alertd_stop(void)
{
	save_state(1);
	loop_event_free(ad.tick);
	loop_event_free(ad.save);
	ad.tick = ad.save = NULL;
	output_syslog_stop();
	output_json_stop();
	alert_engine_free(ad.e);
	ad.e = NULL;
	free(ad.state_path);
	ad.state_path = NULL;
}

static void
alertd_status(struct json *j)
{
	struct alert_counters	 c;

	if (ad.e == NULL)
		return;
	alert_counters_get(ad.e, ALERT_RULE_NONE, &c);
	json_uint(j, "active", c.active);
	json_uint(j, "pending", c.pending);
	json_uint(j, "raised", c.raised);
	json_uint(j, "updated", c.updated);
	json_uint(j, "cleared", c.cleared);
	json_uint(j, "suppressed", c.suppressed);
	json_uint(j, "emitted", c.emitted);
	json_uint(j, "refused", c.refused);
	json_uint(j, "history", alert_history_count(ad.e));
	json_object_open(j, "outputs");
	output_syslog_status(j);
	output_json_status(j);
	json_close(j);
}

struct loop_module alertd_module = {
	.name = "alerts",
	.bind = alertd_bind,
	.start = alertd_start,
	.reload = alertd_reload,
	.stop = alertd_stop,
	.status = alertd_status,
};
