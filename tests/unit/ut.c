/* The unit-test runner: fork per case, alarm per case, TAP on stdout. */
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/ut.h"

unsigned ut_timeout = 60;

void
ut_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "# %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	_exit(1);
}

void
ut_skip(const char *reason)
{
	printf("# skip: %s\n", reason);
	fflush(stdout);
	_exit(77);
}

static const char *
pathjoin(const char *env, const char *dflt, const char *mid, const char *rel)
{
	static char	buf[4][4096];
	static int	slot;
	const char	*base = getenv(env);
	char		*b = buf[slot++ & 3];

	snprintf(b, sizeof(buf[0]), "%s%s%s", base ? base : dflt, mid, rel);
	return b;
}

const char *
ut_fixture(const char *rel)
{
	return pathjoin("top_srcdir", ".", "/tests/fixtures/", rel);
}

const char *
ut_shared(const char *rel)
{
	const char *p;

	if (getenv("IXW_SHARED"))
		p = pathjoin("IXW_SHARED", "", "/data/", rel);
	else
		p = pathjoin("top_srcdir", ".", "/../shared/data/", rel);
	return access(p, R_OK) == 0 ? p : NULL;
}

static int
run_one(const struct ut_case *c)
{
	pid_t	pid;
	int	status;

	fflush(stdout);
	if ((pid = fork()) == -1) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		alarm(ut_timeout);
		c->fn();
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) == -1)
		return 1;
	if (WIFSIGNALED(status)) {
		printf("# %s: killed by signal %d%s\n", c->name, WTERMSIG(status),
		    WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
		return 1;
	}
	if (WEXITSTATUS(status) == 77)
		return 77;
	return WEXITSTATUS(status) != 0;
}

int
ut_run(int argc, char **argv, const struct ut_case *cases, size_t n)
{
	size_t	 i, planned = 0, failed = 0, k = 0;
	int	 j, want;
	const char *t = getenv("UT_TIMEOUT");

	if (t != NULL && atoi(t) > 0)
		ut_timeout = (unsigned)atoi(t);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < n; i++) {
		for (want = argc < 2, j = 1; j < argc; j++)
			if (strcmp(argv[j], cases[i].name) == 0)
				want = 1;
		planned += want;
	}
	printf("1..%zu\n", planned);
	for (i = 0; i < n; i++) {
		for (want = argc < 2, j = 1; j < argc; j++)
			if (strcmp(argv[j], cases[i].name) == 0)
				want = 1;
		if (!want)
			continue;
		k++;
		int r = run_one(&cases[i]);
		if (r == 77)
			printf("ok %zu - %s # SKIP\n", k, cases[i].name);
		else if (r) {
			printf("not ok %zu - %s\n", k, cases[i].name);
			failed++;
		} else
			printf("ok %zu - %s\n", k, cases[i].name);
	}
	return failed ? 1 : 0;
}
