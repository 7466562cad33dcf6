/*
 * The agent's own BGP sessions (RFC 4271) to configured neighbors: listeners for
 * passive neighbors, outbound connections for active ones, the FSM of bgp/bgp_fsm.h
 * on the loop, one source (SOURCE_BGP, named after the neighbor) per neighbor.
 *
 * The agent is a listener only: it never announces routes. After the session comes
 * up it sends End-of-RIB for each negotiated family and nothing but KEEPALIVEs after.
 * Capabilities offered: multiprotocol IPv4/IPv6 unicast (RFC 4760), 4-octet AS (RFC
 * 6793), route refresh (RFC 2918), ADD-PATH receive (RFC 7911), extended messages
 * (RFC 8654), graceful restart as receiving speaker (RFC 4724), BGP role (RFC 9234).
 * TCP-MD5 (RFC 2385) via Linux TCP_MD5SIG. Commands: show neighbors.
 */
#ifndef IXW_BGP_SESSION_H
#define IXW_BGP_SESSION_H

struct loop_module;

/* The module to register in ixwatchd.c. */
extern struct loop_module bgp_session_module;

/* Configured neighbors; how many are Established. */
unsigned	 bgp_session_count(void);
unsigned	 bgp_session_established(void);

#endif /* IXW_BGP_SESSION_H */
