/*
 * Atomic, rate-limited writes of the alert state file (see alert_file.h): write a
 * temporary file beside the target, fsync it, rename it over the target (atomic on
 * POSIX file systems), fsync the directory so the rename itself is durable.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/alert_file.h"
#include "bgp/buf.h"

#define STATE_FILE_MAX	(64u * 1024 * 1024)

static int
write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
sync_dir(const char *path)
{
	char	 dir[PATH_MAX];
	int	 fd;

	if (strlen(path) >= sizeof(dir))
		return;
	strcpy(dir, path);
	if ((fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	(void)fsync(fd);	/* best effort: some file systems refuse it */
	close(fd);
}

int
alert_file_write(const char *path, const void *buf, size_t len)
{
	char	 tmp[PATH_MAX];
	int	 fd, saved;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1)
		return -1;
	if (write_all(fd, buf, len) == -1 || fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) == -1) {
		fd = -1;
		goto fail;
	}
	sync_dir(path);
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

int
alert_file_save(struct alert_file *f, const struct alert_engine *e, uint64_t now, int force)
{
	struct wbuf	 wb;
	uint32_t	 gen = alert_state_generation(e);
	int		 rv;

	if (f->written && gen == f->saved_gen)
		return 0;
	if (!force && f->written && now < f->last_write + f->min_interval)
		return 0;
	wbuf_init(&wb, STATE_FILE_MAX);
	if (alert_state_save(e, &wb) == -1) {
		wbuf_free(&wb);
		errno = ENOMEM;
		return -1;
	}
	rv = alert_file_write(f->path, wb.buf, wb.len);
	wbuf_free(&wb);
	if (rv == -1)
		return -1;
	f->written = 1;
	f->last_write = now;
	f->saved_gen = gen;
	return 1;
}

int
alert_file_load(const char *path, struct alert_engine *e, uint64_t now)
{
	struct stat	 st;
	uint8_t		*buf = NULL;
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd, rv = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 1 : -1;
	if (fstat(fd, &st) == -1 || st.st_size <= 0 || st.st_size > STATE_FILE_MAX) {
		errno = EINVAL;
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size)) == NULL)
		goto out;
	while (got < (size_t)st.st_size) {
		if ((n = read(fd, buf + got, (size_t)st.st_size - got)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			errno = n == 0 ? EINVAL : errno;
			goto out;
		}
		got += (size_t)n;
	}
	rv = alert_state_load(e, buf, got, now);
	if (rv == -1)
		errno = EINVAL;
out:
	free(buf);
	close(fd);
	return rv;
}
