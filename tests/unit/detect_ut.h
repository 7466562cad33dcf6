/*
 * Helpers for the detection engine tests: a config written to a temporary
 * directory and loaded, a RIB with sources, routes built from AS paths through
 * the canonical attribute encoder, and a recorder for the alert transitions.
 */
#ifndef IXW_DETECT_UT_H
#define IXW_DETECT_UT_H

#include <stdint.h>

#include "agent/alert.h"
#include "agent/config.h"
#include "agent/config_types.h"
#include "agent/detect.h"
#include "bgp/rib.h"

struct dut_event {
	int		 tr;		/* enum alert_transition */
	struct alert_key key;
	uint8_t		 severity;
	uint8_t		 reason;	/* enum alert_reason (CLEARED) */
	uint32_t	 nprefixes, nsources;
	char		 as_path[ALERT_PATH_MAX];
	char		 descr[ALERT_TEXT_MAX];
};

#define DUT_EVENTS_MAX	4096
struct dut {
	struct config		*cfg;
	struct rib		*rib;
	struct alert_engine	*ae;
	struct detect		*d;
	uint64_t		 now;
	struct dut_event	*ev;
	unsigned		 nev;
	char			 dir[64];
};

/* Route options. */
struct dut_route {
	const uint32_t	*path;		/* neighbor first */
	unsigned	 npath;
	const uint32_t	*set;		/* an AS_SET after the path (NULL: none) */
	unsigned	 nset;
	int		 no_export;
	uint32_t	 otc;		/* 0: none */
	uint8_t		 state;		/* RIB_STATE() */
	uint32_t	 path_id;
};

/* ixwatch.yml body (sources etc. added) and prefixes.yml text (NULL: none). */
void	 dut_init(struct dut *, const char *detection_yml, const char *prefixes_yml);
void	 dut_fini(struct dut *);
/*
 * A reload with new prefixes: writes prefixes_yml as the prefixes file, loads the
 * configuration again and hands it to detect_reload (asserted to succeed); returns
 * the new configuration, which the caller swaps in for t->cfg when it chooses.
 */
struct config *dut_reload(struct dut *, const char *prefixes_yml);
uint16_t dut_source(struct dut *, const char *name);
void	 dut_announce(struct dut *, uint16_t src, const char *pfx, const struct dut_route *);
void	 dut_path(struct dut *, uint16_t src, const char *pfx, const uint32_t *path,
	    unsigned n);
void	 dut_withdraw(struct dut *, uint16_t src, const char *pfx);
/* Advance the clock by ms and run alert_tick. */
void	 dut_tick(struct dut *, uint64_t ms);
/* Events of one rule (0: any) and transition (0: any). */
unsigned dut_count(const struct dut *, int rule, int tr);
const struct dut_event *dut_find(const struct dut *, int rule, int tr, unsigned nth);

#endif /* IXW_DETECT_UT_H */
