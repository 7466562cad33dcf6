/*
 * Alert transition -> text for the outputs (see output_format.h): the readable
 * summary, the RFC 5424 message with structured data (RFC 5424 section 6.3) and
 * the BGPalerter-compatible template variables.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "agent/output_format.h"
#include "agent/syslog_msg.h"
#include "bgp/prefix.h"

int
output_syslog_severity(int sev)
{
	/* critical(1) LOG_CRIT 2, error(2) LOG_ERR 3, warning(3) 4, notice(4) 5, info(5) 6 */
	if (sev >= ALERT_SEV_CRITICAL && sev <= ALERT_SEV_INFO)
		return sev + 1;
	return 5;
}

const char *
output_channel(enum alert_rule rule)
{
	switch (rule) {
	case ALERT_RULE_EXACT_PREFIX_HIJACK:
	case ALERT_RULE_SUBPREFIX_HIJACK:
	case ALERT_RULE_SQUATTING:
		return "hijack";
	case ALERT_RULE_NEW_PREFIX:
		return "newprefix";
	case ALERT_RULE_VISIBILITY_LOSS:
	case ALERT_RULE_PEERING_VISIBILITY_LOSS:
		return "visibility";
	case ALERT_RULE_AS_PATH:
	case ALERT_RULE_ROUTE_LEAK:
		return "path";
	case ALERT_RULE_NEW_NEIGHBOR:
		return "misconfiguration";
	case ALERT_RULE_RPKI_INVALID:
	case ALERT_RULE_RPKI_NOT_FOUND:
	case ALERT_RULE_RTR_HEALTH:
		return "rpki";
	default:
		return alert_rule_name(rule);
	}
}

void
output_time(uint64_t ms, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 t = (time_t)(ms / 1000);
	char		 s[32];

	if (ms == 0 || gmtime_r(&t, &tm) == NULL) {
		if (len > 0)
			buf[0] = '\0';
		return;
	}
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03uZ", s, (unsigned)(ms % 1000));
}

const char *
output_prefix(const struct alert *a, char *buf, size_t len)
{
	const struct prefix	*p = alert_shown_prefix(a);

	if (p->af != PREFIX_AF_NONE)
		return prefix_fmt(p, buf, len);
	if (len > 0)
		buf[0] = '\0';
	return buf;
}

static void
putf(struct wbuf *wb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
putf(struct wbuf *wb, const char *fmt, ...)
{
	char	 buf[512];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	wbuf_put_bytes(wb, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

int
output_summary(struct wbuf *wb, const struct alert *a, enum alert_transition tr)
{
	char	 pfx[PREFIX_STRLEN];

	if (tr == ALERT_TR_SUPPRESSED) {
		putf(wb, "suppressed %u %s transitions (rate limit)", a->suppressed,
		    alert_rule_name(a->key.rule));
		return wb->err ? -1 : 0;
	}
	putf(wb, "%s %s %s %s", alert_transition_name(tr),
	    alert_severity_name(a->severity), alert_rule_name(a->key.rule),
	    a->key.victim[0] != '\0' ? a->key.victim : "-");
	if (a->key.offender != 0)
		putf(wb, " by AS%u", a->key.offender);
	if (a->key.offender2 != 0)
		putf(wb, "-AS%u", a->key.offender2);
	output_prefix(a, pfx, sizeof(pfx));
	if (pfx[0] != '\0' && strcmp(pfx, a->key.victim) != 0)
		putf(wb, " prefix %s", pfx);
	putf(wb, " (id %u, %u source%s, %u prefix%s)", a->id, a->nsources,
	    a->nsources == 1 ? "" : "s", a->nprefixes, a->nprefixes == 1 ? "" : "es");
	if (tr == ALERT_TR_CLEARED && a->reason != ALERT_REASON_NONE)
		putf(wb, " reason %s", alert_reason_name(a->reason));
	if (a->description[0] != '\0')
		putf(wb, ": %s", a->description);
	return wb->err ? -1 : 0;
}

struct var_ctx {
	const struct alert	*a;
	enum alert_transition	 tr;
	char			 buf[1024];
};

static const char *
lookup(const char *name, void *arg)
{
	struct var_ctx	*v = arg;

	return output_variable(name, v->a, v->tr, v->buf, sizeof(v->buf));
}

const char *
output_variable(const char *name, const struct alert *a, enum alert_transition tr,
    char *buf, size_t len)
{
	struct wbuf	 wb;
	char		 pfx[PREFIX_STRLEN];

	if (len == 0)
		return NULL;
	buf[0] = '\0';
	if (strcmp(name, "summary") == 0) {
		wbuf_init(&wb, 0);
		output_summary(&wb, a, tr);
		snprintf(buf, len, "%.*s", (int)wb.len, wb.buf ? (char *)wb.buf : "");
		wbuf_free(&wb);
	} else if (strcmp(name, "type") == 0 || strcmp(name, "channel") == 0)
		snprintf(buf, len, "%s", output_channel(a->key.rule));
	else if (strcmp(name, "rule") == 0)
		snprintf(buf, len, "%s", alert_rule_name(a->key.rule));
	else if (strcmp(name, "prefix") == 0)
		output_prefix(a, buf, len);
	else if (strcmp(name, "newprefix") == 0) {
		output_prefix(a, pfx, sizeof(pfx));
		if (a->nsample_pfx > 0)
			prefix_fmt(&a->sample_pfx[0], buf, len);
		if (strcmp(buf, pfx) == 0 && a->victim_pfx.af != 0)
			buf[0] = '\0';
	} else if (strcmp(name, "asn") == 0) {
		if (strncmp(a->key.victim, "AS", 2) == 0)
			snprintf(buf, len, "%s", a->key.victim);
	} else if (strcmp(name, "neworigin") == 0 || strcmp(name, "origin") == 0) {
		if (a->key.offender != 0)
			snprintf(buf, len, "AS%u", a->key.offender);
	} else if (strcmp(name, "description") == 0)
		snprintf(buf, len, "%s", a->description);
	else if (strcmp(name, "earliest") == 0)
		output_time(a->first_seen, buf, len);
	else if (strcmp(name, "latest") == 0)
		output_time(a->last_seen, buf, len);
	else if (strcmp(name, "peers") == 0)
		snprintf(buf, len, "%u", a->nsources);
	else if (strcmp(name, "paths") == 0)
		snprintf(buf, len, "%s", a->as_path);
	else if (strcmp(name, "id") == 0)
		snprintf(buf, len, "%u", a->id);
	else if (strcmp(name, "severity") == 0)
		snprintf(buf, len, "%s", alert_severity_name(a->severity));
	else if (strcmp(name, "state") == 0)
		snprintf(buf, len, "%s", alert_transition_name(tr));
	else if (strcmp(name, "key") == 0)
		alert_key_fmt(&a->key, buf, len);
	else if (strcmp(name, "victim") == 0)
		snprintf(buf, len, "%s", a->key.victim);
	else if (strcmp(name, "reason") == 0) {
		if (tr == ALERT_TR_CLEARED)
			snprintf(buf, len, "%s", alert_reason_name(a->reason));
	} else
		return NULL;
	return buf;
}

int
output_render(struct wbuf *wb, const char *tmpl, const struct alert *a,
    enum alert_transition tr)
{
	struct var_ctx	 v;

	v.a = a;
	v.tr = tr;
	return syslog_template_render(wb, tmpl, lookup, &v, NULL);
}

static void
upper_msgid(enum alert_rule rule, char *buf, size_t len)
{
	size_t	 i;

	snprintf(buf, len, "%s", alert_rule_name(rule));
	for (i = 0; buf[i] != '\0'; i++)
		buf[i] = buf[i] == '-' ? '_' : (char)(buf[i] >= 'a' && buf[i] <= 'z' ?
		    buf[i] - 'a' + 'A' : buf[i]);
}

int
output_format_syslog(struct wbuf *wb, const struct alert *a, enum alert_transition tr,
    const struct output_format *f)
{
	struct syslog_param	 p[12];
	struct syslog_msg	 m;
	struct wbuf		 text;
	char			 sdid[32], msgid[40], pfx[PREFIX_STRLEN], origin[16];
	char			 key[ALERT_KEY_STRLEN], id[16], srcs[16], pfxs[16];
	size_t			 n = 0;
	int			 rv;

	snprintf(sdid, sizeof(sdid), "ixwatch@%u", f->pen ? f->pen : OUTPUT_DEFAULT_PEN);
	upper_msgid(a->key.rule, msgid, sizeof(msgid));
	output_prefix(a, pfx, sizeof(pfx));
	origin[0] = '\0';
	if (a->key.offender != 0)
		snprintf(origin, sizeof(origin), "AS%u", a->key.offender);
	alert_key_fmt(&a->key, key, sizeof(key));
	snprintf(id, sizeof(id), "%u", a->id);
	snprintf(srcs, sizeof(srcs), "%u", a->nsources);
	snprintf(pfxs, sizeof(pfxs), "%u",
	    tr == ALERT_TR_SUPPRESSED ? a->suppressed : a->nprefixes);
	p[n++] = (struct syslog_param){ "rule", alert_rule_name(a->key.rule) };
	p[n++] = (struct syslog_param){ "prefix", pfx };
	p[n++] = (struct syslog_param){ "origin", origin };
	p[n++] = (struct syslog_param){ "state", alert_transition_name(tr) };
	p[n++] = (struct syslog_param){ "severity", alert_severity_name(a->severity) };
	p[n++] = (struct syslog_param){ "key", key };
	p[n++] = (struct syslog_param){ "id", id };
	p[n++] = (struct syslog_param){ "victim", a->key.victim };
	p[n++] = (struct syslog_param){ "sources", srcs };
	p[n++] = (struct syslog_param){ tr == ALERT_TR_SUPPRESSED ? "suppressed" :
	    "prefixes", pfxs };
	if (tr == ALERT_TR_CLEARED)
		p[n++] = (struct syslog_param){ "reason", alert_reason_name(a->reason) };

	wbuf_init(&text, 0);
	if (f->tmpl != NULL)
		output_render(&text, f->tmpl, a, tr);
	else
		output_summary(&text, a, tr);
	wbuf_put_u8(&text, 0);

	memset(&m, 0, sizeof(m));
	m.facility = f->facility;
	m.severity = tr == ALERT_TR_CLEARED ? 5 : output_syslog_severity(a->severity);
	m.ts.tv_sec = (time_t)(f->now_ms / 1000);
	m.ts.tv_nsec = (long)(f->now_ms % 1000) * 1000000L;
	m.hostname = f->hostname;
	m.app_name = f->app_name ? f->app_name : "ixwatch";
	m.procid = f->procid;
	m.msgid = msgid;
	m.sd_id = sdid;
	m.params = p;
	m.nparams = n;
	m.msg = text.err ? "" : (const char *)text.buf;
	rv = text.err ? -1 : syslog_msg_format(wb, &m);
	wbuf_free(&text);
	return rv;
}
