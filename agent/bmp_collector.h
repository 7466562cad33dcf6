/*
 * The BMP collector (RFC 7854, RFC 8671 Adj-RIB-Out, RFC 9069 Loc-RIB): passive TCP
 * listeners for routers, one connection state per router, monitored peers from Peer
 * Up (their OPENs decide how UPDATEs are decoded), Route Monitoring into the RIB as
 * one source per (router, peer, RD, RIB type), Peer Down, Statistics Reports, and a
 * reconnect grace that keeps a gone router's routes and re-syncs them.
 */
#ifndef IXW_BMP_COLLECTOR_H
#define IXW_BMP_COLLECTOR_H

#include <stdint.h>

struct json;
struct loop_module;
struct source;
struct sockaddr;

/* The loop module (bind: listeners; reload: allow list, limits; stop: close all). */
extern struct loop_module bmp_collector_module;

struct bmp_collector_counters {
	uint64_t	accepted;	/* connections accepted */
	uint64_t	refused;	/* not in the allow list or over max-routers */
	uint64_t	disconnects;	/* routers gone (closed by them or by us) */
	uint64_t	errors;		/* connections closed for a malformed message */
	uint64_t	expired;	/* routers whose grace ran out: routes withdrawn */
	uint64_t	resyncs;	/* routers back within the grace */
	uint64_t	messages;
	uint64_t	bytes;
};

/*
 * Takes a connected, non-blocking stream socket from router address sa (AF_INET or
 * AF_INET6) as a BMP router, after the allow list and max-routers checks (what the
 * listeners do for each accepted connection). -1 if refused (fd closed).
 */
int	 bmp_collector_attach(int fd, const struct sockaddr *sa);

void	 bmp_collector_counters(struct bmp_collector_counters *);
/* Routers currently connected. */
unsigned bmp_collector_routers(void);
/*
 * Adds what the collector knows about a BMP source to j (the current object):
 * router: address, sysName, sysDescr, messages; peer: peer address, AS, BGP id,
 * down reason, latest statistics. Nothing for other sources.
 */
void	 bmp_collector_describe(const struct source *, struct json *j);
/* Adds the collector's listeners and counters to j (the current object). */
void	 bmp_collector_summary(struct json *j);

#endif /* IXW_BMP_COLLECTOR_H */
