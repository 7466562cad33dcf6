/*
 * Local VRP files: read (gzip-compressed or plain, zlib's gzread handles both) and
 * hand to the pure JSON loader in rtr_json.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "rtr/rtr_file.h"

#define MAXFILE	((size_t)1 << 30)	/* refuse more than 1 GiB of JSON */

char *
rtr_file_read(const char *path, size_t *lenp, char *err, size_t errlen)
{
	gzFile gz;
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0;
	int n, e;

	if ((gz = gzopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : ENOMEM));
		return NULL;
	}
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			if (cap > MAXFILE || (nb = realloc(buf, cap)) == NULL) {
				snprintf(err, errlen, "%s: file too large", path);
				goto fail;
			}
			buf = nb;
		}
		if ((n = gzread(gz, buf + len, (unsigned)(cap - len - 1))) < 0) {
			snprintf(err, errlen, "%s: %s", path, gzerror(gz, &e));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	gzclose(gz);
	buf[len] = '\0';
	*lenp = len;
	return buf;
fail:
	gzclose(gz);
	free(buf);
	return NULL;
}

int
rtr_file_load(const char *path, uint64_t now, struct rtr_vrpset *out, char *err,
    size_t errlen)
{
	char *buf, msg[256];
	size_t len;
	int r;

	if ((buf = rtr_file_read(path, &len, err, errlen)) == NULL)
		return -1;
	r = rtr_json_parse(buf, len, now, out, msg, sizeof(msg));
	if (r == -1)
		snprintf(err, errlen, "%s:%s", path, msg);
	free(buf);
	return r;
}
