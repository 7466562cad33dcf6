/*
 * ixwatchd: start-up (options, config check, pidfile, daemonizing, binding the
 * listeners as root, privilege drop), reload (SIGHUP or "ixwatchctl reload": a new
 * config is loaded and checked, the running one is kept on error) and shutdown.
 * The control commands "show status" and "reload" live here.
 */
#include <errno.h>
#include <getopt.h>
#include <libutil.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_MALLOPT
#include <malloc.h>
#endif

#include "agent/bmp_collector.h"
#include "agent/alertd.h"
#include "agent/bgp_session.h"
#include "agent/config.h"
#include "agent/control.h"
#include "agent/daemon.h"
#include "agent/detectd.h"
#include "agent/json.h"
#include "agent/log.h"
#include "agent/loop.h"
#include "agent/mrt_replay.h"
#include "agent/output_queue.h"
#include "agent/output_syslog.h"
#include "agent/source.h"
#include "agent/source_ctl.h"
#include "agent/rpkid.h"
#include "bgp/rib.h"
#include "snmp/snmp.h"	/* types only; the module needs HAVE_SNMP */
#if defined(HAVE_UNVEIL) || defined(HAVE_PLEDGE)
#include "agent/config_types.h"	/* the paths sandbox() unveils */
#endif
#ifdef HAVE_TLS
#include "agent/tls_mbedtls.h"
#endif

#define DEFAULT_CONFIG	SYSCONFDIR "/ixwatch/ixwatch.yml"

static struct {
	char			*conffile;
	struct config		*conf;
	struct daemon_ids	 ids;
	int			 debug_cli;	/* -D given: ignore the config's log-debug */
	time_t			 started;
	time_t			 loaded_at;
	unsigned		 reloads;	/* successful */
	unsigned		 reload_failures;
	time_t			 last_reload;
	int			 last_reload_ok;	/* 1 ok, 0 refused, 2 partly applied */
	char			 last_reload_error[1024];
	/* notification counters of the SNMP module, NULL without it */
	void			(*notif_counters)(struct snmp_counters *);
	struct loop_event	*trim;		/* returns the RIB's untouched memory */
} d;

/* every second while routes pour in, every 10 s when quiet */
#define TRIM_BUSY_MS	1000
#define TRIM_QUIET_MS	10000

static void
on_trim(int fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	loop_timer_add(d.trim, rib_memory_trim() ? TRIM_BUSY_MS : TRIM_QUIET_MS);
}

static void
usage(void)
{
	fprintf(stderr, "usage: ixwatchd [-dnvV] [-D subsystem[,subsystem]] [-f file]\n");
	exit(2);
}

/* The optional parts this binary was built with (configure --with[out]-snmp/-tls),
 * for -V and "show status": "snmp tls=mbedtls-3.6.6", "snmp=no tls=no". */
static const char *
features(void)
{
#ifdef HAVE_SNMP
	const char	*snmp = "snmp";
#else
	const char	*snmp = "snmp=no";
#endif
	static char	 buf[128];

#ifdef HAVE_TLS
	snprintf(buf, sizeof(buf), "%s tls=mbedtls-%s", snmp, tls_library_version());
#else
	snprintf(buf, sizeof(buf), "%s tls=no", snmp);
#endif
	return buf;
}

static void
iso_time(time_t t, char *buf, size_t len)
{
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Loads the config; on error formats "file:line:col: message" into err. */
static struct config *
load(const char *path, char *err, size_t errlen)
{
	struct config_error	 ce;
	struct config		*conf;

	memset(&ce, 0, sizeof(ce));
	if ((conf = config_load(path, &ce)) == NULL)
		config_error_fmt(&ce, err, errlen);
	return conf;
}

static void
apply_debug(const struct config *conf)
{
	const struct config_daemon	*cd = config_daemon(conf);
	const char			*bad;

	if (d.debug_cli)
		return;
	log_debug_mask = 0;
	if (cd->log_debug != NULL && log_debug_parse(cd->log_debug, &bad) == -1)
		log_warnx("log-debug: unknown subsystem %s", bad);
}

/* Settings that only take effect at start-up. */
static void
warn_restart_needed(const struct config *newc, const struct config *old)
{
	const struct config_daemon	*n = config_daemon(newc), *o = config_daemon(old);

#define DIFFERS(a, b) (((a) == NULL) != ((b) == NULL) || ((a) && strcmp((a), (b)) != 0))
	if (DIFFERS(n->user, o->user) || DIFFERS(n->group, o->group) ||
	    DIFFERS(n->pidfile, o->pidfile) || DIFFERS(n->control_socket, o->control_socket) ||
	    DIFFERS(n->control_group, o->control_group) || n->control_mode != o->control_mode ||
	    DIFFERS(n->state_dir, o->state_dir) || n->log_facility != o->log_facility)
		log_warnx("reload: changes to user, group, pidfile, control socket, state-dir "
		    "or log facility take effect at the next restart");
#undef DIFFERS
}

/* Builds a new config and swaps it in; the running one stays on error. */
static int
reload(char *err, size_t errlen)
{
	struct config	*newc, *old;

	d.last_reload = time(NULL);
	if ((newc = load(d.conffile, err, errlen)) == NULL) {
		d.reload_failures++;
		d.last_reload_ok = 0;
		snprintf(d.last_reload_error, sizeof(d.last_reload_error), "%s", err);
		log_warnx("reload failed, keeping the running configuration: %s", err);
		return -1;
	}
	old = d.conf;
	d.conf = newc;
	d.loaded_at = d.last_reload;
	d.last_reload_ok = 1;
	d.last_reload_error[0] = '\0';
	warn_restart_needed(newc, old);
	apply_debug(newc);
	if (loop_modules_reload(newc, old) == -1) {
		/* a module refused its part (e.g. unreadable TLS files) and kept what it
		 * ran: the reload counts as failed, so the NMS and ixwatchctl see it */
		d.reload_failures++;
		d.last_reload_ok = 2;
		snprintf(err, errlen, "some modules kept their running settings (see the log"
		    " and show status)");
		snprintf(d.last_reload_error, sizeof(d.last_reload_error), "%s", err);
		log_warnx("reload: %s", err);
		config_free(old);
		return -2;
	}
	d.reloads++;
	config_free(old);
	log_info("configuration reloaded from %s (reload %u)", d.conffile, d.reloads);
	return 0;
}

static void
on_sighup(void)
{
	char	 err[1024];

	reload(err, sizeof(err));
}

static int
cmd_reload(int argc, char *const *argv, struct control_reply *r, void *arg)
{
	char	 err[1024];

	if (argc != 0)
		return control_reply_error(r, "usage: reload");
	switch (reload(err, sizeof(err))) {
	case -1:
		return control_reply_error(r, "reload failed, running configuration kept: %s",
		    err);
	case -2:
		return control_reply_error(r, "reload partly applied: %s", err);
	}
	json_string(control_reply_json(r), "result", "configuration reloaded");
	json_string(control_reply_json(r), "config", d.conffile);
	json_uint(control_reply_json(r), "reloads", d.reloads);
	return 0;
}

static void
uptime_str(time_t secs, char *buf, size_t len)
{
	long long	 s = (long long)secs;

	snprintf(buf, len, "%lldd %02lld:%02lld:%02lld", s / 86400, s / 3600 % 24,
	    s / 60 % 60, s % 60);
}

/*
 * The daemon-wide counters: "show status" prints them and the SNMP module serves
 * them as ixwatchCounters, so both always agree.
 */
static void
daemon_counters(struct snmp_daemon_counters *c)
{
	const struct alert_engine	*e = alertd_engine();
	struct output_queue_stats	 qs;
	struct alert_counters		 ac;
	struct rib_stats		 rs;
	size_t				 i;
	int				 up;

	memset(c, 0, sizeof(*c));
	c->updates = source_updates_total();	/* a Counter64: gone sources count */
	if (source_rib() != NULL) {
		rib_stats(source_rib(), &rs);
		c->routes = rs.routes;
		c->prefixes4 = rs.prefixes4;
		c->prefixes6 = rs.prefixes6;
	}
	if (e != NULL) {
		alert_counters_get(e, ALERT_RULE_NONE, &ac);
		c->alerts_active = ac.active;
		c->alerts_raised = ac.raised;
		c->alerts_cleared = ac.cleared;
		c->alerts_suppressed = ac.suppressed;
	}
	/* a Counter64: the drops of remotes a reload removed still count */
	c->syslog_dropped = output_syslog_retired_dropped();
	for (i = 0; output_syslog_remote_stats(i, &qs, &up) == 0; i++) {
		c->syslog_queued += qs.queued;
		c->syslog_dropped += qs.dropped;
	}
}

static void
status_counters(struct json *j)
{
	struct snmp_daemon_counters	 c;
	struct snmp_counters		 sc;

	daemon_counters(&c);
	json_object_open(j, "counters");
	json_uint(j, "sources", source_count());
	json_uint(j, "updates", c.updates);
	json_uint(j, "routes", c.routes);
	json_uint(j, "prefixes_ipv4", c.prefixes4);
	json_uint(j, "prefixes_ipv6", c.prefixes6);
	json_uint(j, "alerts_active", c.alerts_active);
	json_uint(j, "alerts_raised", c.alerts_raised);
	json_uint(j, "alerts_cleared", c.alerts_cleared);
	json_uint(j, "alerts_suppressed", c.alerts_suppressed);
	json_uint(j, "syslog_queued", c.syslog_queued);
	json_uint(j, "syslog_dropped", c.syslog_dropped);
	if (d.notif_counters != NULL) {
		d.notif_counters(&sc);
		json_uint(j, "notifications_sent", sc.sent);
		json_uint(j, "notifications_dropped", sc.dropped);
	}
	json_close(j);
}

static int
cmd_status(int argc, char *const *argv, struct control_reply *r, void *arg)
{
	struct json	*j = control_reply_json(r);
	char		 buf[64];
	time_t		 now = time(NULL);

	if (argc != 0)
		return control_reply_error(r, "usage: show status");
	json_string(j, "version", PACKAGE_VERSION);
	json_string(j, "features", features());
	json_int(j, "pid", (int64_t)getpid());
	iso_time(d.started, buf, sizeof(buf));
	json_string(j, "started", buf);
	uptime_str(now - d.started, buf, sizeof(buf));
	json_string(j, "uptime", buf);
	json_int(j, "uptime_seconds", (int64_t)(now - d.started));
	json_string(j, "config", d.conffile);
	iso_time(d.loaded_at, buf, sizeof(buf));
	json_string(j, "config_loaded", buf);
	json_uint(j, "reloads", d.reloads);
	json_uint(j, "reload_failures", d.reload_failures);
	if (d.last_reload != 0) {
		iso_time(d.last_reload, buf, sizeof(buf));
		json_object_open(j, "last_reload");
		json_string(j, "time", buf);
		json_string(j, "result", d.last_reload_ok == 1 ? "ok" :
		    d.last_reload_ok == 2 ? "partial" : "failed");
		if (d.last_reload_ok != 1)
			json_string(j, "error", d.last_reload_error);
		json_close(j);
	} else
		json_null(j, "last_reload");
	status_counters(j);
	loop_modules_status(j);
	return 0;
}

/* The control socket as a loop module: bound as root, before the drop. */
static int
control_bind(const struct config *conf)
{
	const struct config_daemon	*cd = config_daemon(conf);
	gid_t				 gid = (gid_t)-1;

	if (cd->control_group != NULL) {
		if (daemon_group_resolve(cd->control_group, &gid) == -1) {
			log_warnx("control-group %s does not exist", cd->control_group);
			return -1;
		}
	} else if (d.ids.user != NULL)
		gid = d.ids.gid;
	if (control_listen(cd->control_socket, cd->control_mode, gid) == -1)
		return -1;
	if (control_register_builtin() == -1 ||
	    control_register("show status", "", "daemon version, uptime, config, reloads "
	    "and counters",
	    cmd_status, NULL) == -1 ||
	    control_register("reload", "", "load the configuration file again", cmd_reload,
	    NULL) == -1) {
		log_warnx("control: cannot register the commands");
		return -1;
	}
	return 0;
}

static void
control_stop(void)
{
	control_close(1);
	control_unregister_all();
}

static void
control_status(struct json *j)
{
	json_string(j, "socket", control_path());
	json_int(j, "clients", control_nclients());
}

static struct loop_module control_module = {
	.name = "control",
	.bind = control_bind,
	.stop = control_stop,
	.status = control_status,
};

#ifdef HAVE_SNMP
/* ixwatchGeneral for the SNMP module. */
static void
snmp_daemon_info(struct snmp_daemon_info *di)
{
	di->version = PACKAGE_VERSION;
	di->started = d.started;
	di->config_loaded = d.loaded_at;
	di->reloads = d.reloads + d.reload_failures;
	di->reload_failures = d.reload_failures;
}

static const struct alert_engine *
snmp_alerts(void)
{
	return alertd_engine();
}

static size_t
snmp_vrps(void)
{
	struct rpkid_stats	 st;

	rpkid_stats(&st);
	return st.vrps4 + st.vrps6;
}

static void
snmp_alert(const struct alert *a, enum alert_transition tr, void *arg)
{
	snmp_notify_alert(a, tr);
}

static void
snmp_rtr_health(unsigned flags, unsigned old_flags, const struct rtr_health *h, void *arg)
{
	snmp_notify_rtr();
}

static const struct snmp_providers snmp_prov = {
	.daemon = snmp_daemon_info,
	.counters = daemon_counters,
	.alerts = snmp_alerts,
	.vrps = snmp_vrps,
	.rtr_caches = rpkid_cache_status,
};

/* Before loop_modules_start(): the alert and RTR health fan-outs, the providers. */
static void
snmp_wire(void)
{
	snmp_set_providers(&snmp_prov);
	if (alertd_subscribe(snmp_alert, NULL) == -1 ||
	    rpkid_subscribe_health(snmp_rtr_health, NULL) == -1)
		log_warnx("snmp: cannot subscribe to alerts or RTR health");
	d.notif_counters = snmp_counters_get;
	loop_module_register(&snmp_module);
}
#endif /* HAVE_SNMP */

/* -n: check the config, print it normalized with -v. */
static int
check_only(int verbose)
{
	if (verbose && config_print(stdout, d.conf) == -1) {
		fprintf(stderr, "ixwatchd: cannot print the configuration\n");
		return 1;
	}
	if (!verbose)
		fprintf(stderr, "%s: configuration OK\n", d.conffile);
	return 0;
}

static struct pidfh *
open_pidfile(const char *path)
{
	struct pidfh	*pfh;
	pid_t		 other = 0;

	if ((pfh = pidfile_open(path, 0644, &other)) != NULL)
		return pfh;
	if (errno == EEXIST)
		fatalx("already running: pid %ld holds %s", (long)other, path);
	fatal("pidfile %s", path);
}

#if defined(HAVE_UNVEIL) || defined(HAVE_PLEDGE)
#ifdef HAVE_UNVEIL
/* unveil(2) the directory holding path (a file the daemon creates or re-opens). */
static void
unveil_dir(const char *path, const char *perm)
{
	char	 dir[PATH_MAX];
	char	*slash;

	if (path == NULL || path[0] != '/' ||
	    (size_t)snprintf(dir, sizeof(dir), "%s", path) >= sizeof(dir))
		return;
	if ((slash = strrchr(dir, '/')) == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (unveil(dir, perm) == -1)
		fatal("unveil %s", dir);
}
#endif

/*
 * OpenBSD, once the modules started as the unprivileged user (they opened their MRT,
 * VRP, TLS and state files; contrib/openbsd/README): the files the daemon still
 * opens, then the system calls it still makes.
 */
static void
sandbox(void)
{
	const struct config_daemon	*cd = config_daemon(d.conf);

#ifdef HAVE_UNVEIL
	unveil_dir(d.conffile, "r");		/* SIGHUP re-reads the configuration */
	unveil_dir(cd->control_socket, "rwc");
	unveil_dir(cd->pidfile, "rwc");		/* removed on exit */
	if (cd->state_dir != NULL && unveil(cd->state_dir, "rwc") == -1)
		fatal("unveil %s", cd->state_dir);
#ifdef HAVE_SNMP
	unveil_dir(d.conf->outputs.snmp.agentx_socket, "rw");	/* AgentX reconnects */
#endif
	if (unveil("/dev/null", "rw") == -1 || unveil(NULL, NULL) == -1)
		fatal("unveil");
#endif
#ifdef HAVE_PLEDGE
	if (pledge("stdio rpath wpath cpath inet unix dns", NULL) == -1)
		fatal("pledge");
#endif
}
#endif /* HAVE_UNVEIL || HAVE_PLEDGE */

static void
run(int foreground, int verbose)
{
	const struct config_daemon	*cd = config_daemon(d.conf);
	struct pidfh			*pfh;
	char				 err[1024];

	if (daemon_ids_resolve(cd->user, cd->group, &d.ids, err, sizeof(err)) == -1)
		fatalx("%s: %s", d.conffile, err);
	pfh = open_pidfile(cd->pidfile);
	if (!foreground) {
		log_init(0, verbose, cd->log_facility ? cd->log_facility : LOG_DAEMON);
		daemon_detach();
	}
	d.started = d.loaded_at = time(NULL);
	if (loop_init() == -1)
		fatalx("cannot start the event loop");
	loop_on_sighup(on_sighup);
	loop_module_register(&control_module);
	/* Consumers first: alerts, RPKI validation and detection exist before routes flow. */
	loop_module_register(&alertd_module);
	loop_module_register(&rpkid_module);
	loop_module_register(&detectd_module);
	/* RPKI -> detection: rules 8/9 after revalidation, rule 10 from RTR health */
	if (rpkid_subscribe_revalidated(detectd_revalidated) == -1 ||
	    rpkid_subscribe_rtr_events(detectd_rtr_health) == -1)
		fatalx("cannot wire RPKI into detection");
	loop_module_register(&source_ctl_module);
	loop_module_register(&bmp_collector_module);
	loop_module_register(&mrt_replay_module);
	loop_module_register(&bgp_session_module);
#ifdef HAVE_SNMP
	snmp_wire();
#endif
	if (loop_modules_bind(d.conf) == -1)
		fatalx("cannot set up listeners");
	daemon_priv_drop(&d.ids);
	if (pidfile_write(pfh) == -1)
		log_warn("pidfile %s", cd->pidfile);
	if (loop_modules_start(d.conf) == -1)
		fatalx("start-up failed");
#if defined(HAVE_UNVEIL) || defined(HAVE_PLEDGE)
	sandbox();
#endif
	log_info("ixwatchd %s started, pid %ld, config %s", PACKAGE_VERSION,
	    (long)getpid(), d.conffile);
	daemon_ready();
	if ((d.trim = loop_timer_new(on_trim, NULL)) != NULL)
		loop_timer_add(d.trim, TRIM_BUSY_MS);
	if (loop_run() == -1)
		log_warnx("event loop failed");
	log_info("shutting down");
	loop_event_free(d.trim);
	d.trim = NULL;
	loop_modules_stop();
	/* pfh keeps the path it opened; a reload may have changed (and freed) cd */
	if (pidfile_remove(pfh) == -1)
		log_debug(LOG_SUB_MAIN, "pidfile: %s", strerror(errno));
	loop_free();
}

int
main(int argc, char **argv)
{
	const char	*conffile = DEFAULT_CONFIG, *bad;
	char		 err[1024], path[PATH_MAX];
	int		 ch, foreground = 0, check = 0, verbose = 0;

	log_init(1, 0, LOG_DAEMON);
#if defined(HAVE_MALLOPT) && defined(M_ARENA_MAX)
	/*
	 * glibc gives each thread that allocates (rtrlib, RCU) its own arena: 64 MB of
	 * address space and pages that stay with it. Allocation is not hot in any of
	 * them (the RIB has its own slabs): one arena for all (issue 9, idle RSS).
	 */
	mallopt(M_ARENA_MAX, 1);
#endif
	config_set_features(0
#ifdef HAVE_SNMP
	    | CONFIG_FEAT_SNMP
#endif
#ifdef HAVE_TLS
	    | CONFIG_FEAT_TLS
#endif
	    );
	while ((ch = getopt(argc, argv, "dD:f:nvV")) != -1) {
		switch (ch) {
		case 'd':
			foreground = 1;
			break;
		case 'D':
			if (log_debug_parse(optarg, &bad) == -1)
				fatalx("-D: unknown subsystem %s", bad);
			d.debug_cli = 1;
			break;
		case 'f':
			conffile = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("%s %s\nfeatures: %s\n", PACKAGE_NAME, PACKAGE_VERSION,
			    features());
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	log_setverbose(verbose);
	/* the daemon changes to /: reloads need the absolute path */
	if (!check && realpath(conffile, path) != NULL)
		conffile = path;
	if ((d.conffile = strdup(conffile)) == NULL)
		fatal("strdup");
	if ((d.conf = load(d.conffile, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (check)
		return check_only(verbose);
	apply_debug(d.conf);
	run(foreground, verbose);
	config_free(d.conf);
	daemon_ids_free(&d.ids);
	free(d.conffile);
	return 0;
}
