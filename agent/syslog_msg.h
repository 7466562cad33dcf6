/*
 * Syslog message formatting for the remote outputs, no I/O: RFC 5424 messages with
 * structured data, RFC 6587 / RFC 5425 octet-counting framing for TCP and TLS, and
 * BGPalerter-style "${name}" templates for operators migrating their log parsing.
 */
#ifndef IXW_SYSLOG_MSG_H
#define IXW_SYSLOG_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "bgp/buf.h"

struct syslog_param {
	const char	*name;		/* 1..32 printable ASCII, no '=', ' ', ']', '"' */
	const char	*value;		/* any UTF-8; '"', '\' and ']' are escaped */
};

struct syslog_msg {
	int		 facility;	/* 0..23 (LOG_LOCAL0 >> 3 is 16) */
	int		 severity;	/* 0..7 */
	struct timespec	 ts;		/* tv_sec < 0: NILVALUE */
	const char	*hostname;	/* NULL: "-" */
	const char	*app_name;
	const char	*procid;
	const char	*msgid;
	const char	*sd_id;		/* e.g. "ixwatch@32473"; NULL: no SD element */
	const struct syslog_param *params;
	size_t		 nparams;
	const char	*msg;		/* NULL: no MSG part */
};

/* Appends one RFC 5424 SYSLOG-MSG (no trailer, no framing). Returns -1 if a field is
 * invalid (facility/severity out of range, bad SD-ID or PARAM-NAME) or wb->err. */
int	 syslog_msg_format(struct wbuf *, const struct syslog_msg *);
/* Octet-counting frame (RFC 6587 3.4.1, RFC 5425 4.3): "LEN SP MSG". */
int	 syslog_msg_frame(struct wbuf *, const uint8_t *msg, size_t len);

/* Template rendering: "${name}" is replaced by lookup(name, arg) (unknown names expand
 * to the empty string and are counted in *unknown if not NULL); "$$" is a literal '$'. */
typedef const char *(*syslog_lookup_fn)(const char *name, void *arg);
int	 syslog_template_render(struct wbuf *, const char *tmpl, syslog_lookup_fn, void *arg,
	    unsigned *unknown);
/* Checks a template at config time: -1 and *errpos (0-based) on an unterminated "${". */
int	 syslog_template_check(const char *tmpl, size_t *errpos);

#endif /* IXW_SYSLOG_MSG_H */
