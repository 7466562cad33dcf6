/*
 * Logging to syslog(3) or stderr. Shape after OpenBGPD's log.c (reimplemented):
 * log_warn appends strerror(errno); fatal logs and exits; debug by subsystem.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "agent/log.h"

uint32_t	 log_debug_mask;
static int	 log_stderr = 1;
static int	 log_verbose;
static const char *log_proc = "ixwatchd";

static const char *const sub_names[LOG_SUB_COUNT] = {
	"main", "conf", "ctl", "bmp", "bgp", "mrt", "rib", "rtr", "detect", "alert",
	"snmp", "syslog",
};

void
log_init(int to_stderr, int verbose, int facility)
{
	log_stderr = to_stderr;
	log_verbose = verbose;
	if (!to_stderr)
		openlog(log_proc, LOG_PID | LOG_NDELAY, facility);
	tzset();
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return log_verbose;
}

void
log_procname(const char *name)
{
	log_proc = name;
}

const char *
log_sub_name(enum log_sub s)
{
	return (unsigned)s < LOG_SUB_COUNT ? sub_names[s] : "?";
}

int
log_debug_parse(const char *spec, const char **bad)
{
	char		 buf[256], *tok, *save = NULL;
	uint32_t	 mask = 0;
	unsigned	 i;
	static char	 badtok[64];

	if (strlen(spec) >= sizeof(buf)) {
		*bad = spec;
		return -1;
	}
	strcpy(buf, spec);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "all") == 0) {
			mask = (1u << LOG_SUB_COUNT) - 1;
			continue;
		}
		for (i = 0; i < LOG_SUB_COUNT; i++)
			if (strcmp(tok, sub_names[i]) == 0)
				break;
		if (i == LOG_SUB_COUNT) {
			snprintf(badtok, sizeof(badtok), "%s", tok);
			*bad = badtok;
			return -1;
		}
		mask |= 1u << i;
	}
	log_debug_mask |= mask;
	return 0;
}

void
vlog(int pri, const char *fmt, va_list ap)
{
	static const char *const lvl[] = { "emerg", "alert", "crit", "error", "warning",
	    "notice", "info", "debug" };
	int saved = errno;

	if (pri == LOG_DEBUG && !log_verbose && log_debug_mask == 0)
		return;
	if (log_stderr) {
		struct timespec	ts;
		struct tm	tm;
		char		tbuf[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(tbuf, sizeof(tbuf), "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s: ", tbuf, ts.tv_nsec / 1000000, lvl[pri & 7]);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		fflush(stderr);
	} else
		vsyslog(pri, fmt, ap);
	errno = saved;
}

static void
logit(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

static void
vlog_errno(int pri, const char *fmt, va_list ap)
{
	char	buf[1024];
	int	saved = errno;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	logit(pri, "%s: %s", buf, strerror(saved));
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_errno(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debugx(enum log_sub sub, const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	logit(LOG_DEBUG, "[%s] %s", log_sub_name(sub), buf);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_errno(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

int
log_ratelimit(struct log_rl *rl, uint32_t burst, uint32_t interval)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ts.tv_sec - rl->window_start >= (int64_t)interval) {
		if (rl->suppressed > 0)
			logit(LOG_WARNING, "%u similar messages suppressed", rl->suppressed);
		rl->window_start = ts.tv_sec;
		rl->count = 0;
		rl->suppressed = 0;
	}
	if (rl->count < burst) {
		rl->count++;
		return 1;
	}
	rl->suppressed++;
	return 0;
}
