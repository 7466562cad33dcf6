/*
 * JSON-lines alert output (see output_json.h). The file descriptor is opened with
 * O_APPEND and each line goes out in one write(2), so lines are never interleaved
 * or half-buffered; a failed write is counted and logged once per streak.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/config.h"
#include "agent/config_types.h"
#include "agent/json.h"
#include "agent/log.h"
#include "agent/output_format.h"
#include "agent/output_json.h"
#include "bgp/prefix.h"

static struct {
	char		*path;
	int		 fd;
	uint64_t	 written, errors;
	int		 failing;
} oj = { .fd = -1 };

static void
put_str(struct wbuf *wb, const char *s)
{
	wbuf_put_bytes(wb, s, strlen(s));
}

static void
kv_str(struct wbuf *wb, const char *k, const char *v)
{
	put_str(wb, ",\"");
	put_str(wb, k);
	put_str(wb, "\":");
	json_escape(wb, v);
}

static void
kv_uint(struct wbuf *wb, const char *k, uint64_t v)
{
	char	 buf[64];

	snprintf(buf, sizeof(buf), ",\"%s\":%llu", k, (unsigned long long)v);
	put_str(wb, buf);
}

int
output_json_format(struct wbuf *wb, const struct alert *a, enum alert_transition tr,
    uint64_t now_ms)
{
	char	 buf[ALERT_KEY_STRLEN + 64], pfx[PREFIX_STRLEN];
	int	 i;

	output_time(now_ms, buf, sizeof(buf));
	put_str(wb, "{\"time\":");
	json_escape(wb, buf);
	kv_uint(wb, "id", a->id);
	kv_str(wb, "state", alert_transition_name(tr));
	kv_str(wb, "rule", alert_rule_name(a->key.rule));
	kv_str(wb, "channel", output_channel(a->key.rule));
	kv_str(wb, "severity", alert_severity_name(a->severity));
	kv_str(wb, "key", alert_key_fmt(&a->key, buf, sizeof(buf)));
	kv_str(wb, "victim", a->key.victim);
	kv_str(wb, "prefix", output_prefix(a, pfx, sizeof(pfx)));
	if (a->key.offender != 0)
		kv_uint(wb, "origin", a->key.offender);
	if (a->key.offender2 != 0)
		kv_uint(wb, "offender2", a->key.offender2);
	if (a->key.disc[0] != '\0')
		kv_str(wb, "discriminator", a->key.disc);
	if (tr == ALERT_TR_SUPPRESSED)
		kv_uint(wb, "suppressed", a->suppressed);
	if (tr == ALERT_TR_CLEARED)
		kv_str(wb, "reason", alert_reason_name(a->reason));
	kv_uint(wb, "sources", a->nsources);
	kv_uint(wb, "prefixes", a->nprefixes);
	kv_uint(wb, "routes", a->routes);
	output_time(a->first_seen, buf, sizeof(buf));
	kv_str(wb, "first_seen", buf);
	output_time(a->last_seen, buf, sizeof(buf));
	kv_str(wb, "last_seen", buf);
	if (a->as_path[0] != '\0')
		kv_str(wb, "as_path", a->as_path);
	if (a->matched[0] != '\0')
		kv_str(wb, "matched", a->matched);
	if (a->description[0] != '\0')
		kv_str(wb, "description", a->description);
	put_str(wb, ",\"sample_prefixes\":[");
	for (i = 0; i < a->nsample_pfx; i++) {
		if (i > 0)
			put_str(wb, ",");
		json_escape(wb, prefix_fmt(&a->sample_pfx[i], pfx, sizeof(pfx)));
	}
	put_str(wb, "],\"summary\":");
	{
		struct wbuf s;

		wbuf_init(&s, 0);
		output_summary(&s, a, tr);
		wbuf_put_u8(&s, 0);
		json_escape(wb, s.err ? "" : (const char *)s.buf);
		wbuf_free(&s);
	}
	put_str(wb, "}\n");
	return wb->err ? -1 : 0;
}

/*
 * The file, opened for appending. Only a regular file: the event loop writes
 * to it, and a FIFO without a reader (or a device) would hold the loop at the
 * open or at a write. Non-blocking so that the open itself never waits either.
 */
static int
json_fd(const char *path)
{
	struct stat	 st;
	int		 fd;

	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK,
	    0640)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

static int
json_open(const struct config *conf)
{
	const char	*path = conf->alerts.json_file;

	if (oj.fd != -1)
		close(oj.fd);
	oj.fd = -1;
	free(oj.path);
	oj.path = NULL;
	if (path == NULL)
		return 0;
	if ((oj.path = strdup(path)) == NULL)
		return -1;
	if ((oj.fd = json_fd(path)) == -1) {
		if (errno == EINVAL)
			log_warnx("alerts json-file %s: not a regular file", path);
		else
			log_warn("alerts json-file %s", path);
		return -1;
	}
	return 0;
}

int
output_json_start(const struct config *conf)
{
	return json_open(conf);
}

int
output_json_reload(const struct config *conf)
{
	return json_open(conf);
}

void
output_json_stop(void)
{
	if (oj.fd != -1)
		close(oj.fd);
	oj.fd = -1;
	free(oj.path);
	oj.path = NULL;
}

void
output_json_alert(const struct alert *a, enum alert_transition tr)
{
	struct timespec	 ts;
	struct wbuf	 wb;
	ssize_t		 n;

	if (oj.path == NULL)
		return;
	if (oj.fd == -1 && (oj.fd = json_fd(oj.path)) == -1) {
		oj.errors++;
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	wbuf_init(&wb, 0);
	output_json_format(&wb, a, tr, (uint64_t)ts.tv_sec * 1000 +
	    (uint64_t)ts.tv_nsec / 1000000);
	n = wb.err ? -1 : write(oj.fd, wb.buf, wb.len);
	if (n != (ssize_t)wb.len) {
		/* a line cut short (disk full) is ended, so the next one parses */
		if (n > 0 && write(oj.fd, "\n", 1) == -1)
			n = -1;
		oj.errors++;
		if (!oj.failing)
			log_warn("alerts json-file %s", oj.path);
		oj.failing = 1;
	} else {
		oj.written++;
		oj.failing = 0;
	}
	wbuf_free(&wb);
}

void
output_json_status(struct json *j)
{
	json_object_open(j, "json_file");
	if (oj.path != NULL)
		json_string(j, "path", oj.path);
	else
		json_null(j, "path");
	json_uint(j, "written", oj.written);
	json_uint(j, "errors", oj.errors);
	json_close(j);
}
