/*
 * MRT file reader (daemon side): opens a plain, gzip or bzip2 file, detected by its
 * magic bytes, and yields whole records (RFC 6396) for mrt_record_decode().
 */
#ifndef IXW_MRT_FILE_H
#define IXW_MRT_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bgp/mrt.h"

enum mrt_file_comp {
	MRT_FILE_PLAIN = 0,
	MRT_FILE_GZIP,
	MRT_FILE_BZIP2,
};

/* mrt_file_next(): read or decompression error (distinct from the mrt_result codes). */
#define MRT_FILE_EIO	(-16)

struct mrt_file;

/* NULL with errno set on failure. */
struct mrt_file *mrt_file_open(const char *path);
void	 mrt_file_close(struct mrt_file *);
int	 mrt_file_compression(const struct mrt_file *);
/*
 * Next raw record (header + body): 1 with rec and len set (valid until the next call),
 * 0 at a clean end of file, MRT_ERR_SHORT for a record cut short (truncated file),
 * MRT_FILE_EIO with errno for read or decompression errors, MRT_ERR_FORMAT for an
 * absurd record length.
 */
int	 mrt_file_next(struct mrt_file *, const uint8_t **rec, size_t *len);
/* Next record, decoded; MRT_UNSUPPORTED/MRT_ERR_FORMAT records are returned as such. */
int	 mrt_file_next_record(struct mrt_file *, struct mrt_record *, int *result);
/* Decompressed bytes, for raw BMP/BGP streams: bytes read, 0 at EOF, -1 on error. */
ssize_t	 mrt_file_read(struct mrt_file *, void *, size_t);
/* Records returned so far. */
uint64_t mrt_file_count(const struct mrt_file *);

#endif /* IXW_MRT_FILE_H */
