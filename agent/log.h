/*
 * The daemon's one logging API: syslog(3) by default, stderr with -d. Debug output is
 * per subsystem (-D bmp,rtr). Alerts are not logs: they go through the alert module.
 * Lines a remote peer can trigger should go through log_ratelimited().
 */
#ifndef IXW_LOG_H
#define IXW_LOG_H

#include <stdarg.h>
#include <stdint.h>

enum log_sub {
	LOG_SUB_MAIN,
	LOG_SUB_CONF,
	LOG_SUB_CTL,
	LOG_SUB_BMP,
	LOG_SUB_BGP,
	LOG_SUB_MRT,
	LOG_SUB_RIB,
	LOG_SUB_RTR,
	LOG_SUB_DETECT,
	LOG_SUB_ALERT,
	LOG_SUB_SNMP,
	LOG_SUB_SYSLOG,
	LOG_SUB_COUNT
};

extern uint32_t log_debug_mask;

void	 log_init(int to_stderr, int verbose, int facility);
void	 log_setverbose(int);
int	 log_getverbose(void);
void	 log_procname(const char *);
/* "bmp,rtr" or "all"; returns -1 and names the bad token in *bad. */
int	 log_debug_parse(const char *, const char **bad);
const char *log_sub_name(enum log_sub);

void	 log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_debugx(enum log_sub, const char *, ...) __attribute__((format(printf, 2, 3)));
void	 vlog(int pri, const char *, va_list) __attribute__((format(printf, 2, 0)));
void	 fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	 fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Rate limit for messages a peer can trigger: at most burst per interval seconds per
 * slot; returns 1 if the caller may log now. Suppressed counts are reported later. */
struct log_rl {
	int64_t		window_start;
	uint32_t	count;
	uint32_t	suppressed;
};
int	 log_ratelimit(struct log_rl *, uint32_t burst, uint32_t interval);

#define log_debug(sub, ...) do {					\
	if (log_debug_mask & (1u << (sub)))				\
		log_debugx((sub), __VA_ARGS__);				\
} while (0)

#endif /* IXW_LOG_H */
