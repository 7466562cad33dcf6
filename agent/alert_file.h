/*
 * The alert state file on disk: written atomically (temporary file, fsync, rename,
 * fsync of the directory) and rarely (a minimum interval, for flash wear on small
 * routers). Daemon side only; the format is alert_state.c's.
 */
#ifndef IXW_ALERT_FILE_H
#define IXW_ALERT_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "agent/alert.h"

struct alert_file {
	const char	*path;
	uint64_t	 min_interval;	/* ms between writes */
	uint64_t	 last_write;	/* ms; 0: never */
	uint32_t	 saved_gen;	/* alert_state_generation() at the last write */
	uint8_t		 written;
};

/* Writes len bytes to path atomically. 0, or -1 with errno (path untouched). */
int	 alert_file_write(const char *path, const void *buf, size_t len);
/* Saves the engine's state if it changed since the last save and the minimum
 * interval has passed (force: ignore the interval, e.g. at shutdown).
 * Returns 1 written, 0 nothing to do, -1 error (errno). */
int	 alert_file_save(struct alert_file *, const struct alert_engine *, uint64_t now,
	    int force);
/* Reads path and loads it into a fresh engine. 0 loaded, 1 no file, -1 refused. */
int	 alert_file_load(const char *path, struct alert_engine *, uint64_t now);

#endif /* IXW_ALERT_FILE_H */
