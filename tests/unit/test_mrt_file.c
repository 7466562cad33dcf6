/*
 * MRT file reader: compression chosen by magic bytes (never by name), records read
 * whole across gzip/bzip2, a cut last record reported as MRT_ERR_SHORT, records over
 * 64 KiB (the shared bview.64k_stream_overflow dump).
 */
#include <bzlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "bgp/mrt_file.h"
#include "tests/unit/ut.h"

/* BGP4MP_ET STATE_CHANGE (IPv4, Idle -> Connect) and BGP4MP MESSAGE KEEPALIVE. */
static const uint8_t recs[] = {
	0x56, 0x29, 0x94, 0xee, 0x00, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x18,
	0x00, 0x07, 0xc6, 0x29, 0x0f, 0x10, 0x19, 0x2f, 0x00, 0x00, 0x00, 0x01,
	0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02, 0x00, 0x01, 0x00, 0x02,
	0x45, 0xce, 0x74, 0x2c, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x23,
	0x0d, 0xe9, 0x31, 0x6e, 0x00, 0x00, 0x00, 0x01,
	0xc3, 0x42, 0xe0, 0x27, 0xc3, 0x42, 0xe0, 0x01,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x04,
};

static char *
tmpfile_named(const char *suffix)
{
	static char	 path[128];
	int		 fd;

	snprintf(path, sizeof(path), "/tmp/ixw-mrt-XXXXXX%s", suffix);
	fd = mkstemps(path, (int)strlen(suffix));
	UT_ASSERT(fd != -1);
	close(fd);
	return path;
}

static void
write_plain(const char *p, size_t n)
{
	FILE	*fp = fopen(p, "wb");

	UT_ASSERT(fp != NULL);
	UT_EQ_INT(fwrite(recs, 1, n, fp), n);
	fclose(fp);
}

static void
write_gzip(const char *p)
{
	gzFile	 gz = gzopen(p, "wb");

	UT_ASSERT(gz != NULL);
	UT_EQ_INT(gzwrite(gz, recs, sizeof(recs)), sizeof(recs));
	gzclose(gz);
}

static void
write_bzip2(const char *p)
{
	FILE	*fp = fopen(p, "wb");
	BZFILE	*bz;
	int	 e;

	UT_ASSERT(fp != NULL);
	bz = BZ2_bzWriteOpen(&e, fp, 9, 0, 0);
	UT_ASSERT(bz != NULL);
	BZ2_bzWrite(&e, bz, (void *)(uintptr_t)recs, sizeof(recs));
	BZ2_bzWriteClose(&e, bz, 0, NULL, NULL);
	fclose(fp);
}

/* Both records come out decoded, whatever the compression; returns it. */
static int
read_two(const char *path)
{
	struct mrt_file		*f = mrt_file_open(path);
	struct mrt_record	 r;
	int			 res, comp;

	UT_ASSERT(f != NULL);
	UT_EQ_INT(mrt_file_next_record(f, &r, &res), 1);
	UT_EQ_INT(res, MRT_OK);
	UT_EQ_INT(r.kind, MRT_KIND_BGP4MP_STATE);
	UT_EQ_INT(r.u.msg.new_state, 2);
	UT_EQ_INT(mrt_file_next_record(f, &r, &res), 1);
	UT_EQ_INT(res, MRT_OK);
	UT_EQ_INT(r.kind, MRT_KIND_BGP4MP_MSG);
	UT_EQ_INT(r.u.msg.peer_as, 3561);
	UT_EQ_INT(mrt_file_next_record(f, &r, &res), 0);
	UT_EQ_INT(mrt_file_count(f), 2);
	comp = mrt_file_compression(f);
	mrt_file_close(f);
	unlink(path);
	return comp;
}

static void
magic_not_name(void)
{
	char	*p;

	p = tmpfile_named(".gz");		/* plain, whatever the name says */
	write_plain(p, sizeof(recs));
	UT_EQ_INT(read_two(p), MRT_FILE_PLAIN);
	p = tmpfile_named(".bz2");
	write_gzip(p);
	UT_EQ_INT(read_two(p), MRT_FILE_GZIP);
	p = tmpfile_named(".txt");
	write_bzip2(p);
	UT_EQ_INT(read_two(p), MRT_FILE_BZIP2);
	UT_ASSERT(mrt_file_open("/nonexistent/x.mrt") == NULL);
	mrt_file_close(NULL);
}

static void
cut_record(void)
{
	char			*p = tmpfile_named("");
	struct mrt_file		*f;
	const uint8_t		*rec;
	size_t			 len;

	write_plain(p, sizeof(recs) - 5);
	f = mrt_file_open(p);
	UT_ASSERT(f != NULL);
	UT_EQ_INT(mrt_file_next(f, &rec, &len), 1);
	UT_EQ_INT(len, 36);
	UT_EQ_INT(mrt_file_next(f, &rec, &len), MRT_ERR_SHORT);
	mrt_file_close(f);
	/* A cut header. */
	write_plain(p, 40);
	f = mrt_file_open(p);
	UT_EQ_INT(mrt_file_next(f, &rec, &len), 1);
	UT_EQ_INT(mrt_file_next(f, &rec, &len), MRT_ERR_SHORT);
	mrt_file_close(f);
	unlink(p);
}

static void
record_over_64k(void)
{
	const char		*path = ut_shared("mrt/bview.64k_stream_overflow.gz");
	struct mrt_file		*f;
	struct mrt_record	 r;
	struct mrt_rib_entry	 e;
	struct rbuf		 b;
	int			 res, big = 0, n;

	if (path == NULL)
		ut_skip("shared data absent");
	UT_ASSERT((f = mrt_file_open(path)) != NULL);
	while ((n = mrt_file_next_record(f, &r, &res)) == 1) {
		UT_EQ_INT(res, MRT_OK);
		if (r.kind != MRT_KIND_RIB || r.hdr.len <= 65535)
			continue;
		big++;
		b = r.u.rib.entries;
		n = 0;
		while (mrt_rib_next(&b, 0, &e) == 1)
			n++;
		UT_EQ_INT(n, r.u.rib.count);
		UT_ASSERT(n > 0);
	}
	UT_EQ_INT(n, 0);
	UT_EQ_INT(big, 1);		/* README: one IPv6 RIB record over 64 KiB */
	mrt_file_close(f);
}

static void
cut_bzip2_file(void)
{
	const char		*path = ut_shared("mrt/routeviews.rib.20140523.0600_firstMB.bz2");
	struct mrt_file		*f;
	struct mrt_record	 r;
	struct mrt_rib_entry	 e;
	struct rbuf		 b;
	uint8_t			 seen[256] = { 0 };
	int			 res, n, peers = 0, used = 0;
	uint64_t		 ribs = 0;

	if (path == NULL)
		ut_skip("shared data absent");
	UT_ASSERT((f = mrt_file_open(path)) != NULL);
	UT_EQ_INT(mrt_file_compression(f), MRT_FILE_BZIP2);
	while ((n = mrt_file_next_record(f, &r, &res)) == 1) {
		UT_EQ_INT(res, MRT_OK);
		if (r.kind == MRT_KIND_PEER_INDEX)
			peers = r.u.pi.count;
		else if (r.kind == MRT_KIND_RIB) {
			ribs++;
			b = r.u.rib.entries;
			while (mrt_rib_next(&b, 0, &e) == 1) {
				UT_ASSERT(e.peer_index < peers && e.peer_index < 256);
				seen[e.peer_index] = 1;
			}
		}
	}
	/* README: first MiB of the RIB, last record cut; 35 peers with routes in it. */
	UT_EQ_INT(n, MRT_ERR_SHORT);
	for (n = 0; n < 256; n++)
		used += seen[n];
	UT_EQ_INT(used, 35);
	UT_ASSERT(ribs > 1000);
	mrt_file_close(f);
}

UT_MAIN(UT_CASE(magic_not_name), UT_CASE(cut_record), UT_CASE(record_over_64k),
    UT_CASE(cut_bzip2_file))
