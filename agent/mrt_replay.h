/*
 * MRT replay (RFC 6396, RFC 8050): every sources.mrt file is read on the loop in
 * slices of a few milliseconds (or at the recorded pace times a speed factor) and
 * each MRT peer becomes a source. Sources are SYNCING while the file is replayed
 * and UP once it is done.
 */
#ifndef IXW_MRT_REPLAY_H
#define IXW_MRT_REPLAY_H

#include <stdint.h>

struct json;
struct loop_module;
struct source;

extern struct loop_module mrt_replay_module;

/* Adds the replay's file, progress and counters to j for an MRT source. */
void	 mrt_replay_describe(const struct source *, struct json *j);
/* Adds every replay's progress to j (the current object). */
void	 mrt_replay_summary(struct json *j);

#endif /* IXW_MRT_REPLAY_H */
