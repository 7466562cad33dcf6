/* RFC 5424 formatting, escaping, framing and templates. */
#include "agent/syslog_msg.h"
#include "tests/unit/ut.h"

static const char *
as_str(struct wbuf *wb)
{
	wbuf_put_u8(wb, '\0');
	return (const char *)wb->buf;
}

static void
full_message(void)
{
	static const struct syslog_param p[] = {
		{ "rule", "exact-prefix-hijack" },
		{ "prefix", "208.65.153.0/24" },
		{ "origin", "17557" },
		{ "state", "raised" },
	};
	struct syslog_msg m = {
		.facility = 16, .severity = 2, .ts = { 1227830400, 123456789 },
		.hostname = "rs1.example.net", .app_name = "ixwatchd", .procid = "4242",
		.msgid = "ALERT", .sd_id = "ixwatch@32473", .params = p, .nparams = 4,
		.msg = "hijack of 208.65.153.0/24 by AS17557",
	};
	struct wbuf wb;

	wbuf_init(&wb, 0);
	UT_EQ_INT(syslog_msg_format(&wb, &m), 0);
	UT_EQ_STR(as_str(&wb), "<130>1 2008-11-28T00:00:00.123456Z rs1.example.net ixwatchd 4242 "
	    "ALERT [ixwatch@32473 rule=\"exact-prefix-hijack\" prefix=\"208.65.153.0/24\" "
	    "origin=\"17557\" state=\"raised\"] hijack of 208.65.153.0/24 by AS17557");
	wbuf_free(&wb);
}

static void
nil_values_and_escapes(void)
{
	static const struct syslog_param p[] = { { "desc", "a \"quoted\" [x] back\\slash" } };
	struct syslog_msg m = {
		.facility = 3, .severity = 6, .ts = { -1, 0 }, .sd_id = "x@32473",
		.params = p, .nparams = 1, .hostname = "bad host\n",
	};
	struct wbuf wb;

	wbuf_init(&wb, 0);
	UT_EQ_INT(syslog_msg_format(&wb, &m), 0);
	UT_EQ_STR(as_str(&wb), "<30>1 - bad?host? - - - [x@32473 desc=\"a \\\"quoted\\\" [x\\] back\\\\slash\"]");
	wbuf_free(&wb);
}

static void
utf8_gets_bom(void)
{
	struct syslog_msg m = { .facility = 1, .severity = 5, .ts = { -1, 0 }, .msg = "caf\xc3\xa9" };
	struct wbuf wb;

	wbuf_init(&wb, 0);
	UT_EQ_INT(syslog_msg_format(&wb, &m), 0);
	UT_EQ_STR(as_str(&wb), "<13>1 - - - - - - \xef\xbb\xbf" "caf\xc3\xa9");
	wbuf_free(&wb);
}

static void
invalid_fields(void)
{
	static const struct syslog_param bad[] = { { "a=b", "x" } };
	struct syslog_msg m = { .facility = 24, .severity = 0, .ts = { -1, 0 } };
	struct wbuf wb;

	wbuf_init(&wb, 0);
	UT_EQ_INT(syslog_msg_format(&wb, &m), -1);
	m.facility = 1;
	m.severity = 8;
	UT_EQ_INT(syslog_msg_format(&wb, &m), -1);
	m.severity = 1;
	m.sd_id = "has space";
	UT_EQ_INT(syslog_msg_format(&wb, &m), -1);
	m.sd_id = "ok@1";
	m.params = bad;
	m.nparams = 1;
	UT_EQ_INT(syslog_msg_format(&wb, &m), -1);
	wbuf_free(&wb);
}

static void
framing(void)
{
	struct wbuf wb;

	wbuf_init(&wb, 0);
	UT_EQ_INT(syslog_msg_frame(&wb, (const uint8_t *)"<13>1 - - - - - -", 17), 0);
	UT_EQ_STR(as_str(&wb), "17 <13>1 - - - - - -");
	wbuf_free(&wb);
}

static const char *
lookup(const char *name, void *arg)
{
	(void)arg;
	if (strcmp(name, "prefix") == 0)
		return "192.0.2.0/24";
	if (strcmp(name, "neworigin") == 0)
		return "64511";
	return NULL;
}

static void
templates(void)
{
	struct wbuf	wb;
	unsigned	unknown = 0;
	size_t		pos;

	wbuf_init(&wb, 0);
	UT_EQ_INT(syslog_template_render(&wb, "${prefix} announced by AS${neworigin} "
	    "(${nope}) costs $$5 ${", lookup, NULL, &unknown), 0);
	UT_EQ_STR(as_str(&wb), "192.0.2.0/24 announced by AS64511 () costs $5 ${");
	UT_EQ_INT(unknown, 1);
	UT_EQ_INT(syslog_template_check("ok ${a} ${b}", &pos), 0);
	UT_EQ_INT(syslog_template_check("bad ${a", &pos), -1);
	UT_EQ_INT(pos, 4);
	UT_EQ_INT(syslog_template_check("empty ${}", &pos), -1);
	UT_EQ_INT(pos, 6);
	wbuf_free(&wb);
}

UT_MAIN(UT_CASE(full_message), UT_CASE(nil_values_and_escapes), UT_CASE(utf8_gets_bom),
    UT_CASE(invalid_fields), UT_CASE(framing), UT_CASE(templates))
