/*
 * ixwatch.yml / prefixes.yml: the shipped examples load, the good fixtures print
 * exactly their golden normalized form (-nv) and survive print -> load -> print
 * byte for byte, every bad fixture is refused with exactly the file:line:col message
 * in its .err file, and the values the detection engine reads come out right.
 * IXW_UPDATE_GOLDEN=1 (make update-golden) rewrites the .nv files instead.
 */
#include <dirent.h>
#include <limits.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/config.h"
#include "agent/config_types.h"
#include "tests/unit/ut.h"

static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*buf;
	long	 n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	UT_ASSERT(buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	return buf;
}

/* Replaces every occurrence of from with to (for absolute fixture paths). */
static char *
replace(const char *s, const char *from, const char *to)
{
	size_t	 lf = strlen(from), lt = strlen(to), n = 0;
	char	*out = calloc(1, strlen(s) * (lt > lf ? lt / (lf ? lf : 1) + 2 : 1) + 1);
	const char *p;

	UT_ASSERT(out != NULL);
	for (p = s; *p != '\0';) {
		if (lf && strncmp(p, from, lf) == 0) {
			memcpy(out + n, to, lt);
			n += lt;
			p += lf;
		} else
			out[n++] = *p++;
	}
	out[n] = '\0';
	return out;
}

static char *
print_cfg(const struct config *cfg, int prefixes)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&buf, &len);

	UT_ASSERT(f != NULL);
	UT_EQ_INT(prefixes ? config_print_prefixes(f, cfg) : config_print(f, cfg), 0);
	fclose(f);
	return buf;
}

static struct config *
load_ok(const char *path)
{
	struct config_error	 err;
	struct config		*cfg;
	char			 msg[2048];

	cfg = config_load(path, &err);
	if (cfg == NULL)
		ut_fail(__FILE__, __LINE__, "%s", config_error_fmt(&err, msg, sizeof(msg)));
	return cfg;
}

static struct config *
load_str(const char *text, const char *name, char *msg, size_t len)
{
	struct config_error	 err;
	struct config		*cfg;

	cfg = config_load_mem(text, strlen(text), name, &err);
	if (cfg == NULL)
		config_error_fmt(&err, msg, len);
	return cfg;
}

static char *
fixture_dir(const char *rel)
{
	char *d = realpath(ut_fixture(rel), NULL);

	UT_ASSERT(d != NULL);
	return d;
}

/* --- examples ------------------------------------------------------------- */

static void
test_examples_load(void)
{
	char			 path[PATH_MAX];
	struct config		*cfg;
	const struct config_bgp_neighbor *nb;
	const struct config_prefix *p;
	size_t			 n;

	snprintf(path, sizeof(path), "%s/doc/examples/ixwatch.yml",
	    getenv("top_srcdir") ? getenv("top_srcdir") : ".");
	cfg = load_ok(path);
	UT_EQ_INT(cfg->sources.bmp.nlisten, 2);
	UT_EQ_INT(cfg->sources.bmp.listen[0].port, 11019);
	UT_EQ_INT(cfg->sources.bgp.nneighbors, 1);
	nb = &cfg->sources.bgp.neighbors[0];
	UT_EQ_STR(nb->name, "rs1");
	UT_EQ_INT(nb->address.af, PREFIX_AF_IPV4);
	UT_EQ_INT(nb->address.addr[0], 127);
	UT_EQ_INT(nb->address.addr[2], 1);
	UT_EQ_INT(nb->address.addr[3], 5);
	UT_ASSERT(nb->port != 179);
	UT_EQ_INT(nb->local_as, 64512);
	UT_EQ_INT(nb->role, CONFIG_ROLE_RS_CLIENT);
	UT_EQ_INT(cfg->rpki.ngroups, 1);
	UT_EQ_STR(cfg->rpki.groups[0].caches[0].host, "127.0.0.1");
	UT_EQ_INT(cfg->rpki.groups[0].caches[0].port, 13323);
	UT_ASSERT(cfg->outputs.snmp.enabled);
	UT_EQ_INT(cfg->outputs.snmp.nsinks, 2);
	UT_EQ_INT(cfg->outputs.snmp.sinks[1].auth, CONFIG_SNMP_AUTH_SHA256);
	UT_EQ_INT(cfg->outputs.syslog.nremote, 1);
	p = config_prefixes(cfg, &n);
	UT_EQ_INT(n, 5);
	UT_ASSERT(strstr(cfg->pfx.file, "doc/examples/prefixes.yml") != NULL);
	UT_EQ_INT(p[0].prefix.af, PREFIX_AF_IPV4);
	config_free(cfg);
}

/* --- golden -nv output and round trips ------------------------------------- */

static const char *const goods[] = { "minimal", "full", "bgpalerter", NULL };

static void
golden_compare(const char *dir, const char *name, const char *ext, const char *out)
{
	char	 path[PATH_MAX], *want, *got;

	snprintf(path, sizeof(path), "%s/%s%s", dir, name, ext);
	got = replace(out, dir, "@DIR@");
	if (getenv("IXW_UPDATE_GOLDEN") != NULL) {
		FILE *f = fopen(path, "w");
		UT_ASSERT(f != NULL);
		fputs(got, f);
		fclose(f);
	}
	if ((want = slurp(path)) == NULL)
		ut_fail(__FILE__, __LINE__, "%s missing (make update-golden)", path);
	if (strcmp(want, got) != 0)
		ut_fail(__FILE__, __LINE__, "%s%s differs from the golden file %s:\n%s",
		    name, ext, path, got);
	free(want);
	free(got);
}

static void
test_good_golden(void)
{
	char		*dir = fixture_dir("config/good"), path[PATH_MAX], *out;
	struct config	*cfg;
	size_t		 i;

	for (i = 0; goods[i] != NULL; i++) {
		snprintf(path, sizeof(path), "%s/%s.yml", dir, goods[i]);
		cfg = load_ok(path);
		out = print_cfg(cfg, 0);
		golden_compare(dir, goods[i], ".nv", out);
		free(out);
		if (cfg->pfx.file != NULL) {
			out = print_cfg(cfg, 1);
			golden_compare(dir, goods[i], ".prefixes.nv", out);
			free(out);
		}
		config_free(cfg);
	}
	free(dir);
}

/* print -> load -> print is byte-identical, for ixwatch.yml and prefixes.yml. */
static void
roundtrip(const char *path)
{
	char		 tmpl[] = "/tmp/ixw-config-XXXXXX", file[PATH_MAX + 32];
	char		*a, *b, *pa, *pb;
	struct config	*cfg, *cfg2;
	FILE		*f;

	cfg = load_ok(path);
	a = print_cfg(cfg, 0);
	pa = print_cfg(cfg, 1);
	UT_ASSERT(mkdtemp(tmpl) != NULL);
	/* the prefixes go through their own normalized file */
	snprintf(file, sizeof(file), "%s/prefixes.yml", tmpl);
	UT_ASSERT((f = fopen(file, "w")) != NULL);
	fputs(pa, f);
	fclose(f);
	snprintf(file, sizeof(file), "%s/ixwatch.yml", tmpl);
	UT_ASSERT((f = fopen(file, "w")) != NULL);
	fputs(a, f);
	if (cfg->pfx.file != NULL)
		fprintf(f, "prefixes-file: prefixes.yml\n");
	fclose(f);
	if (cfg->pfx.file != NULL) {
		/* drop the original prefixes-file line: the copy above replaces it */
		char *txt = slurp(file), *line = strstr(txt, "prefixes-file: \"");
		UT_ASSERT(line != NULL);
		memmove(line, strchr(line, '\n') + 1, strlen(strchr(line, '\n') + 1) + 1);
		UT_ASSERT((f = fopen(file, "w")) != NULL);
		fputs(txt, f);
		fclose(f);
		free(txt);
	}
	cfg2 = load_ok(file);
	b = print_cfg(cfg2, 0);
	pb = print_cfg(cfg2, 1);
	if (cfg->pfx.file != NULL) {
		char *a2 = replace(a, cfg->pfx.file, "P"), *b2 = replace(b, cfg2->pfx.file, "P");
		UT_EQ_STR(b2, a2);
		free(a2);
		free(b2);
	} else
		UT_EQ_STR(b, a);
	UT_EQ_STR(pb, pa);
	unlink(file);
	snprintf(file, sizeof(file), "%s/prefixes.yml", tmpl);
	unlink(file);
	rmdir(tmpl);
	free(a);
	free(b);
	free(pa);
	free(pb);
	config_free(cfg);
	config_free(cfg2);
}

static void
test_roundtrip(void)
{
	char	*dir = fixture_dir("config/good"), path[PATH_MAX];
	size_t	 i;

	for (i = 0; goods[i] != NULL; i++) {
		snprintf(path, sizeof(path), "%s/%s.yml", dir, goods[i]);
		roundtrip(path);
	}
	snprintf(path, sizeof(path), "%s/doc/examples/ixwatch.yml",
	    getenv("top_srcdir") ? getenv("top_srcdir") : ".");
	roundtrip(path);
	free(dir);
}

/* --- bad files -------------------------------------------------------------- */

static void
test_bad_files(void)
{
	char			*dir = fixture_dir("config/bad"), path[PATH_MAX], msg[2048];
	char			*want, *got, *nl, prefix[PATH_MAX + 2];
	struct dirent		*de;
	struct config_error	 err;
	struct config		*cfg;
	DIR			*d;
	size_t			 len, n = 0;

	UT_ASSERT(chdir(dir) == 0);
	UT_ASSERT((d = opendir(".")) != NULL);
	snprintf(prefix, sizeof(prefix), "%s/", dir);
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".yml") != 0 ||
		    strstr(de->d_name, ".prefixes.yml") != NULL)
			continue;
		cfg = config_load(de->d_name, &err);
		if (cfg != NULL)
			ut_fail(__FILE__, __LINE__, "%s loaded but should fail", de->d_name);
		got = replace(config_error_fmt(&err, msg, sizeof(msg)), prefix, "");
		snprintf(path, sizeof(path), "%.*s.err", (int)(len - 4), de->d_name);
		if ((want = slurp(path)) == NULL)
			ut_fail(__FILE__, __LINE__, "%s has no .err file", de->d_name);
		if ((nl = strchr(want, '\n')) != NULL)
			*nl = '\0';
		UT_EQ_STR(got, want);
		/* every message names a position in a file */
		UT_ASSERT(err.line > 0 && err.col > 0);
		free(want);
		free(got);
		n++;
	}
	closedir(d);
	UT_ASSERT(n >= 25);
	printf("# %zu bad files refused with the expected message\n", n);
	free(dir);
}

/* --- values ------------------------------------------------------------------- */

static const char *const nb_head =
    "sources:\n  bgp:\n    local-as: 65000\n    router-id: 192.0.2.1\n"
    "    neighbors:\n      - name: n\n        address: 2001:db8::1\n";

static uint32_t
remote_as(const char *text, char *msg, size_t len)
{
	char		 buf[1024];
	struct config	*cfg;
	uint32_t	 asn;

	snprintf(buf, sizeof(buf), "%s        remote-as: %s\n", nb_head, text);
	if ((cfg = load_str(buf, "t.yml", msg, len)) == NULL)
		return 0;
	asn = cfg->sources.bgp.neighbors[0].remote_as;
	config_free(cfg);
	return asn;
}

static void
test_asn_forms(void)
{
	char	msg[1024];

	UT_EQ_INT(remote_as("65000", msg, sizeof(msg)), 65000);
	UT_EQ_INT(remote_as("AS65000", msg, sizeof(msg)), 65000);
	UT_EQ_INT(remote_as("as4200000000", msg, sizeof(msg)), 4200000000u);
	UT_EQ_INT(remote_as("1.10", msg, sizeof(msg)), 65546);
	UT_EQ_INT(remote_as("\"AS1.0\"", msg, sizeof(msg)), 65536);
	UT_EQ_INT(remote_as("4294967295", msg, sizeof(msg)), 4294967295u);
	UT_EQ_INT(remote_as("4294967296", msg, sizeof(msg)), 0);
	UT_EQ_STR(msg, "t.yml:8:20: remote-as: invalid AS number \"4294967296\" (use 65000, "
	    "AS65000 or asdot 1.10; at most 4294967295)");
	UT_EQ_INT(remote_as("65536.1", msg, sizeof(msg)), 0);
	UT_EQ_INT(remote_as("-1", msg, sizeof(msg)), 0);
	UT_EQ_INT(remote_as("ASX", msg, sizeof(msg)), 0);
	UT_EQ_INT(remote_as("1.", msg, sizeof(msg)), 0);
}

/* snmp engine-id: 5..32 octets of hex, 0x optional; refused with file:line:col */
static void
test_engine_id(void)
{
	static const char *const ok[] = { "0x80007ed9046978772d74657374", "8000000001",
	    "0X0102030405060708091011121314151617181920212223242526272829303132" };
	static const char *const bad[] = { "0x80007ed90", "80000000", "0x8000000001zz",
	    "0x010203040506070809101112131415161718192021222324252627282930313233" };
	char		 buf[512], msg[1024];
	struct config	*cfg;
	size_t		 i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(buf, sizeof(buf), "outputs:\n  snmp:\n    engine-id: \"%s\"\n", ok[i]);
		UT_ASSERT((cfg = load_str(buf, "t.yml", msg, sizeof(msg))) != NULL);
		UT_EQ_STR(cfg->outputs.snmp.engine_id, ok[i]);
		config_free(cfg);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "outputs:\n  snmp:\n    engine-id: \"%s\"\n", bad[i]);
		UT_ASSERT(load_str(buf, "t.yml", msg, sizeof(msg)) == NULL);
		UT_ASSERT(strncmp(msg, "t.yml:3:16: engine-id: 5 to 32 octets in hexadecimal",
		    52) == 0);
	}
	/* v3 trap sinks: one key set per user (informs have the receiver's engine) */
	snprintf(buf, sizeof(buf), "outputs:\n  snmp:\n    traps:\n%s%s",
	    "      - { address: 192.0.2.1, version: 3, user: u, auth: sha, "
	    "auth-passphrase: aaaaaaaa }\n",
	    "      - { address: 192.0.2.2, version: 3, user: u, auth: sha, "
	    "auth-passphrase: bbbbbbbb }\n");
	UT_ASSERT(load_str(buf, "t.yml", msg, sizeof(msg)) == NULL);
	UT_ASSERT(strstr(msg, "snmp v3 trap sinks 1 and 2: user u with different auth") != NULL);
	snprintf(buf, sizeof(buf), "outputs:\n  snmp:\n    traps:\n%s%s",
	    "      - { address: 192.0.2.1, version: 3, user: u, auth: sha, "
	    "auth-passphrase: aaaaaaaa }\n",
	    "      - { address: 192.0.2.2, version: 3, user: u, auth: sha, "
	    "auth-passphrase: bbbbbbbb, inform: true }\n");
	UT_ASSERT((cfg = load_str(buf, "t.yml", msg, sizeof(msg))) != NULL);
	config_free(cfg);
}

/* syslog templates: an unclosed or empty ${ is refused where it is written */
static void
test_templates(void)
{
	char		 msg[1024];
	struct config	*cfg;

	cfg = load_str("outputs:\n  syslog:\n    template: \"${summary} ($$5) ${prefix}\"\n",
	    "t.yml", msg, sizeof(msg));
	UT_ASSERT(cfg != NULL);
	config_free(cfg);
	UT_ASSERT(load_str("outputs:\n  syslog:\n    template: \"alert ${summary\"\n",
	    "t.yml", msg, sizeof(msg)) == NULL);
	UT_EQ_STR(msg, "t.yml:3:15: template: \"${\" at character 7 opens no ${name}");
	UT_ASSERT(load_str("outputs:\n  syslog:\n    remote:\n      - address: 127.0.0.1\n"
	    "        template: \"${}\"\n", "t.yml", msg, sizeof(msg)) == NULL);
	UT_EQ_STR(msg, "t.yml:5:19: template: \"${\" at character 1 opens no ${name}");
}

static uint32_t
hold_time(const char *text, char *msg, size_t len)
{
	char		 buf[1024];
	struct config	*cfg;
	uint32_t	 v;

	snprintf(buf, sizeof(buf), "%s        remote-as: 1\n        hold-time: %s\n",
	    nb_head, text);
	if ((cfg = load_str(buf, "t.yml", msg, len)) == NULL)
		return 1;
	v = cfg->sources.bgp.neighbors[0].hold_time;
	config_free(cfg);
	return v;
}

static void
test_durations(void)
{
	char	msg[1024];

	UT_EQ_INT(hold_time("30s", msg, sizeof(msg)), 30);
	UT_EQ_INT(hold_time("3m", msg, sizeof(msg)), 180);
	UT_EQ_INT(hold_time("1m30s", msg, sizeof(msg)), 90);
	UT_EQ_INT(hold_time("240", msg, sizeof(msg)), 240);
	UT_EQ_INT(hold_time("0", msg, sizeof(msg)), 0);
	UT_EQ_INT(hold_time("1d", msg, sizeof(msg)), 1);
	UT_EQ_STR(msg, "t.yml:9:20: hold-time: duration 1d is out of range (0s..65535s)");
	UT_EQ_INT(hold_time("m", msg, sizeof(msg)), 1);
	UT_EQ_INT(hold_time("1m1m", msg, sizeof(msg)), 1);	/* a unit twice */
	UT_EQ_STR(msg, "t.yml:9:20: hold-time: invalid duration \"1m1m\" (use 30s, 5m, 1h, "
	    "1d or seconds)");
	UT_EQ_INT(hold_time("30s1m", msg, sizeof(msg)), 1);	/* smaller first */
	UT_EQ_INT(hold_time("1m30", msg, sizeof(msg)), 1);	/* a bare number after */
	UT_EQ_INT(hold_time("5 m", msg, sizeof(msg)), 1);
	UT_EQ_INT(hold_time("99999999999s", msg, sizeof(msg)), 1);
}

static void
test_defaults(void)
{
	char		 msg[1024];
	struct config	*cfg = load_str("", "empty.yml", msg, sizeof(msg));
	const struct config_daemon *d;

	UT_ASSERT(cfg != NULL);
	d = config_daemon(cfg);
	UT_ASSERT(d->user == NULL);
	UT_EQ_STR(d->pidfile, IXW_RUNDIR "/ixwatchd.pid");
	UT_EQ_STR(d->control_socket, IXW_RUNDIR "/ixwatchd.sock");
	UT_EQ_INT(d->control_mode, 0660);
	UT_EQ_INT(d->log_facility, 3 << 3);	/* LOG_DAEMON */
	UT_EQ_INT(cfg->outputs.snmp.enterprise, 32473);
	UT_EQ_STR(cfg->outputs.snmp.agentx_socket, "/var/agentx/master");
	UT_EQ_INT(config_rule(cfg, CONFIG_RULE_HIJACK)->severity, CONFIG_SEV_CRITICAL);
	UT_EQ_INT(config_rule(cfg, CONFIG_RULE_MOAS)->enabled, 0);
	UT_EQ_INT(cfg->pfx.nprefixes, 0);
	config_free(cfg);
	config_free(NULL);
	/* an empty value is the default (found by the fuzzer: it did not round-trip) */
	cfg = load_str("daemon:\n  user: ixwatch\n  pidfile:\n  group: ~\n", "e.yml", msg,
	    sizeof(msg));
	UT_ASSERT(cfg != NULL);
	UT_EQ_STR(config_daemon(cfg)->pidfile, IXW_RUNDIR "/ixwatchd.pid");
	UT_ASSERT(config_daemon(cfg)->group == NULL);
	config_free(cfg);
}

static void
test_bgpalerter_file(void)
{
	struct config			*cfg;
	const struct config_prefix	*p;
	const struct config_monitor_as	*m;
	size_t				 n, i, npath = 0;

	cfg = load_ok(ut_fixture("config/good/bgpalerter.yml"));
	p = config_prefixes(cfg, &n);
	UT_ASSERT(n >= 30);
	for (i = 1; i < n; i++)
		UT_ASSERT(prefix_cmp(&p[i - 1].prefix, &p[i].prefix) < 0);
	for (i = 0; i < n; i++) {
		size_t k;
		for (k = 1; k < p[i].nasns; k++)
			UT_ASSERT(p[i].asns[k - 1] < p[i].asns[k]);
		UT_ASSERT(p[i].ngroups >= 1);
		if (p[i].npaths > 0 && p[i].paths[0].match != NULL) {
			npath++;
			/* BGPalerter tests the regex on the comma-joined AS path */
			if (strcmp(p[i].paths[0].match, ".*64496,64500$") == 0) {
				UT_EQ_INT(regexec(&p[i].paths[0].match_re, "174,64496,64500",
				    0, NULL, 0), 0);
				UT_ASSERT(regexec(&p[i].paths[0].match_re, "174,64500",
				    0, NULL, 0) != 0);
			}
		}
		if (p[i].flags & CONFIG_PFX_IGNORE)
			UT_EQ_INT(p[i].asns[0], 64999);
	}
	UT_EQ_INT(npath, 2);
	/* BGPalerter monitor names: includeMonitors limits, excludeMonitors removes */
	for (i = 0; i < n; i++) {
		if (p[i].ninclude_monitors > 0) {
			UT_ASSERT(config_prefix_rule_enabled(&p[i], CONFIG_RULE_HIJACK));
			UT_ASSERT(config_prefix_rule_enabled(&p[i], CONFIG_RULE_NEW_PREFIX));
			UT_ASSERT(!config_prefix_rule_enabled(&p[i], CONFIG_RULE_VISIBILITY));
		}
		if (p[i].nexclude_monitors > 0) {
			UT_ASSERT(!config_prefix_rule_enabled(&p[i], CONFIG_RULE_VISIBILITY));
			UT_ASSERT(config_prefix_rule_enabled(&p[i], CONFIG_RULE_HIJACK));
		}
	}
	m = config_monitor_asns(cfg, &n);
	UT_EQ_INT(n, 3);
	UT_EQ_INT(m[0].asn, 64500);
	UT_EQ_INT(m[0].nupstreams, 3);
	UT_EQ_INT(m[0].upstreams[0], 174);
	UT_EQ_STR(m[0].groups[0], "noc");
	UT_EQ_INT(m[2].nupstreams, 0);
	config_free(cfg);
}

static void
test_mem_and_reload(void)
{
	char		 msg[1024];
	struct config	*a, *b;

	/* two configs alive at once (a reload), freed in either order */
	a = load_str("daemon:\n  user: a\n", "/etc/ixwatch/a.yml", msg, sizeof(msg));
	b = load_str("daemon:\n  user: b\n", "/etc/ixwatch/b.yml", msg, sizeof(msg));
	UT_ASSERT(a != NULL && b != NULL);
	UT_EQ_STR(config_daemon(a)->user, "a");
	UT_EQ_STR(config_daemon(b)->user, "b");
	config_free(a);
	UT_EQ_STR(config_daemon(b)->user, "b");
	config_free(b);
	UT_ASSERT(load_str("daemon:\n  user: [x]\n", "mem.yml", msg, sizeof(msg)) == NULL);
	UT_EQ_STR(msg, "mem.yml:2:9: user: expected a string, found a list");
	/* aliases expand; a billion-laughs expansion is refused, not run */
	a = load_str("x: &u ixw\n", "m.yml", msg, sizeof(msg));
	UT_ASSERT(a == NULL);
	UT_EQ_STR(msg, "m.yml:1:1: unknown key \"x\" in the top level");
	a = load_str("daemon:\n  user: &u ixw\n  group: *u\n", "m.yml", msg, sizeof(msg));
	UT_ASSERT(a != NULL);
	UT_EQ_STR(config_daemon(a)->group, "ixw");
	config_free(a);
}

static const struct config_prefix *
covering(const struct config *cfg, const char *text)
{
	struct prefix	p;

	UT_EQ_INT(prefix_parse(text, &p), 0);
	return config_prefix_covering(cfg, &p);
}

static void
test_lookups(void)
{
	char				 path[PATH_MAX];
	struct config			*cfg;
	const struct config_prefix	*p;
	const struct config_relationship *r;
	struct prefix			 q;

	snprintf(path, sizeof(path), "%s/doc/examples/ixwatch.yml",
	    getenv("top_srcdir") ? getenv("top_srcdir") : ".");
	cfg = load_ok(path);
	UT_EQ_INT(prefix_parse("198.51.100.0/24", &q), 0);
	UT_ASSERT((p = config_prefix_find(cfg, &q)) != NULL);
	UT_EQ_STR(p->description, "Anycast DNS");
	UT_EQ_INT(prefix_parse("198.51.100.0/25", &q), 0);
	UT_ASSERT(config_prefix_find(cfg, &q) == NULL);
	UT_ASSERT((p = covering(cfg, "198.51.100.128/25")) != NULL);
	UT_EQ_STR(p->description, "Anycast DNS");
	/* the delegated /36 is the longest match inside the /32 */
	UT_ASSERT((p = covering(cfg, "2001:db8:1234::/48")) != NULL);
	UT_ASSERT(p->flags & CONFIG_PFX_IGNORE);
	UT_ASSERT((p = covering(cfg, "2001:db8:f000::/48")) != NULL);
	UT_EQ_INT(p->prefix.len, 32);
	UT_ASSERT(covering(cfg, "192.0.3.0/24") == NULL);
	UT_ASSERT(config_monitor_as_find(cfg, 64500) != NULL);
	UT_ASSERT(config_monitor_as_find(cfg, 64501) == NULL);
	UT_ASSERT((r = config_relationship_find(cfg, 64500, 0)) != NULL);
	UT_EQ_INT(r->nproviders, 2);
	UT_EQ_INT(r->providers[0], 174);
	UT_ASSERT((r = config_relationship_find(cfg, 64500, 1)) != NULL);
	UT_EQ_INT(r->customers[0], 64999);
	UT_ASSERT(config_relationship_find(cfg, 1, 0) == NULL);
	config_free(cfg);
}

/* The ixwatch: extension keys end up in the struct the engine reads. */
static void
test_prefix_extensions(void)
{
	char				 path[PATH_MAX];
	struct config			*cfg;
	const struct config_prefix	*p;

	snprintf(path, sizeof(path), "%s/doc/examples/ixwatch.yml",
	    getenv("top_srcdir") ? getenv("top_srcdir") : ".");
	cfg = load_ok(path);
	p = covering(cfg, "198.51.100.0/24");
	UT_ASSERT(p != NULL);
	UT_EQ_INT(p->nasns, 2);
	UT_EQ_INT(p->nupstreams, 2);
	UT_EQ_INT(p->upstreams[0], 1299);
	UT_EQ_INT(p->max_prepend, 3);
	UT_EQ_INT(p->severity, CONFIG_SEV_ERROR);
	UT_ASSERT(p->flags & CONFIG_PFX_IGNORE_MORESPECIFICS);
	UT_EQ_INT(p->ngroups, 2);
	UT_EQ_INT(p->npaths, 1);
	UT_EQ_INT(regexec(&p->paths[0].match_re, "3356,174,64500", 0, NULL, 0), 0);
	p = covering(cfg, "2001:db8::/32");
	UT_ASSERT(p->flags & CONFIG_PFX_NO_EXPORT);
	UT_EQ_INT(p->min_sources, 2);
	UT_EQ_INT(p->severity, -1);
	UT_EQ_INT(p->disabled_rules, 1u << CONFIG_RULE_NEW_PREFIX);
	UT_EQ_STR(p->groups[0], "default");
	UT_ASSERT(!config_prefix_rule_enabled(p, CONFIG_RULE_NEW_PREFIX));
	UT_ASSERT(!config_prefix_rule_enabled(p, CONFIG_RULE_VISIBILITY));	/* excluded */
	UT_ASSERT(config_prefix_rule_enabled(p, CONFIG_RULE_HIJACK));
	p = covering(cfg, "203.0.113.0/24");
	UT_EQ_INT(p->nasns, 0);		/* squatting space */
	UT_ASSERT(config_prefix_rule_enabled(p, CONFIG_RULE_SQUATTING));
	p = covering(cfg, "2001:db8:1000::/36");
	UT_ASSERT(!config_prefix_rule_enabled(p, CONFIG_RULE_HIJACK));	/* ignore */
	config_free(cfg);
}

UT_MAIN(UT_CASE(test_lookups), UT_CASE(test_prefix_extensions), UT_CASE(test_examples_load), UT_CASE(test_good_golden), UT_CASE(test_roundtrip),
    UT_CASE(test_bad_files), UT_CASE(test_templates), UT_CASE(test_engine_id), UT_CASE(test_asn_forms), UT_CASE(test_durations),
    UT_CASE(test_defaults), UT_CASE(test_bgpalerter_file), UT_CASE(test_mem_and_reload))
