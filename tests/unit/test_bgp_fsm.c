/*
 * RFC 4271 §8 FSM without sockets: a recording fake owner, injected time. Covers the
 * active and passive paths to Established, hold/keepalive timers, connect retry with
 * backoff, NOTIFICATION codes for every error path, RFC 6608 FSM errors, stop, the
 * OPEN check (RFC 4271 §6.2, 6286, 6793, 9234), the collision rule (§6.8) and the
 * graceful restart families (RFC 4724 §4.2).
 */
#include <string.h>

#include "bgp/bgp_fsm.h"
#include "tests/unit/ut.h"

struct rec {
	int	 connects, closes, opens, keepalives, notifs;
	uint8_t	 code, subcode;
	int	 states[32];
	int	 nstates;
};

static void
r_connect(void *a)
{
	((struct rec *)a)->connects++;
}

static void
r_close(void *a)
{
	((struct rec *)a)->closes++;
}

static void
r_open(void *a)
{
	((struct rec *)a)->opens++;
}

static void
r_ka(void *a)
{
	((struct rec *)a)->keepalives++;
}

static void
r_notif(void *a, uint8_t code, uint8_t sub, const uint8_t *d, size_t l)
{
	struct rec	*r = a;

	(void)d;
	(void)l;
	r->notifs++;
	r->code = code;
	r->subcode = sub;
}

static void
r_state(void *a, enum bgp_fsm_state old, enum bgp_fsm_state new)
{
	struct rec	*r = a;

	(void)old;
	if (r->nstates < 32)
		r->states[r->nstates++] = new;
}

static const struct bgp_fsm_ops ops = { r_connect, r_close, r_open, r_ka, r_notif, r_state };

static void
setup(struct bgp_fsm *f, struct rec *r, int passive, uint16_t hold)
{
	struct bgp_fsm_conf	 c = { .hold_time = hold, .passive = (uint8_t)passive,
	    .auto_restart = 1, .connect_retry = 5, .connect_retry_max = 60, .ops = &ops };

	memset(r, 0, sizeof(*r));
	c.arg = r;
	bgp_fsm_init(f, &c);
}

/* Drives a fresh FSM to Established at t=1000 ms. */
static void
establish(struct bgp_fsm *f, struct rec *r, int passive, uint16_t hold, uint16_t peer)
{
	setup(f, r, passive, hold);
	bgp_fsm_event(f, BGP_FSM_EV_START, 0, NULL);
	bgp_fsm_event(f, BGP_FSM_EV_TCP_UP, 100, NULL);
	bgp_fsm_open(f, peer, 500);
	bgp_fsm_event(f, BGP_FSM_EV_KEEPALIVE, 1000, NULL);
	UT_EQ_INT(f->state, BGP_FSM_ESTABLISHED);
}

static void
test_active_to_established(void)
{
	struct bgp_fsm	 f;
	struct rec	 r;

	setup(&f, &r, 0, 90);
	UT_EQ_INT(f.state, BGP_FSM_IDLE);
	bgp_fsm_event(&f, BGP_FSM_EV_START, 0, NULL);
	UT_EQ_INT(f.state, BGP_FSM_CONNECT);
	UT_EQ_INT(r.connects, 1);
	UT_EQ_INT(bgp_fsm_deadline(&f), 5000);
	bgp_fsm_event(&f, BGP_FSM_EV_TCP_UP, 100, NULL);
	UT_EQ_INT(f.state, BGP_FSM_OPENSENT);
	UT_EQ_INT(r.opens, 1);
	/* large hold timer while waiting for the OPEN, no retry timer */
	UT_EQ_INT(bgp_fsm_deadline(&f), 100 + 240000);
	bgp_fsm_open(&f, 30, 500);
	UT_EQ_INT(f.state, BGP_FSM_OPENCONFIRM);
	UT_EQ_INT(r.keepalives, 1);
	UT_EQ_INT(f.hold, 30);
	UT_EQ_INT(f.keepalive, 10);
	bgp_fsm_event(&f, BGP_FSM_EV_KEEPALIVE, 1000, NULL);
	UT_EQ_INT(f.state, BGP_FSM_ESTABLISHED);
	UT_EQ_INT(r.nstates, 4);
	UT_EQ_INT(r.states[3], BGP_FSM_ESTABLISHED);
	UT_EQ_INT(f.transitions, 1);
	UT_EQ_INT(r.notifs, 0);
}

static void
test_passive_waits(void)
{
	struct bgp_fsm	 f;
	struct rec	 r;

	setup(&f, &r, 1, 90);
	bgp_fsm_event(&f, BGP_FSM_EV_START, 0, NULL);
	UT_EQ_INT(f.state, BGP_FSM_ACTIVE);
	bgp_fsm_tick(&f, 5000);
	bgp_fsm_tick(&f, 60000);
	UT_EQ_INT(f.state, BGP_FSM_ACTIVE);
	UT_EQ_INT(r.connects, 0);	/* passive never dials */
	bgp_fsm_event(&f, BGP_FSM_EV_TCP_UP, 61000, NULL);
	UT_EQ_INT(f.state, BGP_FSM_OPENSENT);
	UT_EQ_INT(r.opens, 1);
}

static void
test_keepalive_and_hold(void)
{
	struct bgp_fsm	 f;
	struct rec	 r;

	establish(&f, &r, 1, 90, 30);	/* negotiated 30 s, keepalive 10 s */
	UT_EQ_INT(r.keepalives, 1);
	bgp_fsm_tick(&f, 500 + 10000);
	UT_EQ_INT(r.keepalives, 2);
	bgp_fsm_tick(&f, 500 + 20000);
	UT_EQ_INT(r.keepalives, 3);
	/* an UPDATE at 20 s restarts the hold timer: 49 s is still fine */
	bgp_fsm_event(&f, BGP_FSM_EV_UPDATE, 20000, NULL);
	bgp_fsm_tick(&f, 49000);
	UT_EQ_INT(f.state, BGP_FSM_ESTABLISHED);
	bgp_fsm_tick(&f, 50000);
	UT_EQ_INT(f.state, BGP_FSM_IDLE);
	UT_EQ_INT(r.code, BGP_NOTIFY_HOLD_TIMER);
	UT_EQ_INT(r.subcode, 0);
	UT_ASSERT(r.closes >= 1);
}

static void
test_hold_zero(void)
{
	struct bgp_fsm	 f;
	struct rec	 r;

	establish(&f, &r, 1, 90, 0);
	UT_EQ_INT(f.hold, 0);
	UT_EQ_INT(bgp_fsm_deadline(&f), 0);	/* no timers at all */
	bgp_fsm_tick(&f, 10000000);
	UT_EQ_INT(f.state, BGP_FSM_ESTABLISHED);
	UT_EQ_INT(r.keepalives, 1);
}

static void
test_connect_retry_backoff(void)
{
	struct bgp_fsm	 f;
	struct rec	 r;

	setup(&f, &r, 0, 90);
	UT_EQ_INT(bgp_fsm_backoff(&f.conf, 0), 5000);
	UT_EQ_INT(bgp_fsm_backoff(&f.conf, 1), 5000);
	UT_EQ_INT(bgp_fsm_backoff(&f.conf, 2), 10000);
	UT_EQ_INT(bgp_fsm_backoff(&f.conf, 3), 20000);
	UT_EQ_INT(bgp_fsm_backoff(&f.conf, 5), 60000);	/* ceiling */
	UT_EQ_INT(bgp_fsm_backoff(&f.conf, 100), 60000);
	bgp_fsm_event(&f, BGP_FSM_EV_START, 0, NULL);
	/* connect attempt times out: retried, still Connect */
	bgp_fsm_tick(&f, 5000);
	UT_EQ_INT(f.state, BGP_FSM_CONNECT);
	UT_EQ_INT(r.connects, 2);
	UT_EQ_INT(bgp_fsm_deadline(&f), 5000 + 5000);
	/* refused: Active, retry timer doubled */
	bgp_fsm_event(&f, BGP_FSM_EV_TCP_FAIL, 6000, NULL);
	UT_EQ_INT(f.state, BGP_FSM_ACTIVE);
	UT_EQ_INT(f.retry_count, 2);
	UT_EQ_INT(bgp_fsm_deadline(&f), 6000 + 10000);
	bgp_fsm_tick(&f, 15999);
	UT_EQ_INT(f.state, BGP_FSM_ACTIVE);
	bgp_fsm_tick(&f, 16000);
	UT_EQ_INT(f.state, BGP_FSM_CONNECT);
	UT_EQ_INT(r.connects, 3);
}

static void
test_auto_restart_after_error(void)
{
	struct bgp_fsm	 f;
	struct rec	 r;

	establish(&f, &r, 0, 90, 90);
	UT_EQ_INT(f.retry_count, 0);
	bgp_fsm_event(&f, BGP_FSM_EV_NOTIFICATION, 2000, NULL);
	UT_EQ_INT(f.state, BGP_FSM_IDLE);
	UT_EQ_INT(r.notifs, 0);	/* never answer a NOTIFICATION */
	UT_EQ_INT(f.retry_count, 1);
	UT_EQ_INT(bgp_fsm_deadline(&f), 2000 + 5000);
	bgp_fsm_tick(&f, 7000);
	UT_EQ_INT(f.state, BGP_FSM_CONNECT);
	UT_EQ_INT(r.connects, 2);
	/* a second failure backs off further */
	bgp_fsm_event(&f, BGP_FSM_EV_TCP_UP, 7100, NULL);
	bgp_fsm_event(&f, BGP_FSM_EV_TCP_FAIL, 7200, NULL);
	UT_EQ_INT(f.state, BGP_FSM_ACTIVE);
	UT_EQ_INT(f.retry_count, 2);
	UT_EQ_INT(bgp_fsm_deadline(&f), 7200 + 10000);
}

static void
test_stop_sends_cease(void)
{
	struct bgp_fsm	 f;
	struct rec	 r;

	establish(&f, &r, 0, 90, 90);
	bgp_fsm_event(&f, BGP_FSM_EV_STOP, 2000, NULL);
	UT_EQ_INT(f.state, BGP_FSM_IDLE);
	UT_EQ_INT(r.code, BGP_NOTIFY_CEASE);
	UT_EQ_INT(r.subcode, BGP_NOTIFY_CEASE_SHUTDOWN);
	UT_EQ_INT(bgp_fsm_deadline(&f), 0);	/* stopped: no restart */
	/* a stop with a reason (max-prefix) */
	{
		struct bgp_error	 e = { .code = BGP_NOTIFY_CEASE,
		    .subcode = BGP_NOTIFY_CEASE_MAX_PREFIX };

		establish(&f, &r, 0, 90, 90);
		bgp_fsm_event(&f, BGP_FSM_EV_STOP, 2000, &e);
		UT_EQ_INT(r.subcode, BGP_NOTIFY_CEASE_MAX_PREFIX);
	}
}

static void
test_error_notifications(void)
{
	struct bgp_fsm		 f;
	struct rec		 r;
	struct bgp_error	 e = { .code = BGP_NOTIFY_UPDATE,
	    .subcode = BGP_NOTIFY_UPD_ATTR_LIST };

	establish(&f, &r, 1, 90, 90);
	bgp_fsm_event(&f, BGP_FSM_EV_UPDATE_ERR, 2000, &e);
	UT_EQ_INT(f.state, BGP_FSM_IDLE);
	UT_EQ_INT(r.code, BGP_NOTIFY_UPDATE);
	UT_EQ_INT(r.subcode, BGP_NOTIFY_UPD_ATTR_LIST);

	e.code = BGP_NOTIFY_HEADER;
	e.subcode = BGP_NOTIFY_HDR_BAD_LEN;
	establish(&f, &r, 1, 90, 90);
	bgp_fsm_event(&f, BGP_FSM_EV_HDR_ERR, 2000, &e);
	UT_EQ_INT(r.code, BGP_NOTIFY_HEADER);
	UT_EQ_INT(r.subcode, BGP_NOTIFY_HDR_BAD_LEN);

	e.code = BGP_NOTIFY_OPEN;
	e.subcode = BGP_NOTIFY_OPEN_BAD_AS;
	setup(&f, &r, 1, 90);
	bgp_fsm_event(&f, BGP_FSM_EV_START, 0, NULL);
	bgp_fsm_event(&f, BGP_FSM_EV_TCP_UP, 100, NULL);
	bgp_fsm_event(&f, BGP_FSM_EV_OPEN_ERR, 200, &e);
	UT_EQ_INT(f.state, BGP_FSM_IDLE);
	UT_EQ_INT(r.code, BGP_NOTIFY_OPEN);
	UT_EQ_INT(r.subcode, BGP_NOTIFY_OPEN_BAD_AS);
}

/* RFC 6608: unexpected messages per state. */
static void
test_fsm_errors(void)
{
	struct bgp_fsm	 f;
	struct rec	 r;

	setup(&f, &r, 1, 90);
	bgp_fsm_event(&f, BGP_FSM_EV_START, 0, NULL);
	bgp_fsm_event(&f, BGP_FSM_EV_TCP_UP, 100, NULL);
	bgp_fsm_event(&f, BGP_FSM_EV_UPDATE, 200, NULL);
	UT_EQ_INT(f.state, BGP_FSM_IDLE);
	UT_EQ_INT(r.code, BGP_NOTIFY_FSM);
	UT_EQ_INT(r.subcode, 1);

	setup(&f, &r, 1, 90);
	bgp_fsm_event(&f, BGP_FSM_EV_START, 0, NULL);
	bgp_fsm_event(&f, BGP_FSM_EV_TCP_UP, 100, NULL);
	bgp_fsm_open(&f, 90, 200);
	bgp_fsm_event(&f, BGP_FSM_EV_UPDATE, 300, NULL);
	UT_EQ_INT(r.code, BGP_NOTIFY_FSM);
	UT_EQ_INT(r.subcode, 2);

	establish(&f, &r, 1, 90, 90);
	bgp_fsm_open(&f, 90, 2000);	/* a second OPEN */
	UT_EQ_INT(f.state, BGP_FSM_IDLE);
	UT_EQ_INT(r.code, BGP_NOTIFY_FSM);
	UT_EQ_INT(r.subcode, 3);
}

static void
test_collision_event(void)
{
	struct bgp_fsm	 f;
	struct rec	 r;

	setup(&f, &r, 0, 90);
	bgp_fsm_event(&f, BGP_FSM_EV_START, 0, NULL);
	bgp_fsm_event(&f, BGP_FSM_EV_TCP_UP, 100, NULL);
	bgp_fsm_open(&f, 90, 200);
	bgp_fsm_event(&f, BGP_FSM_EV_COLLISION, 300, NULL);
	UT_EQ_INT(f.state, BGP_FSM_IDLE);
	UT_EQ_INT(r.code, BGP_NOTIFY_CEASE);
	UT_EQ_INT(r.subcode, BGP_NOTIFY_CEASE_COLLISION);
	UT_EQ_INT(bgp_fsm_collision_keep_local(0x0a000002, 0x0a000001, 1, 2), 1);
	UT_EQ_INT(bgp_fsm_collision_keep_local(0x0a000001, 0x0a000002, 2, 1), 0);
	/* compared as unsigned: 200.0.0.1 > 10.0.0.1 */
	UT_EQ_INT(bgp_fsm_collision_keep_local(0xc8000001, 0x0a000001, 1, 2), 1);
	/* equal identifiers (RFC 6286 §2.3): the larger AS's connection survives,
	 * each side deciding the same way */
	UT_EQ_INT(bgp_fsm_collision_keep_local(0x0a000001, 0x0a000001, 65002, 65001), 1);
	UT_EQ_INT(bgp_fsm_collision_keep_local(0x0a000001, 0x0a000001, 65001, 65002), 0);
	UT_EQ_INT(bgp_fsm_collision_keep_local(0x0a000001, 0x0a000001, 4200000000u,
	    65001), 1);
}

static void
test_tcp_fail_in_opensent(void)
{
	struct bgp_fsm	 f;
	struct rec	 r;

	setup(&f, &r, 0, 90);
	bgp_fsm_event(&f, BGP_FSM_EV_START, 0, NULL);
	bgp_fsm_event(&f, BGP_FSM_EV_TCP_UP, 100, NULL);
	bgp_fsm_event(&f, BGP_FSM_EV_TCP_FAIL, 200, NULL);
	UT_EQ_INT(f.state, BGP_FSM_ACTIVE);	/* RFC 4271 §8.2.2 OpenSent */
	UT_EQ_INT(r.notifs, 0);
	UT_ASSERT(bgp_fsm_deadline(&f) > 200);
	/* a connection while idle and not started is refused */
	setup(&f, &r, 1, 90);
	bgp_fsm_event(&f, BGP_FSM_EV_TCP_UP, 100, NULL);
	UT_EQ_INT(f.state, BGP_FSM_IDLE);
	UT_EQ_INT(r.closes, 1);
	UT_EQ_INT(r.opens, 0);
}

static void
open_base(struct bgp_open *o, struct bgp_open_policy *p)
{
	memset(o, 0, sizeof(*o));
	memset(p, 0, sizeof(*p));
	o->version = 4;
	o->my_as = 65004;
	o->holdtime = 90;
	o->bgp_id = 0x7f000104;
	p->remote_as = 65004;
	p->local_as = 65011;
	p->local_id = 0x7f00010b;
	p->role = -1;
}

static void
test_open_check(void)
{
	struct bgp_open		 o;
	struct bgp_open_policy	 p;
	struct bgp_error	 e;

	open_base(&o, &p);
	UT_EQ_INT(bgp_fsm_open_check(&p, &o, &e), BGP_OK);
	o.version = 3;
	UT_EQ_INT(bgp_fsm_open_check(&p, &o, &e), BGP_ERR_SESSION_RESET);
	UT_EQ_INT(e.subcode, BGP_NOTIFY_OPEN_VERSION);
	UT_EQ_INT(e.datalen, 2);
	UT_EQ_INT(e.data[1], 4);
	open_base(&o, &p);
	o.my_as = 65005;
	UT_EQ_INT(bgp_fsm_open_check(&p, &o, &e), BGP_ERR_SESSION_RESET);
	UT_EQ_INT(e.code, BGP_NOTIFY_OPEN);
	UT_EQ_INT(e.subcode, BGP_NOTIFY_OPEN_BAD_AS);
	open_base(&o, &p);
	o.holdtime = 2;
	bgp_fsm_open_check(&p, &o, &e);
	UT_EQ_INT(e.subcode, BGP_NOTIFY_OPEN_HOLD_TIME);
	o.holdtime = 0;
	UT_EQ_INT(bgp_fsm_open_check(&p, &o, &e), BGP_OK);
	open_base(&o, &p);
	o.bgp_id = 0;
	bgp_fsm_open_check(&p, &o, &e);
	UT_EQ_INT(e.subcode, BGP_NOTIFY_OPEN_BAD_ID);
	/* same identifier: allowed between different ASes (RFC 6286), not within one */
	o.bgp_id = p.local_id;
	UT_EQ_INT(bgp_fsm_open_check(&p, &o, &e), BGP_OK);
	p.local_as = 65004;
	UT_EQ_INT(bgp_fsm_open_check(&p, &o, &e), BGP_ERR_SESSION_RESET);
}

/* What bgp_open_decode records for the FSM check: a parameter other than
 * capabilities, Role capabilities that disagree, long capability lists. */
static void
test_open_decode_check(void)
{
	uint8_t			 b[128];
	struct bgp_open		 o;
	struct bgp_open_policy	 p, q;
	struct bgp_error	 e;
	size_t			 n = 0, i;

	/* version, AS 65004, hold 90, id 127.0.1.4, then the parameters */
	static const uint8_t	 head[] = { 4, 0xfd, 0xec, 0, 90, 127, 0, 1, 4 };
	/* one capability parameter: Role 2 (RS client) and Role 3 (customer) */
	static const uint8_t	 roles[] = { 2, 6, 9, 1, 2, 9, 1, 3 };
	static const uint8_t	 auth[] = { 1, 2, 0xaa, 0xbb };

	memcpy(b, head, sizeof(head));
	n = sizeof(head);
	b[n++] = sizeof(roles);
	memcpy(b + n, roles, sizeof(roles));
	n += sizeof(roles);
	UT_EQ_INT(bgp_open_decode(b, n, &o, &e), BGP_OK);
	UT_EQ_INT(o.caps.role_conflict, 1);
	open_base(&o, &q);
	q.role = BGP_ROLE_RS_CLIENT;
	UT_EQ_INT(bgp_open_decode(b, n, &o, &e), BGP_OK);
	UT_EQ_INT(bgp_fsm_open_check(&q, &o, &e), BGP_ERR_SESSION_RESET);
	UT_EQ_INT(e.subcode, BGP_NOTIFY_OPEN_ROLE);
	/* the same role twice is no conflict */
	b[n - 1] = 2;
	UT_EQ_INT(bgp_open_decode(b, n, &o, &e), BGP_OK);
	UT_EQ_INT(o.caps.role_conflict, 0);
	/* an optional parameter of type 1 (deprecated authentication) */
	n = sizeof(head);
	b[n++] = sizeof(auth);
	memcpy(b + n, auth, sizeof(auth));
	n += sizeof(auth);
	UT_EQ_INT(bgp_open_decode(b, n, &o, &e), BGP_OK);	/* decodes (BMP) */
	UT_EQ_INT(o.unknown_param, 1);
	open_base(&o, &p);
	UT_EQ_INT(bgp_open_decode(b, n, &o, &e), BGP_OK);
	UT_EQ_INT(bgp_fsm_open_check(&p, &o, &e), BGP_ERR_SESSION_RESET);
	UT_EQ_INT(e.code, BGP_NOTIFY_OPEN);
	UT_EQ_INT(e.subcode, BGP_NOTIFY_OPEN_OPT_PARAM);
	/* ADD-PATH with 12 tuples, IPv4 unicast last: all kept */
	n = sizeof(head);
	b[n++] = 2 + 2 + 12 * 4;
	b[n++] = 2;
	b[n++] = 2 + 12 * 4;
	b[n++] = 69;
	b[n++] = 12 * 4;
	for (i = 0; i < 12; i++) {
		b[n++] = 0;
		b[n++] = i == 11 ? 1 : 2;
		b[n++] = i == 11 ? 1 : (uint8_t)(4 + i);
		b[n++] = 3;
	}
	UT_EQ_INT(bgp_open_decode(b, n, &o, &e), BGP_OK);
	UT_EQ_INT(o.caps.naddpath, 12);
	UT_EQ_INT(o.caps.ntrunc, 0);
	UT_EQ_INT(o.caps.addpath[11].afi, 1);
	UT_EQ_INT(o.caps.addpath[11].safi, 1);
}

static void
test_open_check_as4(void)
{
	struct bgp_open		 o;
	struct bgp_open_policy	 p;
	struct bgp_error	 e;

	open_base(&o, &p);
	p.remote_as = 4200000001u;
	o.my_as = BGP_AS_TRANS;
	o.caps.has_as4 = 1;
	o.caps.as4 = 4200000001u;
	UT_EQ_INT(bgp_fsm_open_check(&p, &o, &e), BGP_OK);
	o.caps.as4 = 4200000002u;
	UT_EQ_INT(bgp_fsm_open_check(&p, &o, &e), BGP_ERR_SESSION_RESET);
	UT_EQ_INT(e.subcode, BGP_NOTIFY_OPEN_BAD_AS);
	o.caps.has_as4 = 0;	/* AS_TRANS without the capability */
	UT_EQ_INT(bgp_fsm_open_check(&p, &o, &e), BGP_ERR_SESSION_RESET);
}

static void
test_open_check_role(void)
{
	struct bgp_open		 o;
	struct bgp_open_policy	 p;
	struct bgp_error	 e;

	open_base(&o, &p);
	p.role = BGP_ROLE_RS_CLIENT;
	UT_EQ_INT(bgp_fsm_open_check(&p, &o, &e), BGP_OK);	/* lax: none is fine */
	o.caps.has_role = 1;
	o.caps.role = BGP_ROLE_RS;
	UT_EQ_INT(bgp_fsm_open_check(&p, &o, &e), BGP_OK);
	o.caps.role = BGP_ROLE_PEER;
	UT_EQ_INT(bgp_fsm_open_check(&p, &o, &e), BGP_ERR_SESSION_RESET);
	UT_EQ_INT(e.subcode, BGP_NOTIFY_OPEN_ROLE);
	o.caps.has_role = 0;
	p.role_strict = 1;
	UT_EQ_INT(bgp_fsm_open_check(&p, &o, &e), BGP_ERR_SESSION_RESET);
	UT_EQ_INT(e.subcode, 11);
	/* RFC 9234 §4.2: several Role capabilities of different values */
	p.role_strict = 0;
	o.caps.has_role = 1;
	o.caps.role = BGP_ROLE_RS;
	o.caps.role_conflict = 1;
	UT_EQ_INT(bgp_fsm_open_check(&p, &o, &e), BGP_ERR_SESSION_RESET);
	UT_EQ_INT(e.subcode, BGP_NOTIFY_OPEN_ROLE);
	UT_EQ_INT(bgp_role_peer(BGP_ROLE_PROVIDER), BGP_ROLE_CUSTOMER);
	UT_EQ_INT(bgp_role_peer(BGP_ROLE_PEER), BGP_ROLE_PEER);
	UT_EQ_INT(bgp_role_peer(-1), -1);
}

/* RFC 4724 §4.2: which families keep stale routes, before and after the restart. */
static void
test_gr_families(void)
{
	struct bgp_caps	 c;

	memset(&c, 0, sizeof(c));
	UT_EQ_INT(bgp_gr_families(&c, 0), 0);		/* no capability */
	UT_EQ_INT(bgp_gr_families(NULL, 0), 0);
	c.has_gr = 1;
	c.gr_time = 120;
	UT_EQ_INT(bgp_gr_families(&c, 0), 0);		/* "aware" only: no family */
	c.gr[0].afi = PREFIX_AF_IPV4;
	c.gr[0].safi = BGP_SAFI_UNICAST;
	c.gr[1].afi = PREFIX_AF_IPV6;
	c.gr[1].safi = BGP_SAFI_UNICAST;
	c.gr[1].flags = BGP_GR_F_FORWARDING;
	c.gr[2].afi = PREFIX_AF_IPV4;
	c.gr[2].safi = 128;				/* VPN: not ours */
	c.gr[2].flags = BGP_GR_F_FORWARDING;
	c.ngr = 3;
	UT_EQ_INT(bgp_gr_families(&c, 0), BGP_GR_AF_IPV4 | BGP_GR_AF_IPV6);
	/* after the restart, IPv4 without the F bit loses its stale routes */
	UT_EQ_INT(bgp_gr_families(&c, 1), BGP_GR_AF_IPV6);
	c.gr[0].flags = BGP_GR_F_FORWARDING;
	UT_EQ_INT(bgp_gr_families(&c, 1), BGP_GR_AF_IPV4 | BGP_GR_AF_IPV6);
	c.has_gr = 0;					/* new OPEN without GR */
	UT_EQ_INT(bgp_gr_families(&c, 1), 0);
}

static void
test_state_names(void)
{
	UT_EQ_STR(bgp_fsm_state_str(BGP_FSM_IDLE), "Idle");
	UT_EQ_STR(bgp_fsm_state_str(BGP_FSM_ESTABLISHED), "Established");
	UT_EQ_STR(bgp_fsm_state_str(BGP_FSM_OPENCONFIRM), "OpenConfirm");
}

UT_MAIN(
	UT_CASE(test_active_to_established),
	UT_CASE(test_passive_waits),
	UT_CASE(test_keepalive_and_hold),
	UT_CASE(test_hold_zero),
	UT_CASE(test_connect_retry_backoff),
	UT_CASE(test_auto_restart_after_error),
	UT_CASE(test_stop_sends_cease),
	UT_CASE(test_error_notifications),
	UT_CASE(test_fsm_errors),
	UT_CASE(test_collision_event),
	UT_CASE(test_tcp_fail_in_opensent),
	UT_CASE(test_open_check),
	UT_CASE(test_open_decode_check), UT_CASE(test_open_check_as4),
	UT_CASE(test_open_check_role),
	UT_CASE(test_gr_families),
	UT_CASE(test_state_names)
)
