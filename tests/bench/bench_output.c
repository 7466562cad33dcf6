/*
 * Alert output cost: RFC 5424 messages built per second (structured data and the
 * readable summary, and with a BGPalerter template), and queue push + write +
 * confirm cycles per second. Prints figures; not a test.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "agent/output_format.h"
#include "agent/output_queue.h"
#include "agent/syslog_msg.h"
#include "bgp/prefix.h"

#define N	200000

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
format_rate(const struct alert *a, const char *tmpl, size_t *bytes)
{
	struct output_format	 f;
	struct wbuf		 wb, fr;
	double			 t0;
	int			 i;

	memset(&f, 0, sizeof(f));
	f.pen = 32473;
	f.facility = 20;
	f.hostname = "rs1.example.net";
	f.tmpl = tmpl;
	f.now_ms = 1795426200123ULL;
	wbuf_init(&wb, 0);
	wbuf_init(&fr, 0);
	t0 = now_s();
	for (i = 0; i < N; i++) {
		wbuf_reset(&wb);
		wbuf_reset(&fr);
		output_format_syslog(&wb, a, ALERT_TR_RAISED, &f);
		syslog_msg_frame(&fr, wb.buf, wb.len);
	}
	*bytes = fr.len;
	t0 = now_s() - t0;
	wbuf_free(&wb);
	wbuf_free(&fr);
	return N / t0;
}

int
main(void)
{
	struct output_queue	*q = output_queue_new(1000);
	struct alert		 a;
	uint8_t			 msg[400];
	const uint8_t		*p;
	size_t			 len, bytes;
	uint64_t		 wire = 0;
	double			 t0, r;
	int			 i;

	memset(&a, 0, sizeof(a));
	alert_key_init(&a.key, ALERT_RULE_SUBPREFIX_HIJACK, "208.65.152.0/22", 17557, 0, NULL);
	prefix_parse("208.65.152.0/22", &a.victim_pfx);
	prefix_parse("208.65.153.0/24", &a.sample_pfx[0]);
	a.nsample_pfx = 1;
	a.id = 4242;
	a.severity = ALERT_SEV_CRITICAL;
	a.nsources = 12;
	a.nprefixes = 1;
	a.first_seen = a.last_seen = 1795426200123ULL;
	snprintf(a.description, sizeof(a.description), "YouTube");
	r = format_rate(&a, NULL, &bytes);
	printf("bench_output: RFC 5424 + framing: %.0f msgs/s (%zu bytes each)\n", r, bytes);
	r = format_rate(&a, "++BGPalerter-5-${type}: ${summary}|${prefix}|${description}|"
	    "${asn}|${newprefix}|${neworigin}|${earliest}|${latest}|${peers}", &bytes);
	printf("bench_output: with a BGPalerter template: %.0f msgs/s (%zu bytes each)\n",
	    r, bytes);
	memset(msg, 'm', sizeof(msg));
	t0 = now_s();
	for (i = 0; i < N * 10; i++) {
		output_queue_push(q, msg, sizeof(msg));
		output_queue_peek(q, &p, &len);
		wire += len;
		output_queue_written(q, len, wire);
		output_queue_ack(q, wire);
	}
	t0 = now_s() - t0;
	printf("bench_output: queue push+write+confirm: %.0f msgs/s\n", N * 10 / t0);
	output_queue_free(q);
	return 0;
}
