/*
 * Bounded message queue with write/confirm stages and the reconnect backoff of the
 * remote alert outputs (see output_queue.h). A ring of copied messages; the first
 * `nflight` are written and wait for the peer's acknowledgement, the next one may be
 * written in part (`off` bytes).
 */
#include <stdlib.h>
#include <string.h>

#include "agent/output_queue.h"

struct item {
	uint8_t		*data;
	size_t		 len;
	uint64_t	 wire_end;	/* transport byte counter after its last byte */
};

struct output_queue {
	struct item	*ring;
	uint32_t	 cap;
	uint32_t	 head;
	uint32_t	 count;
	uint32_t	 nflight;	/* fully written, unconfirmed, at the head */
	size_t		 off;		/* bytes written of item nflight */
	size_t		 bytes;		/* of the messages held */
	struct output_queue_stats st;
};

static struct item *
at(struct output_queue *q, uint32_t i)
{
	return &q->ring[(q->head + i) % q->cap];
}

struct output_queue *
output_queue_new(uint32_t cap)
{
	struct output_queue	*q;

	if (cap == 0)
		cap = 1;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	if ((q->ring = calloc(cap, sizeof(*q->ring))) == NULL) {
		free(q);
		return NULL;
	}
	q->cap = cap;
	return q;
}

void
output_queue_free(struct output_queue *q)
{
	uint32_t	 i;

	if (q == NULL)
		return;
	for (i = 0; i < q->count; i++)
		free(at(q, i)->data);
	free(q->ring);
	free(q);
}

/* Removes the head item. */
static void
pop_head(struct output_queue *q)
{
	q->bytes -= at(q, 0)->len;
	free(at(q, 0)->data);
	at(q, 0)->data = NULL;
	q->head = (q->head + 1) % q->cap;
	q->count--;
}

/*
 * Makes room for one message: an in-flight head is released (it was written but
 * never confirmed: counted apart, neither delivered nor dropped, since a peer that
 * went away without a word may never have had it), else the oldest message not
 * partly written is dropped. Returns 0 if room was made, -1 if only a partly
 * written message is held.
 */
static int
evict(struct output_queue *q)
{
	struct item	 tmp;

	if (q->nflight > 0) {
		pop_head(q);
		q->nflight--;
		q->st.unconfirmed++;
		return 0;
	}
	if (q->off == 0) {
		pop_head(q);
		q->st.dropped++;
		return 0;
	}
	if (q->count < 2)
		return -1;
	/* keep the partly written head: drop the second one, head moves onto its slot */
	tmp = *at(q, 0);
	q->bytes -= at(q, 1)->len;
	free(at(q, 1)->data);
	*at(q, 1) = tmp;
	at(q, 0)->data = NULL;
	q->head = (q->head + 1) % q->cap;
	q->count--;
	q->st.dropped++;
	return 0;
}

int
output_queue_push(struct output_queue *q, const void *data, size_t len)
{
	struct item	*it;
	uint8_t		*copy;
	int		 rv = 0;

	q->st.enqueued++;
	/* room by count, and by bytes: a 64 MB box holds no 1e6 messages of 8 KB */
	while (q->count == q->cap || (q->count > 0 && q->bytes + len > OUTPUT_QUEUE_MAX_BYTES)) {
		if (evict(q) == -1) {
			q->st.dropped++;
			return 1;
		}
		rv = 1;
	}
	if ((copy = malloc(len ? len : 1)) == NULL) {
		q->st.dropped++;
		return -1;
	}
	memcpy(copy, data, len);
	it = at(q, q->count);
	it->data = copy;
	it->len = len;
	it->wire_end = 0;
	q->count++;
	q->bytes += len;
	return rv;
}

int
output_queue_peek(const struct output_queue *q, const uint8_t **data, size_t *len)
{
	const struct item	*it;

	if (q->nflight >= q->count)
		return 0;
	it = &q->ring[(q->head + q->nflight) % q->cap];
	*data = it->data + q->off;
	*len = it->len - q->off;
	return 1;
}

void
output_queue_written(struct output_queue *q, size_t n, uint64_t wire)
{
	struct item	*it;

	if (q->nflight >= q->count)
		return;
	it = at(q, q->nflight);
	q->off += n;
	if (q->off >= it->len) {
		it->wire_end = wire;
		q->nflight++;
		q->off = 0;
	}
}

uint32_t
output_queue_ack(struct output_queue *q, uint64_t acked)
{
	uint32_t	 n = 0;

	while (q->nflight > 0 && at(q, 0)->wire_end <= acked) {
		pop_head(q);
		q->nflight--;
		q->st.delivered++;
		n++;
	}
	return n;
}

void
output_queue_rewind(struct output_queue *q)
{
	q->st.resent += q->nflight;
	q->nflight = 0;
	q->off = 0;
}

void
output_queue_resize(struct output_queue *q, uint32_t cap)
{
	struct item	*ring;
	uint32_t	 i, keep;

	if (cap == 0)
		cap = 1;
	if (cap == q->cap)
		return;
	while (q->count > cap)
		if (evict(q) == -1)
			break;
	if ((ring = calloc(cap > q->count ? cap : q->count, sizeof(*ring))) == NULL)
		return;		/* keep the old bound */
	keep = q->count;
	for (i = 0; i < keep; i++)
		ring[i] = *at(q, i);
	free(q->ring);
	q->ring = ring;
	q->cap = cap > keep ? cap : keep;
	q->head = 0;
}

void
output_queue_stats(const struct output_queue *q, struct output_queue_stats *st)
{
	*st = q->st;
	st->queued = q->count;
	st->inflight = q->nflight;
}

uint32_t
output_queue_unsent(const struct output_queue *q)
{
	return q->count - q->nflight;
}

void
output_backoff_init(struct output_backoff *b, uint32_t min_ms, uint32_t max_ms)
{
	b->min_ms = min_ms ? min_ms : 1;
	b->max_ms = max_ms < b->min_ms ? b->min_ms : max_ms;
	b->cur_ms = 0;
	b->failures = 0;
}

uint32_t
output_backoff_next(struct output_backoff *b)
{
	if (b->cur_ms == 0)
		b->cur_ms = b->min_ms;
	else if (b->cur_ms > b->max_ms / 2)
		b->cur_ms = b->max_ms;
	else
		b->cur_ms *= 2;
	b->failures++;
	return b->cur_ms;
}

void
output_backoff_reset(struct output_backoff *b)
{
	b->cur_ms = 0;
	b->failures = 0;
}
