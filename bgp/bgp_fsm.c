/*
 * RFC 4271 §8 BGP finite state machine with injected time and actions; the OPEN
 * check (RFC 4271 §6.2, RFC 6286, RFC 6793, RFC 9234 §4.2), the collision rule
 * (RFC 4271 §6.8) and the families kept over a graceful restart (RFC 4724 §4.2).
 * See bgp_fsm.h.
 */
#include <string.h>

#include "bgp/bgp_fsm.h"

#define MS(s)	((uint64_t)(s) * 1000)

const char *
bgp_fsm_state_str(enum bgp_fsm_state s)
{
	switch (s) {
	case BGP_FSM_IDLE:
		return "Idle";
	case BGP_FSM_CONNECT:
		return "Connect";
	case BGP_FSM_ACTIVE:
		return "Active";
	case BGP_FSM_OPENSENT:
		return "OpenSent";
	case BGP_FSM_OPENCONFIRM:
		return "OpenConfirm";
	case BGP_FSM_ESTABLISHED:
		return "Established";
	}
	return "?";
}

void
bgp_fsm_init(struct bgp_fsm *f, const struct bgp_fsm_conf *conf)
{
	memset(f, 0, sizeof(*f));
	f->conf = *conf;
	if (f->conf.connect_retry == 0)
		f->conf.connect_retry = 5;
	if (f->conf.connect_retry_max < f->conf.connect_retry)
		f->conf.connect_retry_max = f->conf.connect_retry;
	f->state = BGP_FSM_IDLE;
}

uint64_t
bgp_fsm_backoff(const struct bgp_fsm_conf *conf, uint32_t failures)
{
	uint64_t	 t = conf->connect_retry ? conf->connect_retry : 5;
	uint64_t	 max = conf->connect_retry_max > t ? conf->connect_retry_max : t;

	while (failures-- > 1 && t < max)
		t *= 2;
	return MS(t < max ? t : max);
}

static void
set_state(struct bgp_fsm *f, enum bgp_fsm_state s)
{
	enum bgp_fsm_state	 old = f->state;

	if (old == s)
		return;
	f->state = s;
	if (s == BGP_FSM_ESTABLISHED) {
		f->transitions++;
		f->retry_count = 0;
	}
	if (f->conf.ops->state != NULL)
		f->conf.ops->state(f->conf.arg, old, s);
}

static void
notify(struct bgp_fsm *f, uint8_t code, uint8_t sub, const uint8_t *data, size_t len)
{
	f->last_code = code;
	f->last_subcode = sub;
	f->conf.ops->send_notification(f->conf.arg, code, sub, data, len);
}

/* Holding timers for the negotiated hold time: 0 disables both. */
static void
restart_hold(struct bgp_fsm *f, uint64_t now)
{
	f->t_hold = f->hold ? now + MS(f->hold) : 0;
}

static void
restart_keepalive(struct bgp_fsm *f, uint64_t now)
{
	f->t_keepalive = f->keepalive ? now + MS(f->keepalive) : 0;
}

/*
 * To Idle after an error (RFC 4271 §8.2.2 "release all BGP resources, drop the TCP
 * connection, increment the ConnectRetryCounter"); with auto_restart the next
 * attempt is scheduled with backoff.
 */
static void
to_idle(struct bgp_fsm *f, uint64_t now, int failure)
{
	f->t_hold = f->t_keepalive = 0;
	f->conf.ops->close(f->conf.arg);
	if (failure)
		f->retry_count++;
	if (f->started && f->conf.auto_restart)
		f->t_retry = now + bgp_fsm_backoff(&f->conf, f->retry_count);
	else
		f->t_retry = 0;
	set_state(f, BGP_FSM_IDLE);
}

static void
start(struct bgp_fsm *f, uint64_t now)
{
	f->t_retry = now + bgp_fsm_backoff(&f->conf, f->retry_count);
	if (f->conf.passive) {
		set_state(f, BGP_FSM_ACTIVE);
		return;
	}
	set_state(f, BGP_FSM_CONNECT);
	f->conf.ops->connect(f->conf.arg);
}

static void
tcp_up(struct bgp_fsm *f, uint64_t now)
{
	f->t_retry = 0;
	f->hold = BGP_FSM_OPEN_HOLD;
	f->keepalive = 0;
	restart_hold(f, now);
	f->t_keepalive = 0;
	set_state(f, BGP_FSM_OPENSENT);
	f->conf.ops->send_open(f->conf.arg);
}

static void
err_notify(struct bgp_fsm *f, const struct bgp_error *err, uint8_t code, uint8_t sub)
{
	if (err != NULL && err->code != 0)
		notify(f, err->code, err->subcode, err->data, err->datalen);
	else
		notify(f, code, sub, NULL, 0);
}

/* RFC 6608 FSM error subcodes: unexpected message in OpenSent/OpenConfirm/Established. */
static uint8_t
fsm_subcode(enum bgp_fsm_state s)
{
	switch (s) {
	case BGP_FSM_OPENSENT:
		return 1;
	case BGP_FSM_OPENCONFIRM:
		return 2;
	case BGP_FSM_ESTABLISHED:
		return 3;
	default:
		return 0;
	}
}

/* Idle, Connect, Active: before a TCP connection carries BGP. */
static void
event_pre(struct bgp_fsm *f, enum bgp_fsm_event ev, uint64_t now)
{
	switch (ev) {
	case BGP_FSM_EV_START:
		f->started = 1;
		if (f->state == BGP_FSM_IDLE)
			start(f, now);
		break;
	case BGP_FSM_EV_TCP_UP:
		if (f->state == BGP_FSM_IDLE) {
			/* an accepted connection while idle: allowed once started */
			if (!f->started) {
				f->conf.ops->close(f->conf.arg);
				break;
			}
		}
		tcp_up(f, now);
		break;
	case BGP_FSM_EV_TCP_FAIL:
		if (f->state == BGP_FSM_CONNECT) {
			/* RFC 4271 §8.2.2 Connect: TcpConnectionFails -> Active */
			f->conf.ops->close(f->conf.arg);
			f->retry_count++;
			f->t_retry = now + bgp_fsm_backoff(&f->conf, f->retry_count);
			set_state(f, BGP_FSM_ACTIVE);
		} else if (f->state == BGP_FSM_ACTIVE) {
			to_idle(f, now, 1);
		}
		break;
	case BGP_FSM_EV_STOP:
		f->started = 0;
		if (f->state != BGP_FSM_IDLE)
			to_idle(f, now, 0);
		f->t_retry = 0;
		break;
	case BGP_FSM_EV_NOTIFICATION:
	case BGP_FSM_EV_COLLISION:
		if (f->state != BGP_FSM_IDLE)
			to_idle(f, now, 1);
		break;
	default:
		/* messages without a session: FSM error, drop */
		if (f->state != BGP_FSM_IDLE)
			to_idle(f, now, 1);
		break;
	}
}

/* OpenSent, OpenConfirm, Established. */
static void
event_session(struct bgp_fsm *f, enum bgp_fsm_event ev, uint64_t now,
    const struct bgp_error *err)
{
	enum bgp_fsm_state	 s = f->state;

	switch (ev) {
	case BGP_FSM_EV_START:
		f->started = 1;
		break;
	case BGP_FSM_EV_TCP_UP:
		/* a second connection is the owner's collision case; ignore */
		break;
	case BGP_FSM_EV_STOP:
		err_notify(f, err, BGP_NOTIFY_CEASE, BGP_NOTIFY_CEASE_SHUTDOWN);
		f->started = 0;
		to_idle(f, now, 0);
		break;
	case BGP_FSM_EV_TCP_FAIL:
		if (s == BGP_FSM_OPENSENT) {
			/* RFC 4271 §8.2.2 OpenSent: close, restart ConnectRetry, Active */
			f->conf.ops->close(f->conf.arg);
			f->t_hold = 0;
			f->retry_count++;
			f->t_retry = now + bgp_fsm_backoff(&f->conf, f->retry_count);
			set_state(f, BGP_FSM_ACTIVE);
		} else
			to_idle(f, now, 1);
		break;
	case BGP_FSM_EV_HDR_ERR:
	case BGP_FSM_EV_OPEN_ERR:
	case BGP_FSM_EV_UPDATE_ERR:
		err_notify(f, err, ev == BGP_FSM_EV_HDR_ERR ? BGP_NOTIFY_HEADER :
		    ev == BGP_FSM_EV_OPEN_ERR ? BGP_NOTIFY_OPEN : BGP_NOTIFY_UPDATE, 0);
		to_idle(f, now, 1);
		break;
	case BGP_FSM_EV_COLLISION:
		notify(f, BGP_NOTIFY_CEASE, BGP_NOTIFY_CEASE_COLLISION, NULL, 0);
		to_idle(f, now, 1);
		break;
	case BGP_FSM_EV_NOTIFICATION:
		to_idle(f, now, 1);
		break;
	case BGP_FSM_EV_KEEPALIVE:
		if (s == BGP_FSM_OPENSENT)
			goto fsm_error;
		restart_hold(f, now);
		if (s == BGP_FSM_OPENCONFIRM)
			set_state(f, BGP_FSM_ESTABLISHED);
		break;
	case BGP_FSM_EV_UPDATE:
	case BGP_FSM_EV_ROUTE_REFRESH:
		if (s != BGP_FSM_ESTABLISHED)
			goto fsm_error;
		restart_hold(f, now);
		break;
	case BGP_FSM_EV_OPEN:
		goto fsm_error;	/* only bgp_fsm_open() in OpenSent accepts one */
	}
	return;
fsm_error:
	notify(f, BGP_NOTIFY_FSM, fsm_subcode(s), NULL, 0);
	to_idle(f, now, 1);
}

void
bgp_fsm_event(struct bgp_fsm *f, enum bgp_fsm_event ev, uint64_t now,
    const struct bgp_error *err)
{
	if (f->state == BGP_FSM_IDLE || f->state == BGP_FSM_CONNECT ||
	    f->state == BGP_FSM_ACTIVE)
		event_pre(f, ev, now);
	else
		event_session(f, ev, now, err);
}

void
bgp_fsm_open(struct bgp_fsm *f, uint16_t peer_hold, uint64_t now)
{
	if (f->state != BGP_FSM_OPENSENT) {
		bgp_fsm_event(f, BGP_FSM_EV_OPEN, now, NULL);
		return;
	}
	/* RFC 4271 §4.2: the smaller of the two; 0 disables Hold and Keepalive */
	f->hold = peer_hold < f->conf.hold_time ? peer_hold : f->conf.hold_time;
	f->keepalive = f->hold / 3;
	f->t_retry = 0;
	f->conf.ops->send_keepalive(f->conf.arg);
	restart_hold(f, now);
	restart_keepalive(f, now);
	set_state(f, BGP_FSM_OPENCONFIRM);
}

static void
fire_retry(struct bgp_fsm *f, uint64_t now)
{
	f->t_retry = 0;
	switch (f->state) {
	case BGP_FSM_IDLE:
		if (f->started)
			start(f, now);	/* automatic restart after IdleHold */
		break;
	case BGP_FSM_CONNECT:
		/* RFC 4271 §8.2.2: drop the attempt, retry, stay in Connect */
		f->conf.ops->close(f->conf.arg);
		f->retry_count++;
		f->t_retry = now + bgp_fsm_backoff(&f->conf, f->retry_count);
		f->conf.ops->connect(f->conf.arg);
		break;
	case BGP_FSM_ACTIVE:
		f->t_retry = now + bgp_fsm_backoff(&f->conf, f->retry_count);
		if (!f->conf.passive) {
			set_state(f, BGP_FSM_CONNECT);
			f->conf.ops->connect(f->conf.arg);
		}
		break;
	default:
		break;
	}
}

void
bgp_fsm_tick(struct bgp_fsm *f, uint64_t now)
{
	if (f->t_hold != 0 && now >= f->t_hold) {
		f->t_hold = 0;
		if (f->state >= BGP_FSM_OPENSENT) {
			notify(f, BGP_NOTIFY_HOLD_TIMER, 0, NULL, 0);
			to_idle(f, now, 1);
		}
	}
	if (f->t_keepalive != 0 && now >= f->t_keepalive) {
		f->t_keepalive = 0;
		if (f->state == BGP_FSM_OPENCONFIRM || f->state == BGP_FSM_ESTABLISHED) {
			f->conf.ops->send_keepalive(f->conf.arg);
			restart_keepalive(f, now);
		}
	}
	if (f->t_retry != 0 && now >= f->t_retry)
		fire_retry(f, now);
}

uint64_t
bgp_fsm_deadline(const struct bgp_fsm *f)
{
	uint64_t	 t[3] = { f->t_retry, f->t_hold, f->t_keepalive };
	uint64_t	 min = 0;
	size_t		 i;

	for (i = 0; i < 3; i++)
		if (t[i] != 0 && (min == 0 || t[i] < min))
			min = t[i];
	return min;
}

/* ---- OPEN check and collisions ----------------------------------------- */

int
bgp_role_peer(int ours)
{
	switch (ours) {
	case BGP_ROLE_PROVIDER:
		return BGP_ROLE_CUSTOMER;
	case BGP_ROLE_CUSTOMER:
		return BGP_ROLE_PROVIDER;
	case BGP_ROLE_RS:
		return BGP_ROLE_RS_CLIENT;
	case BGP_ROLE_RS_CLIENT:
		return BGP_ROLE_RS;
	case BGP_ROLE_PEER:
		return BGP_ROLE_PEER;
	default:
		return -1;
	}
}

static enum bgp_result
open_err(struct bgp_error *err, uint8_t sub, const char *what)
{
	memset(err, 0, sizeof(*err));
	err->outcome = BGP_ERR_SESSION_RESET;
	err->code = BGP_NOTIFY_OPEN;
	err->subcode = sub;
	err->what = what;
	return BGP_ERR_SESSION_RESET;
}

enum bgp_result
bgp_fsm_open_check(const struct bgp_open_policy *pol, const struct bgp_open *o,
    struct bgp_error *err)
{
	uint32_t	 as = bgp_open_peer_as(o);
	enum bgp_result	 r;

	if (o->version != 4) {
		r = open_err(err, BGP_NOTIFY_OPEN_VERSION, "unsupported version");
		err->databuf[0] = 0;
		err->databuf[1] = 4;	/* the largest version we support */
		err->data = err->databuf;
		err->datalen = 2;
		return r;
	}
	/* RFC 4271 §6.2 (the only optional parameter defined since is type 2) */
	if (o->unknown_param != 0)
		return open_err(err, BGP_NOTIFY_OPEN_OPT_PARAM, "unsupported optional parameter");
	if (as != pol->remote_as || (o->caps.has_as4 && o->my_as != as &&
	    !(as > 0xffff && o->my_as == BGP_AS_TRANS)))
		return open_err(err, BGP_NOTIFY_OPEN_BAD_AS, "peer AS is not the configured one");
	if (o->holdtime == 1 || o->holdtime == 2)
		return open_err(err, BGP_NOTIFY_OPEN_HOLD_TIME, "hold time 1 or 2 s");
	/* RFC 6286 §2.2: non-zero; equal to ours only refused within one AS */
	if (o->bgp_id == 0 || (o->bgp_id == pol->local_id && as == pol->local_as))
		return open_err(err, BGP_NOTIFY_OPEN_BAD_ID, "bad BGP identifier");
	if (pol->role >= 0) {
		if (o->caps.role_conflict)
			return open_err(err, BGP_NOTIFY_OPEN_ROLE, "several different roles");
		if (o->caps.has_role && (int)o->caps.role != bgp_role_peer(pol->role))
			return open_err(err, BGP_NOTIFY_OPEN_ROLE, "role mismatch");
		if (!o->caps.has_role && pol->role_strict)
			return open_err(err, BGP_NOTIFY_OPEN_ROLE, "peer sent no role (strict)");
	}
	memset(err, 0, sizeof(*err));
	return BGP_OK;
}

uint8_t
bgp_gr_families(const struct bgp_caps *c, int need_forwarding)
{
	uint8_t		 af = 0;
	unsigned	 i;

	if (c == NULL || !c->has_gr)
		return 0;
	for (i = 0; i < c->ngr && i < BGP_CAPS_MAX; i++) {
		if (c->gr[i].safi != BGP_SAFI_UNICAST)
			continue;
		if (need_forwarding && !(c->gr[i].flags & BGP_GR_F_FORWARDING))
			continue;
		if (c->gr[i].afi == PREFIX_AF_IPV4)
			af |= BGP_GR_AF_IPV4;
		else if (c->gr[i].afi == PREFIX_AF_IPV6)
			af |= BGP_GR_AF_IPV6;
	}
	return af;
}

int
bgp_fsm_collision_keep_local(uint32_t local_id, uint32_t remote_id, uint32_t local_as,
    uint32_t remote_as)
{
	/* RFC 6286 §2.3: equal identifiers (different ASes): the larger AS's */
	if (local_id == remote_id)
		return local_as > remote_as;
	return local_id > remote_id;
}
