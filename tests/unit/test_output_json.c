/*
 * The JSON-lines alert output: one valid JSON object per transition with the
 * fields a log shipper keys on, one line each, escaped text.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include "agent/config.h"
#include "agent/output_json.h"
#include "bgp/prefix.h"
#include "tests/unit/ut.h"

static char *
line(const struct alert *a, enum alert_transition tr)
{
	static char	 out[4096];
	struct wbuf	 wb;

	wbuf_init(&wb, 0);
	UT_EQ_INT(output_json_format(&wb, a, tr, 1795426200123ULL), 0);
	UT_ASSERT(wb.len < sizeof(out));
	memcpy(out, wb.buf, wb.len);
	out[wb.len] = '\0';
	wbuf_free(&wb);
	return out;
}

static void
mk(struct alert *a)
{
	memset(a, 0, sizeof(*a));
	alert_key_init(&a->key, ALERT_RULE_EXACT_PREFIX_HIJACK, "205.251.192.0/23", 10297,
	    0, NULL);
	UT_ASSERT(prefix_parse("205.251.192.0/23", &a->victim_pfx) == 0);
	a->sample_pfx[0] = a->victim_pfx;
	UT_ASSERT(prefix_parse("205.251.193.0/24", &a->sample_pfx[1]) == 0);
	a->nsample_pfx = 2;
	a->id = 7;
	a->severity = ALERT_SEV_CRITICAL;
	a->nsources = 2;
	a->nprefixes = 2;
	a->first_seen = 1795426200000ULL;
	a->last_seen = 1795426200123ULL;
	snprintf(a->description, sizeof(a->description), "Route 53 \"dns\"\n");
}

static void
raised_line(void)
{
	struct alert	 a;
	char		*l;

	mk(&a);
	l = line(&a, ALERT_TR_RAISED);
	UT_ASSERT(strncmp(l, "{\"time\":\"2026-11-23T09:30:00.123Z\",\"id\":7,"
	    "\"state\":\"raised\",\"rule\":\"exact-prefix-hijack\",\"channel\":\"hijack\","
	    "\"severity\":\"critical\",", strlen("{\"time\":\"2026-11-23T09:30:00.123Z\","
	    "\"id\":7,\"state\":\"raised\",\"rule\":\"exact-prefix-hijack\",\"channel\":"
	    "\"hijack\",\"severity\":\"critical\",")) == 0);
	UT_ASSERT(strstr(l, "\"origin\":10297,") != NULL);
	UT_ASSERT(strstr(l, "\"sample_prefixes\":[\"205.251.192.0/23\","
	    "\"205.251.193.0/24\"]") != NULL);
	UT_ASSERT(strstr(l, "\"description\":\"Route 53 \\\"dns\\\"\\n\"") != NULL);
	/* exactly one line */
	UT_ASSERT(strchr(l, '\n') == l + strlen(l) - 1);
	UT_ASSERT(strstr(l, "\"reason\"") == NULL);
}

static void
cleared_line(void)
{
	struct alert	 a;
	char		*l;

	mk(&a);
	a.reason = ALERT_REASON_EXPIRED;
	l = line(&a, ALERT_TR_CLEARED);
	UT_ASSERT(strstr(l, "\"state\":\"cleared\"") != NULL);
	UT_ASSERT(strstr(l, "\"reason\":\"expired\"") != NULL);
	UT_ASSERT(strstr(l, "\"summary\":\"cleared critical exact-prefix-hijack") != NULL);
}

static struct config *
conf_for(const char *path)
{
	struct config_error	 err;
	char			 text[256];

	snprintf(text, sizeof(text), "alerts:\n  json-file: %s\n", path);
	return config_load_mem(text, strlen(text), "t.yml", &err);
}

/*
 * The file is a regular file, written one line per transition; a FIFO (no
 * reader) is refused at once instead of holding the event loop in open(2).
 */
static void
file_kinds(void)
{
	char		 dir[] = "/tmp/ixw-json.XXXXXX", path[64], buf[8192];
	struct config	*c;
	struct alert	 a;
	int		 fd;
	ssize_t		 n;

	UT_ASSERT(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/alerts.json", dir);
	UT_ASSERT((c = conf_for(path)) != NULL);
	UT_EQ_INT(output_json_start(c), 0);
	mk(&a);
	output_json_alert(&a, ALERT_TR_RAISED);
	UT_ASSERT((fd = open(path, O_RDONLY)) != -1);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	UT_ASSERT(n > 0 && buf[n - 1] == '\n' && memchr(buf, '\n', (size_t)n) == buf + n - 1);
	output_json_stop();
	unlink(path);
	config_free(c);
	UT_EQ_INT(mkfifo(path, 0600), 0);
	UT_ASSERT((c = conf_for(path)) != NULL);
	UT_EQ_INT(output_json_start(c), -1);		/* returns: no reader needed */
	output_json_alert(&a, ALERT_TR_RAISED);	/* counted as an error, no hang */
	output_json_stop();
	config_free(c);
	unlink(path);
	rmdir(dir);
}

UT_MAIN(
	UT_CASE(raised_line),
	UT_CASE(cleared_line),
	UT_CASE(file_kinds),
)
