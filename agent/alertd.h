/*
 * The daemon's alert engine instance (agent/alert.h) on the loop: created at start
 * with the policies from detection.rules, state loaded from alerts.state-file and
 * saved atomically from a slow timer and at shutdown, alert_tick() driven by a loop
 * timer at alert_next_deadline(), and every transition fanned out to the outputs
 * (local/remote syslog, the JSON-lines file, then subscribers such as SNMP).
 * Control commands: "show alerts [--all]" and "test-alert".
 *
 * Detection code asserts/retracts on alertd_engine() with alertd_now() and calls
 * alertd_kick() after a batch so the tick timer follows the engine's next deadline.
 * Register alertd_module before the detection module: on reload the policies are
 * set here first, then detection reconciles.
 */
#ifndef IXW_ALERTD_H
#define IXW_ALERTD_H

#include <stdint.h>

#include "agent/alert.h"
#include "agent/loop.h"

extern struct loop_module alertd_module;

/* The engine, NULL before start and after stop. */
struct alert_engine *alertd_engine(void);
/* Wall clock in milliseconds since the epoch (the engine's time base). */
uint64_t alertd_now(void);
/* Re-arms the tick timer at the engine's next deadline (after observations). */
void	 alertd_kick(void);

/* Further outputs (SNMP notifications): called for every transition after the
 * built-in ones, in subscription order; must not call back into the engine.
 * -1 if the table is full. */
typedef void (*alertd_output_fn)(const struct alert *, enum alert_transition, void *arg);
int	 alertd_subscribe(alertd_output_fn, void *arg);

/* Sends a synthetic alert (rule "test") through every output: raised, then
 * cleared. Returns its id, 0 on failure. */
uint32_t alertd_test(void);

#endif /* IXW_ALERTD_H */
