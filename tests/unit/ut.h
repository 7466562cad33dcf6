/*
 * Minimal unit-test harness. Each case runs in a forked child under an alarm, so a
 * crash or hang fails that case alone; results are TAP, counted per case by the
 * automake TAP driver. Assertions print file:line and the values before failing.
 */
#ifndef IXW_UT_H
#define IXW_UT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ut_case {
	const char	*name;
	void		(*fn)(void);
};

#define UT_CASE(f)	{ #f, f }

/* Runs all cases (or those named on the command line); returns the exit status. */
int	 ut_run(int argc, char **argv, const struct ut_case *, size_t n);
void	 ut_fail(const char *file, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4), noreturn));
/* Skip the running case (e.g. optional data absent): reported as TAP SKIP. */
void	 ut_skip(const char *reason) __attribute__((noreturn));
/* Path of a file under tests/fixtures (honours $top_srcdir). */
const char *ut_fixture(const char *rel);
/* Path under ../shared/data (honours $IXW_SHARED); NULL if absent. */
const char *ut_shared(const char *rel);
/* Per-case seconds before the alarm fires (default 60). */
extern unsigned ut_timeout;

#define UT_ASSERT(c) do {						\
	if (!(c))							\
		ut_fail(__FILE__, __LINE__, "assertion failed: %s", #c);	\
} while (0)

#define UT_EQ_INT(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b)							\
		ut_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", \
		    #a, _a, #b, _b);					\
} while (0)

#define UT_EQ_STR(a, b) do {						\
	const char *_a = (a), *_b = (b);				\
	if (_a == NULL || _b == NULL || strcmp(_a, _b) != 0)		\
		ut_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", \
		    #a, _a ? _a : "(null)", _b ? _b : "(null)");	\
} while (0)

#define UT_EQ_MEM(a, b, n) do {						\
	if (memcmp((a), (b), (n)) != 0)					\
		ut_fail(__FILE__, __LINE__, "%s differs from %s over %zu bytes", \
		    #a, #b, (size_t)(n));				\
} while (0)

#define UT_MAIN(...)							\
int main(int argc, char **argv)						\
{									\
	static const struct ut_case cases[] = { __VA_ARGS__ };		\
	return ut_run(argc, argv, cases, sizeof(cases) / sizeof(cases[0])); \
}

#endif /* IXW_UT_H */
