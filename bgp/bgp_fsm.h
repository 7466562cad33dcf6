/*
 * The BGP finite state machine of RFC 4271 §8, pure: no sockets, no clock, no
 * logging. The owner feeds events (TCP up/down, messages received and checked,
 * administrative start/stop) with the current time in milliseconds and calls
 * bgp_fsm_tick() when bgp_fsm_deadline() is reached; the FSM answers through the
 * action callbacks (connect, close, send OPEN/KEEPALIVE/NOTIFICATION, state change).
 *
 * Timers: ConnectRetry (with exponential backoff on repeated failures, RFC 4271
 * §8.1.1 IdleHoldTime / DampPeerOscillations), Hold (4 minutes before the OPEN,
 * then the negotiated value, RFC 4271 §4.2, 0 = none) and Keepalive (hold / 3).
 * Optional session attributes not modelled: DelayOpen, AcceptConnectionsUnconfigured
 * Peers (the owner rejects those), TrackTcpState.
 * Also here, because they are pure policy: the OPEN check (RFC 4271 §6.2, RFC 6286
 * BGP identifier, RFC 9234 role) and the collision rule (RFC 4271 §6.8).
 */
#ifndef IXW_BGP_FSM_H
#define IXW_BGP_FSM_H

#include <stddef.h>
#include <stdint.h>

#include "bgp/bgp.h"

enum bgp_fsm_state {
	BGP_FSM_IDLE = 1,	/* numbering of the BGP4-MIB bgpPeerState */
	BGP_FSM_CONNECT = 2,
	BGP_FSM_ACTIVE = 3,
	BGP_FSM_OPENSENT = 4,
	BGP_FSM_OPENCONFIRM = 5,
	BGP_FSM_ESTABLISHED = 6,
};

enum bgp_fsm_event {
	BGP_FSM_EV_START,	/* Manual/AutomaticStart (1, 3); passive per conf */
	BGP_FSM_EV_STOP,	/* ManualStop (2): Cease (subcode from err or Shutdown) */
	BGP_FSM_EV_TCP_UP,	/* Tcp_CR_Acked / TcpConnectionConfirmed (16, 17) */
	BGP_FSM_EV_TCP_FAIL,	/* TcpConnectionFails (18) */
	BGP_FSM_EV_OPEN,	/* BGPOpen (19): OPEN received and checked; use bgp_fsm_open */
	BGP_FSM_EV_HDR_ERR,	/* BGPHeaderErr (21): err has the NOTIFICATION */
	BGP_FSM_EV_OPEN_ERR,	/* BGPOpenMsgErr (22): err has the NOTIFICATION */
	BGP_FSM_EV_COLLISION,	/* OpenCollisionDump (23): Cease/Collision */
	BGP_FSM_EV_NOTIFICATION,/* NotifMsg (25) */
	BGP_FSM_EV_KEEPALIVE,	/* KeepAliveMsg (26) */
	BGP_FSM_EV_UPDATE,	/* UpdateMsg (27) */
	BGP_FSM_EV_UPDATE_ERR,	/* UpdateMsgErr (28): err has the NOTIFICATION */
	BGP_FSM_EV_ROUTE_REFRESH, /* counts as a message for the Hold timer */
};

struct bgp_fsm;

/* What the FSM asks its owner to do. Every callback gets conf.arg. */
struct bgp_fsm_ops {
	void	(*connect)(void *arg);		/* start a TCP connection (active) */
	void	(*close)(void *arg);		/* drop the TCP connection */
	void	(*send_open)(void *arg);
	void	(*send_keepalive)(void *arg);
	void	(*send_notification)(void *arg, uint8_t code, uint8_t subcode,
		    const uint8_t *data, size_t len);
	/* after every state change (old != fsm state) */
	void	(*state)(void *arg, enum bgp_fsm_state old, enum bgp_fsm_state new);
};

struct bgp_fsm_conf {
	uint16_t	 hold_time;		/* s we propose: 0 or >= 3 */
	uint8_t		 passive;		/* never connect, wait in Active */
	uint8_t		 auto_restart;		/* leave Idle again after an error */
	uint32_t	 connect_retry;		/* s, first ConnectRetry/IdleHold interval */
	uint32_t	 connect_retry_max;	/* s, backoff ceiling */
	const struct bgp_fsm_ops *ops;
	void		*arg;
};

/* Large-open Hold time while waiting for the peer's OPEN (RFC 4271 §8.2.2). */
#define BGP_FSM_OPEN_HOLD	240

struct bgp_fsm {
	struct bgp_fsm_conf conf;
	uint8_t		 state;			/* enum bgp_fsm_state */
	uint8_t		 started;		/* START seen, no STOP since */
	uint16_t	 hold;			/* negotiated hold time, s */
	uint16_t	 keepalive;		/* s */
	uint32_t	 retry_count;		/* ConnectRetryCounter */
	uint64_t	 t_retry;		/* deadlines in ms; 0 = not running */
	uint64_t	 t_hold;
	uint64_t	 t_keepalive;
	uint32_t	 transitions;		/* into Established */
	uint8_t		 last_code, last_subcode;	/* last NOTIFICATION sent */
};

void	 bgp_fsm_init(struct bgp_fsm *, const struct bgp_fsm_conf *);
void	 bgp_fsm_event(struct bgp_fsm *, enum bgp_fsm_event, uint64_t now_ms,
	    const struct bgp_error *err);
/* The OPEN was received and passed bgp_fsm_open_check: event BGPOpen. */
void	 bgp_fsm_open(struct bgp_fsm *, uint16_t peer_hold_time, uint64_t now_ms);
/* Fires every timer that is due. */
void	 bgp_fsm_tick(struct bgp_fsm *, uint64_t now_ms);
/* The earliest running timer's deadline in ms; 0 when none runs. */
uint64_t bgp_fsm_deadline(const struct bgp_fsm *);
/* Interval before the next connection attempt after n failures, ms. */
uint64_t bgp_fsm_backoff(const struct bgp_fsm_conf *, uint32_t failures);
const char *bgp_fsm_state_str(enum bgp_fsm_state);

/* What our side expects of the peer's OPEN. */
struct bgp_open_policy {
	uint32_t	 remote_as;
	uint32_t	 local_as;
	uint32_t	 local_id;		/* host order */
	int		 role;			/* enum bgp_role, -1: none sent */
	uint8_t		 role_strict;		/* peer must send the matching role */
};

/*
 * Checks a decoded OPEN (RFC 4271 §6.2 version, peer AS, hold time, identifier;
 * RFC 6286; RFC 9234 §4.2 role). BGP_OK, or BGP_ERR_SESSION_RESET with the
 * NOTIFICATION in err.
 */
enum bgp_result bgp_fsm_open_check(const struct bgp_open_policy *, const struct bgp_open *,
	    struct bgp_error *);
/* The role a peer must have opposite ours (RFC 9234 table 2); -1 for none. */
int	 bgp_role_peer(int ours);

/*
 * RFC 4271 §6.8: 1 if the connection our side initiated survives a collision
 * (our BGP identifier is the higher; equal ones: our AS is the larger, RFC 6286
 * §2.3), 0 if the peer's does. Identifiers in host order.
 */
int	 bgp_fsm_collision_keep_local(uint32_t local_id, uint32_t remote_id,
	    uint32_t local_as, uint32_t remote_as);

/*
 * RFC 4724 §4.2, the receiving speaker's side of graceful restart, as families
 * (BGP_GR_AF_* bits) of IPv4/IPv6 unicast in a peer's Graceful Restart capability.
 * When the session of a peer that sent the capability is lost, only the families
 * it listed keep their routes (stale): bgp_gr_families(old OPEN, 0). When the
 * session is back, stale routes survive only for the families the new OPEN lists
 * with the Forwarding State bit set: bgp_gr_families(new OPEN, 1); the others are
 * removed at once. A capability without families ("GR aware") keeps nothing.
 */
#define BGP_GR_AF_IPV4		0x01
#define BGP_GR_AF_IPV6		0x02
#define BGP_GR_F_FORWARDING	0x80	/* per family flag: forwarding state kept */
uint8_t	 bgp_gr_families(const struct bgp_caps *, int need_forwarding);

#endif /* IXW_BGP_FSM_H */
