/*
 * agent/rpkid: routes get their RFC 6811 state at arrival from a JSON VRP file;
 * an edited file is picked up by the polling on the running loop and only the routes
 * under the changed VRPs are revalidated (counted); ASPA from the ASPA file (upstream
 * and, for a neighbor whose role makes it our provider, downstream); health events;
 * the control commands; big revalidations run in bounded slices.
 */
#include <sys/stat.h>
#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/config_types.h"
#include "agent/control.h"
#include "agent/loop.h"
#include "agent/rpkid.h"
#include "agent/source.h"
#include "bgp/rib.h"
#include "rtr/rtr_vrp.h"
#include "tests/unit/ut.h"

static const struct bgp_sess sess4 = { 1, 0, 0, 0, 0 };

static char dir[64];

static const char *
tmpfile_path(const char *name)
{
	static char buf[4][128];
	static int i;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/test_rpkid.XXXXXX");
		UT_ASSERT(mkdtemp(dir) != NULL);
	}
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* Writes the file and moves its mtime by `age` seconds so a reload sees it. */
static void
write_file(const char *path, const char *text, int age)
{
	struct timeval	 tv[2];
	FILE		*f;

	UT_ASSERT((f = fopen(path, "w")) != NULL);
	fputs(text, f);
	UT_EQ_INT(fclose(f), 0);
	gettimeofday(&tv[0], NULL);
	tv[0].tv_sec += age;
	tv[1] = tv[0];
	UT_EQ_INT(utimes(path, tv), 0);
}

/* Announces prefixes with an AS path through src. */
static void
announce(struct source *src, const char *const *pfx, size_t n, const uint32_t *path,
    size_t npath)
{
	static const uint8_t	 nh[4] = { 192, 0, 2, 1 };
	struct bgp_route	 r[64];
	struct bgp_update_enc	 enc;
	struct bgp_attrs	 a;
	struct bgp_error	 e;
	struct wbuf		 w, pw;
	size_t			 i;

	UT_ASSERT(n <= 64);
	memset(&enc, 0, sizeof(enc));
	for (i = 0; i < n; i++) {
		UT_EQ_INT(prefix_parse(pfx[i], &r[i].pfx), 0);
		r[i].path_id = 0;
	}
	wbuf_init(&w, 0);
	wbuf_init(&pw, 0);
	bgp_attrs_init(&a);
	bgp_aspath_put(&pw, BGP_SEG_SEQUENCE, path, npath, 1);
	a.aspath = pw.buf;
	a.aspath_len = (uint16_t)pw.len;
	a.aspath_as4 = 1;
	a.origin = BGP_ORIGIN_IGP;
	bgp_nexthop_set(&a.nexthop, PREFIX_AF_IPV4, nh, NULL);
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	    BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	enc.announce = r;
	enc.nannounce = n;
	enc.attrs = &a;
	UT_EQ_INT(bgp_update_encode(&w, &sess4, &enc), 0);
	UT_EQ_INT(source_apply_update(src, w.buf + BGP_HDR_LEN, w.len - BGP_HDR_LEN, &e),
	    BGP_OK);
	wbuf_free(&w);
	wbuf_free(&pw);
}

static uint8_t
state_of(const char *pfx, uint16_t rib_id)
{
	static struct rib_route	r[512];
	struct prefix		p;
	int			i, n;

	UT_EQ_INT(prefix_parse(pfx, &p), 0);
	n = rib_lookup_exact(source_rib(), &p, r, 512);
	for (i = 0; i < n && i < 512; i++)
		if (r[i].source == rib_id)
			return r[i].state;
	ut_fail(__FILE__, __LINE__, "no route %s from %u", pfx, rib_id);
	return 0xff;
}

#define ROV(p, id)	RIB_STATE_RPKI(state_of((p), (id)))
#define ASPA(p, id)	RIB_STATE_ASPA(state_of((p), (id)))

static void
stop_loop(int fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	loop_exit();
}

/* Runs the real loop for ms milliseconds. */
static void
run_loop(unsigned long ms)
{
	struct loop_event *t;

	UT_ASSERT((t = loop_timer_new(stop_loop, NULL)) != NULL);
	UT_EQ_INT(loop_timer_add(t, ms), 0);
	UT_EQ_INT(loop_run(), 0);
	loop_event_free(t);
}

/* Runs the loop until a revalidation pass is done and nothing is queued (10 s at most). */
static void
run_until_idle(uint64_t batches_before)
{
	struct rpkid_stats	st;
	int			i;

	for (i = 0; i < 200; i++) {
		run_loop(50);
		rpkid_stats(&st);
		if (!st.busy && st.reval_batches > batches_before)
			return;
	}
	ut_fail(__FILE__, __LINE__, "revalidation did not finish");
}

/* Runs the loop until the VRP table saw more changes than before (5 s at most). */
static void
run_until_changed(uint64_t changes_before)
{
	struct rpkid_stats	st;
	int			i;

	for (i = 0; i < 50; i++) {
		run_loop(100);
		rpkid_stats(&st);
		if (st.vrp_changes > changes_before)
			return;
	}
	ut_fail(__FILE__, __LINE__, "the file was not reloaded");
}

static struct config_vrp_file	vf;
static struct config_rpki	rc;

static void
setup(const char *vrp_json, const char *aspa_json)
{
	UT_EQ_INT(loop_init(), 0);
	UT_EQ_INT(source_init(), 0);
	memset(&rc, 0, sizeof(rc));
	if (vrp_json != NULL) {
		vf.file = (char *)(uintptr_t)tmpfile_path("vrps.json");
		vf.reload = 1;
		write_file(vf.file, vrp_json, -10);
		rc.vrp_files = &vf;
		rc.nvrp_files = 1;
	}
	if (aspa_json != NULL) {
		rc.aspa_file = strdup(tmpfile_path("aspa.json"));
		rc.aspa_reload = 1;
		write_file(rc.aspa_file, aspa_json, -10);
	}
}

static const char vrps1[] =
    "{\"roas\": [\n"
    " {\"prefix\": \"10.0.0.0/16\", \"maxLength\": 24, \"asn\": \"AS65001\"},\n"
    " {\"prefix\": \"10.1.0.0/16\", \"maxLength\": 16, \"asn\": 65002},\n"
    " {\"prefix\": \"2001:db8::/32\", \"maxLength\": 48, \"asn\": 65003}\n"
    "]}\n";

static const char *const pfx_a[] = { "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/25" };
static const char *const pfx_b[] = { "10.1.0.0/16", "10.1.5.0/24", "192.0.2.0/24" };

static void
arrival_states(void)
{
	static const uint32_t p1[] = { 64999, 65001 }, p2[] = { 64999, 65002 };
	struct source	*s;
	struct rpkid_stats st;

	setup(vrps1, NULL);
	UT_EQ_INT(rpkid_open(&rc, NULL), 0);
	rpkid_stats(&st);
	UT_EQ_INT(st.vrps4, 2);
	UT_EQ_INT(st.vrps6, 1);
	UT_ASSERT((s = source_new(SOURCE_BGP, "n1", NULL)) != NULL);
	s->sess = sess4;
	announce(s, pfx_a, 3, p1, 2);
	announce(s, pfx_b, 3, p2, 2);
	UT_EQ_INT(ROV("10.0.1.0/24", s->rib_id), RIB_RPKI_VALID);
	UT_EQ_INT(ROV("10.0.3.0/25", s->rib_id), RIB_RPKI_INVALID);	/* too long */
	UT_EQ_INT(ROV("10.1.0.0/16", s->rib_id), RIB_RPKI_VALID);
	UT_EQ_INT(ROV("10.1.5.0/24", s->rib_id), RIB_RPKI_INVALID);	/* too long */
	UT_EQ_INT(ROV("192.0.2.0/24", s->rib_id), RIB_RPKI_NOT_FOUND);
	/* another origin for a covered prefix */
	announce(s, pfx_a, 1, p2, 2);
	UT_EQ_INT(ROV("10.0.1.0/24", s->rib_id), RIB_RPKI_INVALID);
	UT_EQ_INT(ASPA("10.0.1.0/24", s->rib_id), RIB_ASPA_NOT_CHECKED);
	rpkid_close();
	source_shutdown();
	loop_free();
}

/* Routes that were there before rpkid started are validated by the first pass. */
static void
existing_routes(void)
{
	static const uint32_t p1[] = { 65001 };
	struct source	*s;

	setup(vrps1, NULL);
	UT_ASSERT((s = source_new(SOURCE_MRT, "m", NULL)) != NULL);
	s->sess = sess4;
	announce(s, pfx_a, 3, p1, 1);
	UT_EQ_INT(ROV("10.0.1.0/24", s->rib_id), RIB_RPKI_NOT_CHECKED);
	UT_EQ_INT(rpkid_open(&rc, NULL), 0);
	run_until_idle(0);
	UT_EQ_INT(ROV("10.0.1.0/24", s->rib_id), RIB_RPKI_VALID);
	UT_EQ_INT(ROV("10.0.3.0/25", s->rib_id), RIB_RPKI_INVALID);
	rpkid_close();
	source_shutdown();
	loop_free();
}

static unsigned	 reval_calls;
static struct prefix reval_root_seen;

static void
on_revalidated(const struct prefix *root)
{
	reval_calls++;
	reval_root_seen = *root;
}

static const char vrps2[] =	/* 10.1.0.0/16 AS65002 now up to /24, 10.0/16 unchanged */
    "{\"roas\": [\n"
    " {\"prefix\": \"10.0.0.0/16\", \"maxLength\": 24, \"asn\": \"AS65001\"},\n"
    " {\"prefix\": \"10.1.0.0/16\", \"maxLength\": 24, \"asn\": 65002},\n"
    " {\"prefix\": \"2001:db8::/32\", \"maxLength\": 48, \"asn\": 65003}\n"
    "]}\n";

/* The running loop notices the edited file; only 10.1/16's routes are touched. */
static void
reload_touches_affected_only(void)
{
	static const uint32_t p1[] = { 64999, 65001 }, p2[] = { 64999, 65002 };
	struct rpkid_stats	 st;
	struct source		*s;

	char			 buf[PREFIX_STRLEN];

	setup(vrps1, NULL);
	UT_EQ_INT(rpkid_subscribe_revalidated(on_revalidated), 0);
	UT_EQ_INT(rpkid_open(&rc, NULL), 0);
	UT_ASSERT((s = source_new(SOURCE_BGP, "n1", NULL)) != NULL);
	s->sess = sess4;
	announce(s, pfx_a, 3, p1, 2);
	announce(s, pfx_b, 3, p2, 2);
	run_until_idle(0);
	rpkid_stats(&st);
	UT_EQ_INT(st.busy, 0);
	reval_calls = 0;
	write_file(vf.file, vrps2, 0);
	run_until_changed(st.vrp_changes);	/* 1 s polling */
	run_until_idle(st.reval_batches);
	rpkid_stats(&st);
	UT_EQ_INT(st.busy, 0);
	UT_ASSERT(st.reval_batches >= 2);
	/* the old and the new 10.1.0.0/16 VRP: 2 routes under it, 1 changed */
	UT_EQ_INT(st.last_touched, 2);
	UT_EQ_INT(st.last_changed, 1);
	/* the detection hears of the changed subtree once */
	UT_EQ_INT(reval_calls, 1);
	UT_EQ_STR(prefix_fmt(&reval_root_seen, buf, sizeof(buf)), "10.1.0.0/16");
	UT_EQ_INT(ROV("10.1.5.0/24", s->rib_id), RIB_RPKI_VALID);
	UT_EQ_INT(ROV("10.0.3.0/25", s->rib_id), RIB_RPKI_INVALID);
	UT_EQ_INT(ROV("192.0.2.0/24", s->rib_id), RIB_RPKI_NOT_FOUND);
	/* a file that stops parsing keeps the data */
	write_file(vf.file, "{\"roas\": [", 5);
	run_loop(2100);		/* polled at least once */
	rpkid_stats(&st);
	UT_EQ_INT(st.vrps4, 2);
	UT_EQ_INT(ROV("10.1.5.0/24", s->rib_id), RIB_RPKI_VALID);
	rpkid_close();
	source_shutdown();
	loop_free();
}

static const char aspa1[] =
    "{\"aspas\": [\n"
    " {\"customer\": 65001, \"providers\": [64999]},\n"
    " {\"customer\": 64999, \"providers\": [64900]},\n"
    " {\"customer\": 65002, \"providers\": [64800]},\n"
    " {\"customer\": 64997, \"providers\": [64700]}\n"
    "]}\n";

static void
aspa_states(void)
{
	static const uint32_t up_ok[] = { 64999, 65001 };	/* 65001 -> its provider */
	static const uint32_t up_bad[] = { 64998, 65001 };	/* not its provider */
	static const char *const p_ok[] = { "10.0.1.0/24" }, *const p_bad[] = { "10.0.2.0/24" };
	struct config_bgp_neighbor nb[1];
	struct config_sources	 cs;
	struct source		*s, *prov;

	setup(vrps1, aspa1);
	memset(&cs, 0, sizeof(cs));
	memset(nb, 0, sizeof(nb));
	nb[0].name = (char *)(uintptr_t)"up1";
	nb[0].role = CONFIG_ROLE_CUSTOMER;	/* we are its customer: a provider */
	nb[0].remote_as = 64900;
	nb[0].local_as = 65011;
	cs.bgp.neighbors = nb;
	cs.bgp.nneighbors = 1;
	UT_EQ_INT(rpkid_open(&rc, &cs), 0);
	UT_ASSERT((s = source_new(SOURCE_BGP, "n1", NULL)) != NULL);
	s->sess = sess4;
	announce(s, p_ok, 1, up_ok, 2);
	announce(s, p_bad, 1, up_bad, 2);
	UT_EQ_INT(ASPA("10.0.1.0/24", s->rib_id), RIB_ASPA_VALID);
	UT_EQ_INT(ASPA("10.0.2.0/24", s->rib_id), RIB_ASPA_INVALID);
	UT_EQ_INT(ROV("10.0.1.0/24", s->rib_id), RIB_RPKI_VALID);
	/* from a provider (downstream): 64900 -> 64999 -> 65001 is a valid down-ramp,
	 * 64900 ... 65002 x 64997 ... 65001 has a valley */
	UT_ASSERT((prov = source_new(SOURCE_BGP, "up1", NULL)) != NULL);
	prov->sess = sess4;
	prov->peer_as = 64900;
	{
		static const uint32_t down[] = { 64900, 64999, 65001 };
		static const uint32_t down_bad[] = { 64900, 65002, 64997, 65001 };

		announce(prov, p_ok, 1, down, 3);
		announce(prov, p_bad, 1, down_bad, 4);
	}
	UT_EQ_INT(ASPA("10.0.1.0/24", prov->rib_id), RIB_ASPA_VALID);
	UT_EQ_INT(ASPA("10.0.2.0/24", prov->rib_id), RIB_ASPA_INVALID);
	rpkid_close();
	source_shutdown();
	loop_free();
}

static unsigned health_calls, health_last;

static void
on_health(unsigned flags, unsigned old, const struct rtr_health *h, void *arg)
{
	(void)old; (void)h; (void)arg;
	health_calls++;
	health_last = flags;
}

static unsigned	 ev_calls, ev_bad;
static char	 ev_what[32], ev_cache[32], ev_detail[256];

static void
on_rtr_event(const char *cache, const char *what, int bad, const char *detail)
{
	ev_calls++;
	ev_bad = (unsigned)bad;
	snprintf(ev_cache, sizeof(ev_cache), "%s", cache);
	snprintf(ev_what, sizeof(ev_what), "%s", what);
	snprintf(ev_detail, sizeof(ev_detail), "%s", detail);
}

/* Health changes also become detection events (rule 10): raised, then cleared. */
static void
health_min_vrps(void)
{
	struct rpkid_stats st;

	setup(vrps1, NULL);
	rc.min_vrps = 4;
	UT_EQ_INT(rpkid_subscribe_health(on_health, NULL), 0);
	UT_EQ_INT(rpkid_subscribe_rtr_events(on_rtr_event), 0);
	UT_EQ_INT(rpkid_open(&rc, NULL), 0);
	rpkid_tick();
	UT_EQ_INT(health_calls, 1);
	UT_EQ_INT(health_last, RPKID_HEALTH_FEW_VRPS);
	UT_EQ_INT(ev_calls, 1);
	UT_EQ_INT(ev_bad, 1);
	UT_EQ_STR(ev_cache, "rpki");
	UT_EQ_STR(ev_what, "few-vrps");
	UT_EQ_STR(ev_detail, "3 VRPs, fewer than rpki.min-vrps (4)");
	rpkid_tick();
	UT_EQ_INT(health_calls, 1);	/* only changes are told */
	UT_EQ_INT(ev_calls, 1);
	write_file(vf.file,
	    "[{\"prefix\": \"10.0.0.0/16\", \"maxLength\": 24, \"asn\": 65001},\n"
	    " {\"prefix\": \"10.2.0.0/16\", \"maxLength\": 24, \"asn\": 65001},\n"
	    " {\"prefix\": \"10.3.0.0/16\", \"maxLength\": 24, \"asn\": 65001},\n"
	    " {\"prefix\": \"10.4.0.0/16\", \"maxLength\": 24, \"asn\": 65001}]\n", 3);
	rpkid_stats(&st);
	run_until_changed(st.vrp_changes);
	rpkid_stats(&st);
	UT_EQ_INT(st.vrps4, 4);
	UT_EQ_INT(st.vrps6, 0);
	UT_EQ_INT(health_calls, 2);
	UT_EQ_INT(health_last, 0);
	UT_EQ_INT(ev_calls, 2);
	UT_EQ_INT(ev_bad, 0);	/* cleared */
	UT_EQ_STR(ev_what, "few-vrps");
	rpkid_close();
	source_shutdown();
	loop_free();
}

/* Runs a control command line; returns the reply body. */
static char *
ctl(const char *line, int *ok)
{
	struct control_request	 req;
	struct wbuf		 out;
	size_t			 used, bodylen;
	char			*nl, *body;
	int			 xrc;

	UT_EQ_INT(control_request_parse((const uint8_t *)line, strlen(line), &used, &req),
	    CONTROL_PARSE_OK);
	wbuf_init(&out, 0);
	xrc = control_execute(&req, &out);
	UT_ASSERT((nl = memchr(out.buf, '\n', out.len)) != NULL);
	UT_EQ_INT(control_status_parse((char *)out.buf, (size_t)(nl - (char *)out.buf + 1),
	    ok, &bodylen), 0);
	body = strndup(nl + 1, bodylen);
	wbuf_free(&out);
	UT_EQ_INT(*ok, xrc == 0);
	printf("# %s", body);
	return body;
}

static void
commands(void)
{
	static const uint32_t p1[] = { 64999, 65001 };
	struct source	*s;
	char		*b;
	int		 ok;

	setup(vrps1, NULL);
	UT_EQ_INT(rpkid_register_commands(), 0);
	UT_EQ_INT(rpkid_open(&rc, NULL), 0);
	UT_ASSERT((s = source_new(SOURCE_BGP, "n1", NULL)) != NULL);
	s->sess = sess4;
	announce(s, pfx_a, 3, p1, 2);
	b = ctl("--json show rpki validate 10.0.1.0/24 AS65001\n", &ok);
	UT_EQ_INT(ok, 1);
	UT_ASSERT(strstr(b, "\"state\":\"valid\"") != NULL);
	UT_ASSERT(strstr(b, "\"prefix\":\"10.0.0.0/16\",\"max_length\":24,\"asn\":\"AS65001\"")
	    != NULL);
	free(b);
	b = ctl("--json show rpki validate 10.0.1.0/24 65002\n", &ok);
	UT_ASSERT(strstr(b, "\"state\":\"invalid") != NULL);
	free(b);
	b = ctl("show rpki validate 10.0.1.0/24\n", &ok);
	UT_EQ_INT(ok, 0);
	free(b);
	b = ctl("--json show rpki routes invalid\n", &ok);
	UT_EQ_INT(ok, 1);
	UT_ASSERT(strstr(b, "10.0.3.0/25") != NULL);
	UT_ASSERT(strstr(b, "10.0.1.0/24") == NULL);
	free(b);
	b = ctl("--json show rpki routes valid 1\n", &ok);
	UT_ASSERT(strstr(b, "10.0.1.0/24") != NULL);
	UT_ASSERT(strstr(b, "10.0.2.0/24") == NULL);
	UT_ASSERT(strstr(b, "\"truncated\":true") != NULL);
	free(b);
	b = ctl("--json show rpki\n", &ok);
	UT_EQ_INT(ok, 1);
	UT_ASSERT(strstr(b, "\"vrps_ipv4\":2") != NULL);
	UT_ASSERT(strstr(b, "\"vrps\":3") != NULL);	/* the file */
	UT_ASSERT(strstr(b, "\"health\":{\"status\":\"ok\"") != NULL);
	free(b);
	b = ctl("show rpki\n", &ok);
	UT_EQ_INT(ok, 1);
	UT_ASSERT(strstr(b, "vrps.json") != NULL);
	free(b);
	rpkid_close();
	source_shutdown();
	loop_free();
}

/* 65536 routes under one VRP: revalidated in several slices, all correct. */
static void
sliced_revalidation(void)
{
	static const uint32_t p1[] = { 64999, 65001 };
	char			 text[1024];
	char			 names[64][32];
	const char		*pp[64];
	struct rpkid_stats	 st;
	struct source		*s;
	struct rib_stats	 rs;
	unsigned		 i, j;

	setup("[]", NULL);
	UT_EQ_INT(rpkid_open(&rc, NULL), 0);
	UT_ASSERT((s = source_new(SOURCE_BGP, "n1", NULL)) != NULL);
	s->sess = sess4;
	for (i = 0; i < 1024; i++) {
		for (j = 0; j < 64; j++) {
			snprintf(names[j], sizeof(names[j]), "10.%u.%u.%u/26", i / 4,
			    (i % 4) * 64 + j, 64 * (j % 4));
			pp[j] = names[j];
		}
		announce(s, pp, 64, p1, 2);
	}
	rib_stats(source_rib(), &rs);
	UT_EQ_INT(rs.routes, 65536);
	UT_EQ_INT(ROV("10.0.0.0/26", s->rib_id), RIB_RPKI_NOT_FOUND);
	snprintf(text, sizeof(text),
	    "[{\"prefix\": \"10.0.0.0/8\", \"maxLength\": 26, \"asn\": 65001}]");
	run_until_idle(0);	/* the first pass over what was there */
	rpkid_stats(&st);
	UT_EQ_INT(st.last_touched, 65536);
	UT_EQ_INT(st.last_changed, 0);	/* validated at arrival already */
	write_file(vf.file, text, 3);
	run_until_changed(st.vrp_changes);
	run_until_idle(st.reval_batches);
	rpkid_stats(&st);
	printf("# slices %llu max %.2f ms batches %llu touched %llu\n",
	    (unsigned long long)st.reval_slices, st.max_slice_ms,
	    (unsigned long long)st.reval_batches, (unsigned long long)st.last_touched);
	UT_EQ_INT(st.busy, 0);
	UT_EQ_INT(st.last_touched, 65536);
	UT_EQ_INT(st.last_changed, 65536);
	UT_ASSERT(st.reval_slices >= 2);
	UT_ASSERT(st.max_slice_ms < 200);	/* 4 ms + one subtree, on a busy machine */
	UT_EQ_INT(ROV("10.0.0.0/26", s->rib_id), RIB_RPKI_VALID);
	UT_EQ_INT(ROV("10.255.255.192/26", s->rib_id), RIB_RPKI_VALID);
	rpkid_close();
	source_shutdown();
	loop_free();
}

/* Deterministic pseudo-random numbers (xorshift32). */
static uint32_t
rnd(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

struct check {
	const struct rtr_vrp_store	*ref;
	unsigned			 routes, bad, st[4];
};

static int
check_cb(const struct prefix *p, const struct rib_route *r, unsigned n, void *arg)
{
	struct check	*c = arg;
	enum rib_rpki	 want;
	unsigned	 i;

	for (i = 0; i < n; i++) {
		switch (rtr_rov_validate(c->ref, p, rib_attrs_origin_as(r[i].attrs))) {
		case RTR_ROV_VALID:
			want = RIB_RPKI_VALID;
			break;
		case RTR_ROV_NOT_FOUND:
			want = RIB_RPKI_NOT_FOUND;
			break;
		default:
			want = RIB_RPKI_INVALID;
		}
		c->routes++;
		c->st[RIB_STATE_RPKI(r[i].state)]++;
		if (RIB_STATE_RPKI(r[i].state) != want)
			c->bad++;
	}
	return 0;
}

/* Writes n random VRPs as JSON and adds them to a fresh reference store. */
static struct rtr_vrp_store *
random_vrps(uint32_t *x, size_t n, char **json)
{
	struct rtr_vrp_store	*ref = rtr_vrp_new();
	struct rtr_vrp		 v;
	char			 pbuf[PREFIX_STRLEN], *b;
	size_t			 i, off = 0, cap = n * 96 + 32;

	UT_ASSERT(ref != NULL && (b = malloc(cap)) != NULL);
	off += (size_t)snprintf(b + off, cap - off, "{\"roas\": [\n");
	for (i = 0; i < n; i++) {
		uint32_t r = rnd(x);

		memset(&v, 0, sizeof(v));
		v.prefix.af = PREFIX_AF_IPV4;
		v.prefix.addr[0] = 10;
		v.prefix.addr[1] = (uint8_t)(r & 0x0f);
		v.prefix.addr[2] = (uint8_t)(r >> 8);
		v.prefix.len = (uint8_t)(16 + rnd(x) % 9);
		prefix_mask(&v.prefix);
		v.maxlen = (uint8_t)(v.prefix.len + rnd(x) % 5);
		v.asn = 65000 + rnd(x) % 4;
		(void)rtr_vrp_add(ref, &v);
		off += (size_t)snprintf(b + off, cap - off,
		    "%s {\"prefix\": \"%s\", \"maxLength\": %u, \"asn\": %u}\n",
		    i ? "," : "", prefix_fmt(&v.prefix, pbuf, sizeof(pbuf)), v.maxlen, v.asn);
	}
	snprintf(b + off, cap - off, "]}\n");
	*json = b;
	return ref;
}

/*
 * The revalidation fast path (one RIB walk with the VRP cursor in step) against
 * per-route validation from the root: a random RIB of nested prefixes and random
 * VRP sets (fixed seed), after the full first load and after a changed set (only
 * the affected subtrees revalidated); every route's state must agree.
 */
static void
reval_matches_per_route(void)
{
	char			 names[64][32];
	const char		*pp[64];
	uint32_t		 x = 777, path[2] = { 64999, 0 };
	struct rtr_vrp_store	*ref;
	struct rpkid_stats	 st;
	struct source		*s;
	struct check		 c;
	char			*json;
	unsigned		 i, j, k;

	setup("[]", NULL);
	UT_EQ_INT(rpkid_open(&rc, NULL), 0);
	UT_ASSERT((s = source_new(SOURCE_BGP, "n1", NULL)) != NULL);
	s->sess = sess4;
	for (i = 0; i < 64; i++) {
		for (j = 0; j < 64; j++) {
			uint32_t r = rnd(&x);
			unsigned len = 10 + rnd(&x) % 19;
			struct prefix p;

			snprintf(names[j], sizeof(names[j]), "10.%u.%u.%u/%u", r & 0x0f,
			    (r >> 8) & 0xff, (r >> 16) & 0xff, len);
			UT_EQ_INT(prefix_parse(names[j], &p), 0);
			prefix_mask(&p);
			prefix_fmt(&p, names[j], sizeof(names[j]));
			pp[j] = names[j];
		}
		path[1] = 65000 + i % 5;	/* 65004: no VRP has it */
		announce(s, pp, 64, path, 2);
	}
	for (k = 0; k < 2; k++) {
		rpkid_stats(&st);
		ref = random_vrps(&x, 600, &json);
		write_file(vf.file, json, 5 + 5 * (int)k);
		free(json);
		run_until_changed(st.vrp_changes);
		run_until_idle(st.reval_batches);
		memset(&c, 0, sizeof(c));
		c.ref = ref;
		rib_walk(source_rib(), check_cb, &c);
		printf("# pass %u: %u routes: %u valid, %u invalid, %u not-found, %u wrong\n", k,
		    c.routes, c.st[RIB_RPKI_VALID], c.st[RIB_RPKI_INVALID],
		    c.st[RIB_RPKI_NOT_FOUND], c.bad);
		UT_ASSERT(c.routes > 1500);
		UT_EQ_INT(c.bad, 0);
		UT_ASSERT(c.st[RIB_RPKI_VALID] > 50 && c.st[RIB_RPKI_INVALID] > 50 &&
		    c.st[RIB_RPKI_NOT_FOUND] > 5);
		rtr_vrp_free(ref);
	}
	rpkid_close();
	source_shutdown();
	loop_free();
}

static char	sw_last[64];
static int	sw_bad = -1;

static void
on_switch_event(const char *cache, const char *what, int bad, const char *detail)
{
	(void)detail;
	if (strcmp(cache, "rpki") != 0 || strcmp(what, "cache-switch") != 0)
		return;
	snprintf(sw_last, sizeof(sw_last), "%s", what);
	sw_bad = bad;
}

/* One cache group of one cache at host:port, the strings in fresh memory. */
static void
one_cache(struct config_rtr_group *g, struct config_rtr_cache *c, const char *host,
    unsigned port)
{
	memset(g, 0, sizeof(*g));
	memset(c, 0, sizeof(*c));
	UT_ASSERT((c->host = strdup(host)) != NULL);
	c->port = (uint16_t)port;
	g->preference = 1;
	g->caches = c;
	g->ncaches = 1;
}

/*
 * Reloading the cache list (no cache answers here: the port is closed): the
 * running list keeps its own copies of the config strings; an unchanged list
 * keeps its manager; a changed host is a change (it was ignored); a list that
 * never syncs is dropped after reload-timeout, the VRPs are kept and a
 * "cache-switch" event is raised; an empty list applies at once and clears it.
 */
static void
cache_list_reload(void)
{
	struct config_rtr_group	 g;
	struct config_rtr_cache	 c;
	struct rtr_cache_status	 st[2];
	struct rpkid_stats	 rs;
	unsigned		 port = 20000 + (unsigned)getpid() % 20000;
	char			*b;
	int			 ok, i;

	setup(vrps1, NULL);
	UT_EQ_INT(rpkid_register_commands(), 0);
	UT_EQ_INT(rpkid_subscribe_rtr_events(on_switch_event), 0);
	one_cache(&g, &c, "127.0.0.1", port);
	rc.groups = &g;
	rc.ngroups = 1;
	rc.reload_timeout = 1;
	UT_EQ_INT(rpkid_open(&rc, NULL), 0);
	/* the same list in new memory; the old strings are freed as a reload would */
	free(c.host);
	one_cache(&g, &c, "127.0.0.1", port);
	UT_EQ_INT(rpkid_reconfigure(&rc, NULL), 0);
	memset(c.host, 'x', strlen(c.host));
	free(c.host);
	UT_EQ_INT(rpkid_cache_status(st, 2), 1);
	UT_EQ_STR(st[0].host, "127.0.0.1");
	b = ctl("--json show rpki\n", &ok);
	UT_ASSERT(strstr(b, "\"cache_switch\":{\"pending\":false") != NULL);
	UT_ASSERT(strstr(b, "\"switches\":0") != NULL);
	UT_ASSERT(strstr(b, "\"cache\":\"127.0.0.1:") != NULL);
	free(b);
	/* compared with the running list's own copy, not the freed string */
	one_cache(&g, &c, "127.0.0.1", port);
	UT_EQ_INT(rpkid_reconfigure(&rc, NULL), 0);
	free(c.host);
	b = ctl("--json show rpki\n", &ok);
	UT_ASSERT(strstr(b, "\"cache_switch\":{\"pending\":false") != NULL);
	free(b);
	/* another host, same port: a new list, pending beside the running one */
	one_cache(&g, &c, "127.0.0.2", port);
	UT_EQ_INT(rpkid_reconfigure(&rc, NULL), 0);
	b = ctl("--json show rpki\n", &ok);
	UT_ASSERT(strstr(b, "\"cache_switch\":{\"pending\":true") != NULL);
	UT_ASSERT(strstr(b, "\"pending_caches\":[{\"cache\":\"127.0.0.2:") != NULL);
	free(b);
	UT_EQ_INT(rpkid_cache_status(st, 2), 1);
	UT_EQ_STR(st[0].host, "127.0.0.1");
	/* the same again while pending: nothing restarts */
	UT_EQ_INT(rpkid_reconfigure(&rc, NULL), 0);
	for (i = 0; i < 40 && sw_bad != 1; i++)
		run_loop(100);
	UT_EQ_INT(sw_bad, 1);
	UT_EQ_STR(sw_last, "cache-switch");
	b = ctl("--json show rpki\n", &ok);
	UT_ASSERT(strstr(b, "\"cache_switch\":{\"pending\":false") != NULL);
	UT_ASSERT(strstr(b, "\"failures\":1") != NULL);
	UT_ASSERT(strstr(b, "did not sync within 1s") != NULL);
	free(b);
	UT_EQ_INT(rpkid_cache_status(st, 2), 1);
	UT_EQ_STR(st[0].host, "127.0.0.1");
	rpkid_stats(&rs);
	UT_EQ_INT(rs.vrps4 + rs.vrps6, 3);	/* the file's, untouched */
	/* no caches: applied at once, the failure is over */
	free(c.host);
	rc.groups = NULL;
	rc.ngroups = 0;
	UT_EQ_INT(rpkid_reconfigure(&rc, NULL), 0);
	UT_EQ_INT(rpkid_cache_status(st, 2), 0);
	UT_EQ_INT(sw_bad, 0);
	b = ctl("--json show rpki\n", &ok);
	UT_ASSERT(strstr(b, "\"switches\":1") != NULL);
	free(b);
	rpkid_stats(&rs);
	UT_EQ_INT(rs.vrps4 + rs.vrps6, 3);
	rpkid_close();
	source_shutdown();
	loop_free();
	memset(&rc, 0, sizeof(rc));
}

/*
 * ASPA's first-hop check only on our own eBGP sessions: a BMP peer (here a
 * transparent route server's AS, not in the path) and an iBGP session pass
 * paths that start with other ASes.
 */
static void
aspa_first_hop_sources(void)
{
	static const uint32_t up_ok[] = { 64999, 65001 };
	static const char *const p_ok[] = { "10.0.1.0/24" };
	struct config_bgp_neighbor nb[1];
	struct config_sources	 cs;
	struct source		*bmp, *ibgp;

	setup(vrps1, aspa1);
	memset(&cs, 0, sizeof(cs));
	memset(nb, 0, sizeof(nb));
	nb[0].name = (char *)(uintptr_t)"ibgp";
	nb[0].remote_as = 65011;
	nb[0].local_as = 65011;
	cs.bgp.neighbors = nb;
	cs.bgp.nneighbors = 1;
	UT_EQ_INT(rpkid_open(&rc, &cs), 0);
	UT_ASSERT((bmp = source_new(SOURCE_BMP_PEER, "r1/rs/pre", NULL)) != NULL);
	bmp->sess = sess4;
	bmp->peer_as = 64555;
	announce(bmp, p_ok, 1, up_ok, 2);
	UT_EQ_INT(ASPA("10.0.1.0/24", bmp->rib_id), RIB_ASPA_VALID);
	UT_ASSERT((ibgp = source_new(SOURCE_BGP, "ibgp", NULL)) != NULL);
	ibgp->sess = sess4;
	ibgp->peer_as = 65011;
	announce(ibgp, p_ok, 1, up_ok, 2);
	UT_EQ_INT(ASPA("10.0.1.0/24", ibgp->rib_id), RIB_ASPA_VALID);
	rpkid_close();
	source_shutdown();
	loop_free();
}

/* RFC 6811 §2: an empty AS_PATH is originated by the source's AS (iBGP, Loc-RIB):
 * valid on arrival and after a revalidation; unknown AS: not valid. */
static void
empty_path_origin(void)
{
	static const char *const p[] = { "10.0.1.0/24" };
	struct source		*own, *other, *anon;

	setup(vrps1, NULL);
	UT_EQ_INT(rpkid_open(&rc, NULL), 0);
	UT_ASSERT((own = source_new(SOURCE_BGP, "ibgp", NULL)) != NULL);
	own->sess = sess4;
	own->peer_as = 65001;		/* holds the ROA */
	UT_ASSERT((other = source_new(SOURCE_BMP_PEER, "r1/loc", NULL)) != NULL);
	other->sess = sess4;
	other->peer_as = 65009;		/* does not */
	UT_ASSERT((anon = source_new(SOURCE_MRT, "mrt", NULL)) != NULL);
	anon->sess = sess4;
	announce(own, p, 1, NULL, 0);
	announce(other, p, 1, NULL, 0);
	announce(anon, p, 1, NULL, 0);
	UT_EQ_INT(ROV("10.0.1.0/24", own->rib_id), RIB_RPKI_VALID);
	UT_EQ_INT(ROV("10.0.1.0/24", other->rib_id), RIB_RPKI_INVALID);
	UT_ASSERT(ROV("10.0.1.0/24", anon->rib_id) != RIB_RPKI_VALID);
	rpkid_reval_all();
	rpkid_reval_flush();
	UT_EQ_INT(ROV("10.0.1.0/24", own->rib_id), RIB_RPKI_VALID);
	UT_EQ_INT(ROV("10.0.1.0/24", other->rib_id), RIB_RPKI_INVALID);
	rpkid_close();
	source_shutdown();
	loop_free();
}

/* A reload that drops the only VRP file revalidates the routes it covered. */
static void
file_dropped_revalidates(void)
{
	static const uint32_t p1[] = { 64999, 65001 };
	static const char *const p[] = { "10.0.1.0/24" };
	struct source		*s;

	setup(vrps1, NULL);
	vf.reload = 0;		/* no polling tick to start a pass by chance */
	UT_EQ_INT(rpkid_open(&rc, NULL), 0);
	UT_ASSERT((s = source_new(SOURCE_BGP, "n1", NULL)) != NULL);
	s->sess = sess4;
	announce(s, p, 1, p1, 2);
	run_loop(300);		/* settled: no pass pending */
	UT_EQ_INT(ROV("10.0.1.0/24", s->rib_id), RIB_RPKI_VALID);
	rc.vrp_files = NULL;
	rc.nvrp_files = 0;
	UT_EQ_INT(rpkid_reconfigure(&rc, NULL), 0);
	run_loop(3000);
	UT_EQ_INT(ROV("10.0.1.0/24", s->rib_id), RIB_RPKI_NOT_FOUND);
	rpkid_close();
	source_shutdown();
	loop_free();
	vf.reload = 1;
}

/* A VRP whose "expires" passes goes though its file stays the same (its
 * producer stopped): the route it made valid is revalidated. */
static void
expiry_in_unchanged_file(void)
{
	static const uint32_t	 p1[] = { 64999, 65001 };
	static const char *const p[] = { "10.0.1.0/24" };
	struct source		*s;
	struct rpkid_stats	 st;
	char			 json[256];

	snprintf(json, sizeof(json), "{\"roas\": [{\"prefix\": \"10.0.0.0/16\", "
	    "\"maxLength\": 24, \"asn\": 65001, \"expires\": %lld}]}\n",
	    (long long)time(NULL) + 2);
	setup(json, NULL);
	UT_EQ_INT(rpkid_open(&rc, NULL), 0);
	UT_ASSERT((s = source_new(SOURCE_BGP, "n1", NULL)) != NULL);
	s->sess = sess4;
	announce(s, p, 1, p1, 2);
	UT_EQ_INT(ROV("10.0.1.0/24", s->rib_id), RIB_RPKI_VALID);
	run_loop(4500);
	rpkid_stats(&st);
	UT_EQ_INT(st.vrps4, 0);
	UT_EQ_INT(ROV("10.0.1.0/24", s->rib_id), RIB_RPKI_NOT_FOUND);
	rpkid_close();
	source_shutdown();
	loop_free();
}

/* A short prefix (a root split in halves) carried on 300 paths: a VRP change
 * revalidates all of them, not the first 256. */
static void
reval_many_paths(void)
{
	static const uint32_t	 p1[] = { 64999, 65001 };
	static const char *const p[] = { "10.0.0.0/8" };
	static const char	 v1[] = "{\"roas\": [{\"prefix\": \"10.0.0.0/8\", \"asn\": 65001}]}";
	static const char	 v2[] = "{\"roas\": [{\"prefix\": \"10.0.0.0/8\", \"asn\": 65002}]}";
	struct source		*s[300];
	struct rpkid_stats	 st;
	char			 nm[16];
	unsigned		 i;

	setup(v1, NULL);
	UT_EQ_INT(rpkid_open(&rc, NULL), 0);
	for (i = 0; i < 300; i++) {
		snprintf(nm, sizeof(nm), "n%u", i);
		UT_ASSERT((s[i] = source_new(SOURCE_BGP, nm, NULL)) != NULL);
		s[i]->sess = sess4;
		announce(s[i], p, 1, p1, 2);
	}
	run_until_idle(0);
	UT_EQ_INT(ROV("10.0.0.0/8", s[299]->rib_id), RIB_RPKI_VALID);
	rpkid_stats(&st);
	write_file(vf.file, v2, 0);
	run_until_changed(st.vrp_changes);
	run_until_idle(st.reval_batches);
	UT_EQ_INT(ROV("10.0.0.0/8", s[0]->rib_id), RIB_RPKI_INVALID);
	UT_EQ_INT(ROV("10.0.0.0/8", s[299]->rib_id), RIB_RPKI_INVALID);
	rpkid_close();
	source_shutdown();
	loop_free();
}

UT_MAIN(UT_CASE(arrival_states), UT_CASE(existing_routes),
    UT_CASE(reload_touches_affected_only), UT_CASE(aspa_states), UT_CASE(health_min_vrps),
    UT_CASE(commands), UT_CASE(sliced_revalidation), UT_CASE(reval_matches_per_route),
    UT_CASE(cache_list_reload), UT_CASE(aspa_first_hop_sources), UT_CASE(empty_path_origin),
    UT_CASE(file_dropped_revalidates), UT_CASE(expiry_in_unchanged_file),
    UT_CASE(reval_many_paths))
