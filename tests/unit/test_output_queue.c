/*
 * output_queue: FIFO order, write/confirm stages, partial writes, rewind after a
 * broken connection (nothing lost, order kept), bounded size with counted drops
 * that never cut a partly written message, resize; the reconnect backoff.
 */
#include "agent/output_queue.h"
#include "tests/unit/ut.h"

static void
push_str(struct output_queue *q, const char *s)
{
	UT_ASSERT(output_queue_push(q, s, strlen(s)) >= 0);
}

/* Writes every queued message whole; returns the wire counter after. */
static uint64_t
write_all(struct output_queue *q, uint64_t wire, char *out, size_t outlen)
{
	const uint8_t	*p;
	size_t		 len, used = strlen(out);

	while (output_queue_peek(q, &p, &len)) {
		UT_ASSERT(used + len < outlen);
		memcpy(out + used, p, len);
		used += len;
		out[used] = '\0';
		wire += len;
		output_queue_written(q, len, wire);
	}
	return wire;
}

static void
fifo_and_confirm(void)
{
	struct output_queue		*q = output_queue_new(8);
	struct output_queue_stats	 st;
	char				 out[256] = "";
	uint64_t			 wire;

	UT_ASSERT(q != NULL);
	push_str(q, "a1 ");
	push_str(q, "b22 ");
	push_str(q, "c333 ");
	wire = write_all(q, 0, out, sizeof(out));
	UT_EQ_STR(out, "a1 b22 c333 ");
	UT_EQ_INT(wire, 12);
	output_queue_stats(q, &st);
	UT_EQ_INT(st.queued, 3);
	UT_EQ_INT(st.inflight, 3);
	/* the peer acknowledged 7 bytes: only the first two messages are complete */
	UT_EQ_INT(output_queue_ack(q, 7), 2);
	output_queue_stats(q, &st);
	UT_EQ_INT(st.queued, 1);
	UT_EQ_INT(st.delivered, 2);
	UT_EQ_INT(output_queue_ack(q, 11), 0);
	UT_EQ_INT(output_queue_ack(q, 12), 1);
	output_queue_stats(q, &st);
	UT_EQ_INT(st.queued, 0);
	UT_EQ_INT(st.delivered, 3);
	UT_EQ_INT(st.dropped, 0);
	output_queue_free(q);
}

static void
partial_writes(void)
{
	struct output_queue	*q = output_queue_new(4);
	const uint8_t		*p;
	size_t			 len;

	push_str(q, "hello");
	push_str(q, "world");
	UT_ASSERT(output_queue_peek(q, &p, &len));
	UT_EQ_INT(len, 5);
	output_queue_written(q, 2, 2);
	UT_ASSERT(output_queue_peek(q, &p, &len));
	UT_EQ_MEM(p, "llo", 3);
	UT_EQ_INT(len, 3);
	output_queue_written(q, 3, 5);
	UT_ASSERT(output_queue_peek(q, &p, &len));
	UT_EQ_MEM(p, "world", 5);
	UT_EQ_INT(output_queue_unsent(q), 1);
	output_queue_free(q);
}

static void
rewind_resends_in_order(void)
{
	struct output_queue		*q = output_queue_new(16);
	struct output_queue_stats	 st;
	char				 out[256] = "";
	const uint8_t			*p;
	size_t				 len;

	push_str(q, "m1;");
	push_str(q, "m2;");
	push_str(q, "m3;");
	write_all(q, 0, out, sizeof(out));
	output_queue_ack(q, 3);			/* m1 confirmed, m2 and m3 in flight */
	/* m4 written in part when the connection breaks */
	push_str(q, "m4;");
	UT_ASSERT(output_queue_peek(q, &p, &len));
	output_queue_written(q, 1, 10);
	output_queue_rewind(q);
	push_str(q, "m5;");			/* queued while disconnected */
	out[0] = '\0';
	write_all(q, 0, out, sizeof(out));	/* new connection: wire restarts at 0 */
	UT_EQ_STR(out, "m2;m3;m4;m5;");
	output_queue_stats(q, &st);
	UT_EQ_INT(st.resent, 2);
	UT_EQ_INT(output_queue_ack(q, 12), 4);
	output_queue_stats(q, &st);
	UT_EQ_INT(st.delivered, 5);
	UT_EQ_INT(st.queued, 0);
	output_queue_free(q);
}

static void
bounded_drops_oldest(void)
{
	struct output_queue		*q = output_queue_new(3);
	struct output_queue_stats	 st;
	char				 out[256] = "";

	push_str(q, "1;");
	push_str(q, "2;");
	push_str(q, "3;");
	UT_EQ_INT(output_queue_push(q, "4;", 2), 1);
	UT_EQ_INT(output_queue_push(q, "5;", 2), 1);
	output_queue_stats(q, &st);
	UT_EQ_INT(st.dropped, 2);
	UT_EQ_INT(st.queued, 3);
	UT_EQ_INT(st.enqueued, 5);
	write_all(q, 0, out, sizeof(out));
	UT_EQ_STR(out, "3;4;5;");
	output_queue_free(q);
}

static void
drop_never_cuts_a_partial_message(void)
{
	struct output_queue		*q = output_queue_new(2);
	struct output_queue_stats	 st;
	const uint8_t			*p;
	size_t				 len;
	char				 out[64] = "";

	push_str(q, "AAAA");
	push_str(q, "BBBB");
	UT_ASSERT(output_queue_peek(q, &p, &len));
	output_queue_written(q, 2, 2);		/* "AA" is on the wire */
	UT_EQ_INT(output_queue_push(q, "CCCC", 4), 1);	/* BBBB dropped, not AAAA */
	output_queue_stats(q, &st);
	UT_EQ_INT(st.dropped, 1);
	write_all(q, 2, out, sizeof(out));
	UT_EQ_STR(out, "AACCCC");
	/* capacity 1 with a partial message: the new one is the drop */
	output_queue_free(q);
	q = output_queue_new(1);
	push_str(q, "XYZ");
	UT_ASSERT(output_queue_peek(q, &p, &len));
	output_queue_written(q, 1, 1);
	UT_EQ_INT(output_queue_push(q, "new", 3), 1);
	output_queue_stats(q, &st);
	UT_EQ_INT(st.dropped, 1);
	UT_ASSERT(output_queue_peek(q, &p, &len));
	UT_EQ_MEM(p, "YZ", 2);
	output_queue_free(q);
}

static void
inflight_released_when_full(void)
{
	struct output_queue		*q = output_queue_new(2);
	struct output_queue_stats	 st;
	char				 out[64] = "";

	push_str(q, "a;");
	push_str(q, "b;");
	write_all(q, 0, out, sizeof(out));
	UT_EQ_INT(output_queue_push(q, "c;", 2), 1);
	output_queue_stats(q, &st);
	UT_EQ_INT(st.dropped, 0);	/* a was written, never confirmed */
	UT_EQ_INT(st.delivered, 0);
	UT_EQ_INT(st.unconfirmed, 1);
	UT_EQ_INT(st.inflight, 1);
	output_queue_free(q);
}

/* Bounded by bytes too: 8 KB messages fill OUTPUT_QUEUE_MAX_BYTES before the count. */
static void
byte_bound(void)
{
	struct output_queue		*q = output_queue_new(1000);
	struct output_queue_stats	 st;
	static char			 m[8192];
	uint32_t			 i, fit = OUTPUT_QUEUE_MAX_BYTES / sizeof(m);

	for (i = 0; i < 600; i++) {
		memset(m, 'a' + (int)(i % 26), sizeof(m));
		UT_EQ_INT(output_queue_push(q, m, sizeof(m)), i < fit ? 0 : 1);
	}
	output_queue_stats(q, &st);
	UT_EQ_INT(st.queued, fit);
	UT_EQ_INT(st.dropped, 600 - fit);
	output_queue_push(q, "x", 1);		/* small ones still fit beside */
	output_queue_stats(q, &st);
	UT_EQ_INT(st.queued, fit);		/* one 8 KB message made room */
	output_queue_free(q);
}

static void
resize(void)
{
	struct output_queue		*q = output_queue_new(5);
	struct output_queue_stats	 st;
	char				 out[64] = "";
	int				 i;
	char				 m[4];

	for (i = 0; i < 5; i++) {
		snprintf(m, sizeof(m), "%d;", i);
		push_str(q, m);
	}
	output_queue_resize(q, 2);
	output_queue_stats(q, &st);
	UT_EQ_INT(st.queued, 2);
	UT_EQ_INT(st.dropped, 3);
	output_queue_resize(q, 10);
	push_str(q, "x;");
	write_all(q, 0, out, sizeof(out));
	UT_EQ_STR(out, "3;4;x;");
	output_queue_free(q);
	output_queue_free(NULL);
}

static void
backoff(void)
{
	struct output_backoff	 b;

	output_backoff_init(&b, 250, 3000);
	UT_EQ_INT(output_backoff_next(&b), 250);
	UT_EQ_INT(output_backoff_next(&b), 500);
	UT_EQ_INT(output_backoff_next(&b), 1000);
	UT_EQ_INT(output_backoff_next(&b), 2000);
	UT_EQ_INT(output_backoff_next(&b), 3000);
	UT_EQ_INT(output_backoff_next(&b), 3000);
	UT_EQ_INT(b.failures, 6);
	output_backoff_reset(&b);
	UT_EQ_INT(b.failures, 0);
	UT_EQ_INT(output_backoff_next(&b), 250);
	/* no overflow near the top of the range */
	output_backoff_init(&b, 1, UINT32_MAX);
	for (int i = 0; i < 40; i++)
		UT_ASSERT(output_backoff_next(&b) >= 1);
	UT_EQ_INT(output_backoff_next(&b), UINT32_MAX);
}

UT_MAIN(
	UT_CASE(fifo_and_confirm),
	UT_CASE(partial_writes),
	UT_CASE(rewind_resends_in_order),
	UT_CASE(bounded_drops_oldest),
	UT_CASE(drop_never_cuts_a_partial_message),
	UT_CASE(inflight_released_when_full),
	UT_CASE(byte_bound),
	UT_CASE(resize),
	UT_CASE(backoff),
)
