/*
 * Reading a local JSON VRP file (plain or gzip) into a VRP set (daemon side: zlib).
 */
#ifndef IXW_RTR_FILE_H
#define IXW_RTR_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "rtr/rtr_json.h"

/*
 * Load path (gzip is detected by its magic, plain JSON is read as is) and parse it.
 * Returns 0, or -1 with "path:line:col: what" (or "path: strerror") in err.
 */
int	 rtr_file_load(const char *path, uint64_t now, struct rtr_vrpset *,
	    char *err, size_t errlen);
/* The whole (decompressed) content; NULL with err set. Caller frees. */
char	*rtr_file_read(const char *path, size_t *len, char *err, size_t errlen);

#endif /* IXW_RTR_FILE_H */
