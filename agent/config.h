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

#include <stdio.h>
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

/* Loads path (and the prefixes.yml it names). NULL on error with *err filled. */
struct config	*config_load(const char *path, struct config_error *err);
void		 config_free(struct config *);
const struct config_daemon *config_daemon(const struct config *);
/* Prints the normalized config as YAML that config_load() reads back to an equal config. */
int		 config_print(FILE *, const struct config *);

#endif /* IXW_CONFIG_H */
