/*
 * The syslog alert outputs: local syslog (RFC 3164 lines to the system's log socket,
 * written non-blocking with our own facility and ident, so a wedged syslogd never
 * stalls the loop and the daemon's own log keeps its ident) and remote RFC 5424
 * receivers over UDP (RFC 5426), TCP with octet counting (RFC 6587) and TLS
 * (RFC 5425, mbedtls). Each remote has a bounded queue (output_queue.h) that keeps
 * messages across reconnects (exponential backoff) and counts what it drops.
 * Failures are logged and counted; they never block the loop or the alert engine.
 * The environment variable IXWATCH_LOG_SOCKET overrides the local socket path
 * (default _PATH_LOG, /dev/log), for tests.
 */
#ifndef IXW_OUTPUT_SYSLOG_H
#define IXW_OUTPUT_SYSLOG_H

#include "agent/alert.h"

struct config;
struct json;

/* Opens the local log socket and starts connecting to the remotes. -1 on a
 * configuration that cannot work (unreadable TLS files); network trouble is not
 * an error (it is retried). */
int	 output_syslog_start(const struct config *);
/* New configuration: remotes with the same transport, host and port keep their
 * queue (and their connection when nothing else changed). */
int	 output_syslog_reload(const struct config *);
void	 output_syslog_stop(void);
/* Formats and queues one transition for every configured syslog output. */
void	 output_syslog_alert(const struct alert *, enum alert_transition);
/* Queue counters of the i-th remote and whether it is connected; -1 if there is
 * no such remote. */
struct output_queue_stats;
int	 output_syslog_remote_stats(size_t i, struct output_queue_stats *, int *up);
/* Messages dropped by remotes that are gone (a reload removed them). */
uint64_t output_syslog_retired_dropped(void);
/* Adds "syslog": {local..., remote: [...]} to a status object. */
void	 output_syslog_status(struct json *);

#endif /* IXW_OUTPUT_SYSLOG_H */
