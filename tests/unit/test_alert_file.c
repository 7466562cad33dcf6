/* The alert state file: atomic write, minimum interval, load after a restart. */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "agent/alert_file.h"
#include "tests/unit/ut.h"

#define T0	1700000000000ULL

static char	 dir[64], path[128];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/ixw-alert-XXXXXX");
	UT_ASSERT(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/alerts.state", dir);
}

static void
teardown(void)
{
	char tmp[160];

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);
	unlink(path);
	rmdir(dir);
}

static struct alert_engine *
engine_with_alert(void)
{
	struct alert_engine	*e = alert_engine_new(NULL, NULL, NULL);
	struct alert_key	 k;
	struct alert_policy	 p;

	UT_ASSERT(e != NULL);
	alert_policy_default(ALERT_RULE_ROUTE_LEAK, &p);
	p.raise_holddown = 0;
	alert_policy_set(e, ALERT_RULE_ROUTE_LEAK, &p);
	alert_key_init(&k, ALERT_RULE_ROUTE_LEAK, "AS64500", 64501, 0, NULL);
	UT_EQ_INT(alert_assert(e, &k, 1, NULL, NULL, T0), 0);
	return e;
}

static void
save_interval_and_load(void)
{
	struct alert_engine	*e, *f;
	struct alert_file	 af = { .min_interval = 600000 };
	struct alert_key	 k;
	struct stat		 st;

	setup();
	af.path = path;
	e = engine_with_alert();
	UT_EQ_INT(alert_file_save(&af, e, T0, 0), 1);
	UT_EQ_INT(stat(path, &st), 0);
	UT_EQ_INT(st.st_mode & 0777, 0600);
	UT_EQ_INT(alert_file_save(&af, e, T0 + 1000, 0), 0);	/* unchanged */
	alert_key_init(&k, ALERT_RULE_ROUTE_LEAK, "AS64500", 64502, 0, NULL);
	alert_assert(e, &k, 1, NULL, NULL, T0 + 2000);
	UT_EQ_INT(alert_file_save(&af, e, T0 + 2000, 0), 0);	/* changed, too soon */
	UT_EQ_INT(alert_file_save(&af, e, T0 + 2000, 1), 1);	/* forced (shutdown) */
	f = alert_engine_new(NULL, NULL, NULL);
	UT_EQ_INT(alert_file_load(path, f, T0 + 3000), 0);
	UT_ASSERT(alert_find_key(f, &k) != NULL);
	UT_EQ_INT(alert_find_key(f, &k)->id, 2);
	alert_engine_free(e);
	alert_engine_free(f);
	teardown();
}

static void
missing_and_garbage(void)
{
	struct alert_engine	*f = alert_engine_new(NULL, NULL, NULL);
	FILE			*fp;

	setup();
	UT_EQ_INT(alert_file_load(path, f, T0), 1);
	fp = fopen(path, "w");
	UT_ASSERT(fp != NULL);
	fputs("not a state file at all, but long enough to be parsed\n", fp);
	fclose(fp);
	UT_EQ_INT(alert_file_load(path, f, T0), -1);
	UT_EQ_INT(errno, EINVAL);
	UT_ASSERT(alert_first(f) == NULL);
	/* an unwritable directory leaves the old file alone */
	UT_EQ_INT(alert_file_write("/nonexistent-dir/x/alerts.state", "x", 1), -1);
	alert_engine_free(f);
	teardown();
}

UT_MAIN(UT_CASE(save_interval_and_load), UT_CASE(missing_and_garbage))
