/*
 * RFC 5424 message formatting (section 6), octet-counting framing (RFC 6587 3.4.1,
 * the only framing RFC 5425 allows over TLS) and "${name}" templates.
 * Header fields are PRINTUSASCII with fixed maximum lengths; anything else in them is
 * replaced with '?' rather than refused, since hostnames and app names come from the
 * system, while SD names are ours and are validated strictly.
 */
#include <stdio.h>
#include <string.h>

#include "agent/syslog_msg.h"

#define NILVALUE	"-"

static void
put_str(struct wbuf *wb, const char *s)
{
	wbuf_put_bytes(wb, s, strlen(s));
}

/* A header field: NILVALUE when empty, else printable ASCII truncated to max. */
static void
put_field(struct wbuf *wb, const char *s, size_t max)
{
	size_t i;

	if (s == NULL || *s == '\0') {
		put_str(wb, NILVALUE);
		return;
	}
	for (i = 0; s[i] != '\0' && i < max; i++) {
		unsigned char c = (unsigned char)s[i];
		wbuf_put_u8(wb, (c >= 33 && c <= 126) ? c : '?');
	}
}

static int
valid_sd_name(const char *s, size_t max)
{
	size_t n = 0;

	if (s == NULL)
		return 0;
	for (; s[n] != '\0'; n++) {
		unsigned char c = (unsigned char)s[n];
		if (c < 33 || c > 126 || c == '=' || c == ']' || c == '"' || c == ' ')
			return 0;
	}
	return n >= 1 && n <= max;
}

static void
put_timestamp(struct wbuf *wb, const struct timespec *ts)
{
	struct tm	tm;
	char		buf[96];
	unsigned	usec;

	if (ts->tv_sec < 0 || gmtime_r(&ts->tv_sec, &tm) == NULL) {
		put_str(wb, NILVALUE);
		return;
	}
	usec = (unsigned)((ts->tv_nsec / 1000) % 1000000);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, usec);
	put_str(wb, buf);
}

static void
put_param_value(struct wbuf *wb, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '"' || *v == '\\' || *v == ']')
			wbuf_put_u8(wb, '\\');
		wbuf_put_u8(wb, (uint8_t)*v);
	}
}

static int
has_non_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s > 127)
			return 1;
	return 0;
}

int
syslog_msg_format(struct wbuf *wb, const struct syslog_msg *m)
{
	char	pri[16];
	size_t	i;

	if (m->facility < 0 || m->facility > 23 || m->severity < 0 || m->severity > 7)
		return -1;
	snprintf(pri, sizeof(pri), "<%d>1 ", m->facility * 8 + m->severity);
	put_str(wb, pri);
	put_timestamp(wb, &m->ts);
	wbuf_put_u8(wb, ' ');
	put_field(wb, m->hostname, 255);
	wbuf_put_u8(wb, ' ');
	put_field(wb, m->app_name, 48);
	wbuf_put_u8(wb, ' ');
	put_field(wb, m->procid, 128);
	wbuf_put_u8(wb, ' ');
	put_field(wb, m->msgid, 32);
	wbuf_put_u8(wb, ' ');
	if (m->sd_id == NULL)
		put_str(wb, NILVALUE);
	else {
		if (!valid_sd_name(m->sd_id, 32))
			return -1;
		wbuf_put_u8(wb, '[');
		put_str(wb, m->sd_id);
		for (i = 0; i < m->nparams; i++) {
			if (!valid_sd_name(m->params[i].name, 32))
				return -1;
			wbuf_put_u8(wb, ' ');
			put_str(wb, m->params[i].name);
			put_str(wb, "=\"");
			put_param_value(wb, m->params[i].value ? m->params[i].value : "");
			wbuf_put_u8(wb, '"');
		}
		wbuf_put_u8(wb, ']');
	}
	if (m->msg != NULL) {
		wbuf_put_u8(wb, ' ');
		/* RFC 5424 6.4: a UTF-8 MSG starts with a BOM; plain ASCII needs none. */
		if (has_non_ascii(m->msg))
			wbuf_put_bytes(wb, "\xef\xbb\xbf", 3);
		put_str(wb, m->msg);
	}
	return wb->err ? -1 : 0;
}

int
syslog_msg_frame(struct wbuf *wb, const uint8_t *msg, size_t len)
{
	char hdr[24];

	snprintf(hdr, sizeof(hdr), "%zu ", len);
	put_str(wb, hdr);
	wbuf_put_bytes(wb, msg, len);
	return wb->err ? -1 : 0;
}

int
syslog_template_check(const char *tmpl, size_t *errpos)
{
	const char *p, *end;

	for (p = tmpl; *p != '\0'; p++) {
		if (p[0] != '$' || p[1] != '{')
			continue;
		if ((end = strchr(p + 2, '}')) == NULL || end == p + 2) {
			*errpos = (size_t)(p - tmpl);
			return -1;
		}
		p = end;
	}
	return 0;
}

int
syslog_template_render(struct wbuf *wb, const char *tmpl, syslog_lookup_fn lookup,
    void *arg, unsigned *unknown)
{
	const char	*p = tmpl, *end, *val;
	char		 name[64];
	size_t		 n;

	while (*p != '\0') {
		if (p[0] == '$' && p[1] == '$') {
			wbuf_put_u8(wb, '$');
			p += 2;
			continue;
		}
		if (p[0] != '$' || p[1] != '{' || (end = strchr(p + 2, '}')) == NULL) {
			wbuf_put_u8(wb, (uint8_t)*p++);
			continue;
		}
		n = (size_t)(end - (p + 2));
		val = NULL;
		if (n > 0 && n < sizeof(name)) {
			memcpy(name, p + 2, n);
			name[n] = '\0';
			val = lookup(name, arg);
		}
		if (val != NULL)
			put_str(wb, val);
		else if (unknown != NULL)
			(*unknown)++;
		p = end + 1;
	}
	return wb->err ? -1 : 0;
}
