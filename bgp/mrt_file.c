/*
 * MRT file reader: plain, gzip (zlib) or bzip2 (libbz2) input, chosen by the magic
 * bytes, never by the file name. Records are read into one growing buffer, so records
 * over 64 KiB (large TABLE_DUMP_V2 RIB entries) need nothing special.
 */
#include <bzlib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "bgp/mrt_file.h"

/* Refuse absurd lengths from corrupt files instead of allocating them. */
#define MRT_FILE_MAX_RECORD	(64u * 1024 * 1024)

struct mrt_file {
	int		 comp;
	FILE		*fp;
	gzFile		 gz;
	BZFILE		*bz;
	uint8_t		*buf;
	size_t		 cap;
	uint64_t	 count;
};

static int
detect(const char *path)
{
	unsigned char	 m[3] = { 0, 0, 0 };
	FILE		*fp;
	size_t		 n;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	n = fread(m, 1, sizeof(m), fp);
	fclose(fp);
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
		return MRT_FILE_GZIP;
	if (n == 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h')
		return MRT_FILE_BZIP2;
	return MRT_FILE_PLAIN;
}

struct mrt_file *
mrt_file_open(const char *path)
{
	struct mrt_file	*f;
	int		 bzerr;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	if ((f->comp = detect(path)) == -1)
		goto fail;
	if (f->comp == MRT_FILE_GZIP) {
		if ((f->gz = gzopen(path, "rb")) == NULL)
			goto fail;
		gzbuffer(f->gz, 128 * 1024);
		return f;
	}
	if ((f->fp = fopen(path, "rb")) == NULL)
		goto fail;
	if (f->comp == MRT_FILE_BZIP2 &&
	    (f->bz = BZ2_bzReadOpen(&bzerr, f->fp, 0, 0, NULL, 0)) == NULL) {
		errno = EINVAL;
		goto fail;
	}
	return f;
fail:
	mrt_file_close(f);
	return NULL;
}

void
mrt_file_close(struct mrt_file *f)
{
	int	 bzerr;

	if (f == NULL)
		return;
	if (f->bz != NULL)
		BZ2_bzReadClose(&bzerr, f->bz);
	if (f->gz != NULL)
		gzclose(f->gz);
	if (f->fp != NULL)
		fclose(f->fp);
	free(f->buf);
	free(f);
}

int
mrt_file_compression(const struct mrt_file *f)
{
	return f->comp;
}

uint64_t
mrt_file_count(const struct mrt_file *f)
{
	return f->count;
}

/* bzip2: continue across concatenated streams (pbzip2 output). */
static ssize_t
bz_read(struct mrt_file *f, void *p, size_t n)
{
	void	*unused;
	char	 rest[BZ_MAX_UNUSED];
	int	 bzerr, nun, r, c;

	while (f->bz != NULL) {
		r = BZ2_bzRead(&bzerr, f->bz, p, n > 1 << 30 ? 1 << 30 : (int)n);
		if (bzerr == BZ_OK)
			return r;
		if (bzerr == BZ_UNEXPECTED_EOF) {
			/* A cut-off file ends like EOF; the record layer reports it. */
			BZ2_bzReadClose(&bzerr, f->bz);
			f->bz = NULL;
			return 0;
		}
		if (bzerr != BZ_STREAM_END) {
			errno = EIO;
			return -1;
		}
		BZ2_bzReadGetUnused(&bzerr, f->bz, &unused, &nun);
		memcpy(rest, unused, (size_t)nun);
		BZ2_bzReadClose(&bzerr, f->bz);
		f->bz = NULL;
		if (nun == 0) {
			if ((c = fgetc(f->fp)) == EOF)
				return r;
			ungetc(c, f->fp);
		}
		f->bz = BZ2_bzReadOpen(&bzerr, f->fp, 0, 0, nun ? rest : NULL, nun);
		if (r > 0)
			return r;
	}
	return 0;
}

ssize_t
mrt_file_read(struct mrt_file *f, void *p, size_t n)
{
	size_t	 k;
	int	 r;

	switch (f->comp) {
	case MRT_FILE_GZIP:
		r = gzread(f->gz, p, n > 1 << 30 ? 1 << 30 : (unsigned)n);
		if (r < 0) {
			errno = EIO;
			return -1;
		}
		return r;
	case MRT_FILE_BZIP2:
		return bz_read(f, p, n);
	default:
		k = fread(p, 1, n, f->fp);
		if (k == 0 && ferror(f->fp))
			return -1;
		return (ssize_t)k;
	}
}

/* Read exactly n bytes: n, fewer at EOF, -1 on error. */
static ssize_t
read_full(struct mrt_file *f, uint8_t *p, size_t n)
{
	size_t	 got = 0;
	ssize_t	 r;

	while (got < n) {
		if ((r = mrt_file_read(f, p + got, n - got)) < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static int
grow(struct mrt_file *f, size_t need)
{
	size_t	 ncap = f->cap ? f->cap : 65536;
	uint8_t	*nb;

	if (need <= f->cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	if ((nb = realloc(f->buf, ncap)) == NULL)
		return -1;
	f->buf = nb;
	f->cap = ncap;
	return 0;
}

int
mrt_file_next(struct mrt_file *f, const uint8_t **rec, size_t *len)
{
	struct mrt_hdr	 h;
	ssize_t		 r;

	if (grow(f, MRT_HDRLEN) == -1)
		return MRT_FILE_EIO;
	if ((r = read_full(f, f->buf, MRT_HDRLEN)) < 0)
		return MRT_FILE_EIO;
	if (r == 0)
		return 0;
	if (r < MRT_HDRLEN)
		return MRT_ERR_SHORT;
	mrt_hdr_decode(f->buf, MRT_HDRLEN, &h);
	if (h.len > MRT_FILE_MAX_RECORD)
		return MRT_ERR_FORMAT;
	if (grow(f, MRT_HDRLEN + (size_t)h.len) == -1)
		return MRT_FILE_EIO;
	if ((r = read_full(f, f->buf + MRT_HDRLEN, h.len)) < 0)
		return MRT_FILE_EIO;
	if ((size_t)r < h.len)
		return MRT_ERR_SHORT;
	f->count++;
	*rec = f->buf;
	*len = MRT_HDRLEN + (size_t)h.len;
	return 1;
}

int
mrt_file_next_record(struct mrt_file *f, struct mrt_record *rec, int *result)
{
	const uint8_t	*p;
	size_t		 len;
	int		 r;

	if ((r = mrt_file_next(f, &p, &len)) != 1)
		return r;
	*result = mrt_record_decode(p, len, rec);
	return 1;
}
