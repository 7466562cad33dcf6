/*
 * detect_replay CONFIG MRT...: replays BGP4MP UPDATEs of MRT files through the
 * daemon's own route path (agent/source.h, one source per MRT peer) into the RIB,
 * runs the detection engine on every change and prints every alert key that was
 * ever raised, one per line: "rule|victim|offender|disc", sorted. A test tool for
 * tests/e2e/detect_feed.sh (no false positives on real data).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/alert.h"
#include "agent/config.h"
#include "agent/config_types.h"
#include "agent/detect.h"
#include "agent/source.h"
#include "bgp/mrt_file.h"
#include "bgp/rib.h"

static struct detect	*det;
static char		**keys;
static size_t		 nkeys, capkeys;
static uint64_t		 clock_ms = 1000;

static void
emit(const struct alert *a, enum alert_transition tr, void *arg)
{
	char	 line[512], vic[ALERT_VICTIM_MAX + 4];

	(void)arg;
	if (tr != ALERT_TR_RAISED)
		return;
	snprintf(vic, sizeof(vic), "%s", a->key.victim);
	snprintf(line, sizeof(line), "%s|%s|%u|%s", alert_rule_name(a->key.rule), vic,
	    a->key.offender, a->key.disc);
	if (nkeys == capkeys) {
		capkeys = capkeys ? capkeys * 2 : 1024;
		if ((keys = realloc(keys, capkeys * sizeof(*keys))) == NULL)
			exit(2);
	}
	if ((keys[nkeys++] = strdup(line)) == NULL)
		exit(2);
}

static void
on_route(const struct source *s, const struct prefix *p, uint32_t path_id,
    const struct rib_attrs *a, void *arg)
{
	(void)path_id;
	(void)arg;
	detect_route(det, s->rib_id, p, a, clock_ms);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct source *
peer_source(const struct mrt_bgp4mp *m)
{
	static struct source	*peers[4096];
	static size_t		 npeers;
	char			 name[64];
	size_t			 i;

	for (i = 0; i < npeers; i++)
		if (peers[i]->peer_as == m->peer_as && peers[i]->peer_af == m->af &&
		    memcmp(peers[i]->peer_addr, m->peer_addr, 16) == 0)
			return peers[i];
	if (npeers == 4096)
		return NULL;
	snprintf(name, sizeof(name), "mrt-peer-%zu", npeers);
	if ((peers[npeers] = source_new(SOURCE_MRT, name, NULL)) == NULL)
		return NULL;
	peers[npeers]->peer_as = m->peer_as;
	peers[npeers]->peer_af = m->af;
	memcpy(peers[npeers]->peer_addr, m->peer_addr, 16);
	source_set_state(peers[npeers], SOURCE_UP, NULL);
	return peers[npeers++];
}

static int
replay(struct alert_engine *ae, const char *path)
{
	struct mrt_file		*f;
	struct mrt_record	 rec;
	struct bgp_error	 err;
	struct source		*s;
	int			 r, res;

	if ((f = mrt_file_open(path)) == NULL) {
		perror(path);
		return -1;
	}
	while ((r = mrt_file_next_record(f, &rec, &res)) == 1) {
		const struct mrt_bgp4mp *m = &rec.u.msg;
		if (res != MRT_OK || rec.kind != MRT_KIND_BGP4MP_MSG || m->local ||
		    m->pdu_len < BGP_HDR_LEN || m->pdu[18] != BGP_MSG_UPDATE)
			continue;
		if ((s = peer_source(m)) == NULL)
			break;
		s->sess.as4 = m->as4 != 0;
		s->sess.addpath_rx = m->addpath ? (uint8_t)(BGP_AP_IPV4_UNICAST |
		    BGP_AP_IPV6_UNICAST) : 0;
		clock_ms = (uint64_t)rec.hdr.ts * 1000 + rec.hdr.usec / 1000;
		source_apply_update(s, m->pdu + BGP_HDR_LEN, m->pdu_len - BGP_HDR_LEN, &err);
		alert_tick(ae, clock_ms);	/* raise before a later retraction */
	}
	mrt_file_close(f);
	return 0;
}

int
main(int argc, char **argv)
{
	struct alert_engine_params	 ap;
	struct detect_params		 dp;
	struct config_error		 cerr;
	struct alert_engine		*ae;
	struct config			*cfg;
	size_t				 i;
	int				 a;

	if (argc < 3) {
		fprintf(stderr, "usage: detect_replay config mrt...\n");
		return 2;
	}
	if ((cfg = config_load(argv[1], &cerr)) == NULL) {
		fprintf(stderr, "%s:%d: %s\n", cerr.file, cerr.line, cerr.msg);
		return 2;
	}
	memset(&ap, 0, sizeof(ap));
	ap.alerts_max = 1u << 20;
	ap.obs_max = 1u << 22;
	ap.history_max = 16;
	if (source_init() == -1 || (ae = alert_engine_new(&ap, emit, NULL)) == NULL)
		return 2;
	detect_policies_apply(ae, cfg);
	memset(&dp, 0, sizeof(dp));
	dp.rule_enabled = config_prefix_rule_enabled;
	dp.moas_all = 1;
	if ((det = detect_new(source_rib(), ae, cfg, &dp)) == NULL ||
	    source_subscribe_routes(on_route, NULL) == -1)
		return 2;
	for (a = 2; a < argc; a++)
		if (replay(ae, argv[a]) == -1)
			return 1;
	alert_tick(ae, clock_ms + 3600 * 1000);
	qsort(keys, nkeys, sizeof(*keys), str_cmp);
	for (i = 0; i < nkeys; i++)
		if (i == 0 || strcmp(keys[i], keys[i - 1]) != 0)
			printf("%s\n", keys[i]);
	return 0;
}
