/*
 * Message builder of the alert outputs: the RFC 5424 message with the
 * [ixwatch@PEN ...] structured data (exact bytes), severity mapping onto syslog,
 * the readable summary, BGPalerter-style template variables, the clear and
 * suppressed-summary variants and escaping of hostile description text.
 */
#include "agent/output_format.h"
#include "agent/syslog_msg.h"
#include "bgp/prefix.h"
#include "tests/unit/ut.h"

/* 2026-11-23T09:30:00.123Z */
#define T0	1795426200123ULL

static void
mk_alert(struct alert *a)
{
	memset(a, 0, sizeof(*a));
	alert_key_init(&a->key, ALERT_RULE_SUBPREFIX_HIJACK, "208.65.152.0/22", 17557, 0,
	    NULL);
	UT_ASSERT(prefix_parse("208.65.152.0/22", &a->victim_pfx) == 0);
	UT_ASSERT(prefix_parse("208.65.153.0/24", &a->sample_pfx[0]) == 0);
	a->nsample_pfx = 1;
	a->id = 42;
	a->state = ALERT_ST_RAISED;
	a->severity = ALERT_SEV_CRITICAL;
	a->nsources = 3;
	a->nprefixes = 1;
	a->first_seen = T0 - 5000;
	a->last_seen = T0;
	snprintf(a->as_path, sizeof(a->as_path), "3491 17557");
	snprintf(a->description, sizeof(a->description), "YouTube");
}

static char *
fmt(const struct alert *a, enum alert_transition tr, const char *tmpl)
{
	static char		 out[4096];
	struct output_format	 f;
	struct wbuf		 wb;

	memset(&f, 0, sizeof(f));
	f.pen = 32473;
	f.facility = 20;	/* local4 */
	f.hostname = "rs1";
	f.app_name = "ixwatch";
	f.tmpl = tmpl;
	f.now_ms = T0;
	wbuf_init(&wb, 0);
	UT_EQ_INT(output_format_syslog(&wb, a, tr, &f), 0);
	UT_ASSERT(wb.len < sizeof(out));
	memcpy(out, wb.buf, wb.len);
	out[wb.len] = '\0';
	wbuf_free(&wb);
	return out;
}

static void
raised_message_exact(void)
{
	struct alert	 a;

	mk_alert(&a);
	/* local4 (20) * 8 + crit (2) = 162 */
	UT_EQ_STR(fmt(&a, ALERT_TR_RAISED, NULL),
	    "<162>1 2026-11-23T09:30:00.123000Z rs1 ixwatch - SUBPREFIX_HIJACK "
	    "[ixwatch@32473 rule=\"subprefix-hijack\" prefix=\"208.65.152.0/22\" "
	    "origin=\"AS17557\" state=\"raised\" severity=\"critical\" "
	    "key=\"rule=subprefix-hijack victim=208.65.152.0/22 offender=AS17557\" "
	    "id=\"42\" victim=\"208.65.152.0/22\" sources=\"3\" prefixes=\"1\"] "
	    "raised critical subprefix-hijack 208.65.152.0/22 by AS17557 "
	    "(id 42, 3 sources, 1 prefix): YouTube");
}

static void
cleared_has_reason_and_notice(void)
{
	struct alert	 a;
	char		*m;

	mk_alert(&a);
	a.state = ALERT_ST_CLEARED;
	a.reason = ALERT_REASON_RESOLVED;
	m = fmt(&a, ALERT_TR_CLEARED, NULL);
	UT_ASSERT(strncmp(m, "<165>1 ", 7) == 0);	/* local4 notice */
	UT_ASSERT(strstr(m, "state=\"cleared\"") != NULL);
	UT_ASSERT(strstr(m, "reason=\"resolved\"]") != NULL);
	UT_ASSERT(strstr(m, " reason resolved: YouTube") != NULL);
}

static void
severity_mapping(void)
{
	UT_EQ_INT(output_syslog_severity(ALERT_SEV_CRITICAL), 2);
	UT_EQ_INT(output_syslog_severity(2), 3);
	UT_EQ_INT(output_syslog_severity(3), 4);
	UT_EQ_INT(output_syslog_severity(4), 5);
	UT_EQ_INT(output_syslog_severity(ALERT_SEV_INFO), 6);
	UT_EQ_INT(output_syslog_severity(0), 5);
	UT_EQ_INT(output_syslog_severity(9), 5);
	UT_EQ_STR(alert_severity_name(2), "error");
	UT_EQ_STR(alert_severity_name(4), "notice");
}

static void
template_variables(void)
{
	struct alert	 a;
	char		*m;

	mk_alert(&a);
	m = fmt(&a, ALERT_TR_RAISED, "++BGPalerter-5-${type}: ${summary}|${prefix}|"
	    "${description}|${asn}|${newprefix}|${neworigin}|${earliest}|${latest}|"
	    "${peers}|${paths}|${nosuch}|$$");
	m = strstr(m, "] ");
	UT_ASSERT(m != NULL);
	UT_EQ_STR(m + 2, "++BGPalerter-5-hijack: raised critical subprefix-hijack "
	    "208.65.152.0/22 by AS17557 (id 42, 3 sources, 1 prefix): YouTube|"
	    "208.65.152.0/22|YouTube||208.65.153.0/24|AS17557|2026-11-23T09:29:55.123Z|"
	    "2026-11-23T09:30:00.123Z|3|3491 17557||$");
}

static void
channels(void)
{
	UT_EQ_STR(output_channel(ALERT_RULE_EXACT_PREFIX_HIJACK), "hijack");
	UT_EQ_STR(output_channel(ALERT_RULE_NEW_PREFIX), "newprefix");
	UT_EQ_STR(output_channel(ALERT_RULE_VISIBILITY_LOSS), "visibility");
	UT_EQ_STR(output_channel(ALERT_RULE_AS_PATH), "path");
	UT_EQ_STR(output_channel(ALERT_RULE_RPKI_INVALID), "rpki");
	UT_EQ_STR(output_channel(ALERT_RULE_NEW_NEIGHBOR), "misconfiguration");
	UT_EQ_STR(output_channel(ALERT_RULE_TEST), "test");
}

static void
suppressed_summary(void)
{
	struct alert	 a;
	char		*m;

	memset(&a, 0, sizeof(a));
	a.key.rule = ALERT_RULE_NEW_PREFIX;
	a.suppressed = 17;
	a.severity = ALERT_SEV_WARNING;
	m = fmt(&a, ALERT_TR_SUPPRESSED, NULL);
	UT_ASSERT(strstr(m, "state=\"suppressed\"") != NULL);
	UT_ASSERT(strstr(m, "suppressed=\"17\"") != NULL);
	UT_ASSERT(strstr(m, "suppressed 17 new-prefix transitions") != NULL);
	UT_ASSERT(strstr(m, " NEW_PREFIX [") != NULL);
}

static void
hostile_text_escaped(void)
{
	struct alert	 a;
	char		*m;

	mk_alert(&a);
	alert_key_init(&a.key, ALERT_RULE_AS_PATH, "x\"] evil=\"1", 0, 0, NULL);
	a.victim_pfx.af = 0;
	m = fmt(&a, ALERT_TR_UPDATED, NULL);
	/* '"' and ']' in SD values are escaped: no injected parameter */
	UT_ASSERT(strstr(m, "victim=\"x\\\"\\] evil=\\\"1\"") != NULL);
	UT_ASSERT(strstr(m, "prefix=\"208.65.153.0/24\"") != NULL);
	UT_ASSERT(strstr(m, "origin=\"\"") != NULL);
}

static void
time_format(void)
{
	char	 buf[40];

	output_time(T0, buf, sizeof(buf));
	UT_EQ_STR(buf, "2026-11-23T09:30:00.123Z");
	output_time(0, buf, sizeof(buf));
	UT_EQ_STR(buf, "");
}

UT_MAIN(
	UT_CASE(raised_message_exact),
	UT_CASE(cleared_has_reason_and_notice),
	UT_CASE(severity_mapping),
	UT_CASE(template_variables),
	UT_CASE(channels),
	UT_CASE(suppressed_summary),
	UT_CASE(hostile_text_escaped),
	UT_CASE(time_format),
)
