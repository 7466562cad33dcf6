/*
 * What the alert outputs say about one alert transition, no I/O: the readable
 * one-line summary, the RFC 5424 message with the [ixwatch@PEN ...] structured data
 * (lower-case parameter names: rsyslog lower-cases them), the mapping of alert
 * severities onto syslog severities (IXWATCH-MIB IxwatchSeverity: critical(1) is
 * LOG_CRIT ... info(5) is LOG_INFO) and BGPalerter-compatible "${name}" template
 * variables (summary, type, channel, prefix, newprefix, asn, neworigin, description,
 * earliest, latest, peers, paths, plus ixwatch's id, rule, severity, state, key,
 * reason, victim).
 */
#ifndef IXW_OUTPUT_FORMAT_H
#define IXW_OUTPUT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "agent/alert.h"
#include "bgp/buf.h"

#define OUTPUT_DEFAULT_PEN	32473

struct output_format {
	uint32_t	 pen;		/* SD-ID "ixwatch@<pen>" */
	int		 facility;	/* 0..23 */
	const char	*hostname;	/* NULL: "-" */
	const char	*app_name;	/* NULL: "ixwatch" */
	const char	*procid;	/* NULL: "-" */
	const char	*tmpl;		/* NULL: the readable summary as MSG */
	uint64_t	 now_ms;	/* the message's timestamp */
};

/* Syslog severity (0..7) of an alert severity (1..5; others: LOG_NOTICE). */
int	 output_syslog_severity(int alert_severity);
/* BGPalerter channel of a rule: hijack, newprefix, visibility, path, rpki, ... */
const char *output_channel(enum alert_rule);
/* "raised critical exact-prefix-hijack 192.0.2.0/24 by AS64500: ..." (no newline). */
int	 output_summary(struct wbuf *, const struct alert *, enum alert_transition);
/* One RFC 5424 message, unframed. -1 on a formatting error or wb->err. */
int	 output_format_syslog(struct wbuf *, const struct alert *, enum alert_transition,
	    const struct output_format *);
/* Value of a template variable, NULL if the name is unknown; buf holds the text. */
const char *output_variable(const char *name, const struct alert *, enum alert_transition,
	    char *buf, size_t len);
/* Renders a "${name}" template with output_variable(). */
int	 output_render(struct wbuf *, const char *tmpl, const struct alert *,
	    enum alert_transition);
/* ISO 8601 UTC with milliseconds ("2026-11-23T09:30:00.123Z"); "" for 0. */
void	 output_time(uint64_t ms, char *buf, size_t len);
/* Prefix shown for an alert: the key's victim if it is a prefix, else the first
 * sample prefix, else "" (buf must hold PREFIX_STRLEN). */
const char *output_prefix(const struct alert *, char *buf, size_t len);

#endif /* IXW_OUTPUT_FORMAT_H */
