/*
 * The bounded message queue and reconnect backoff of the remote alert outputs
 * (syslog over UDP, TCP and TLS: RFC 5426, RFC 6587, RFC 5425). Pure code, no I/O.
 *
 * A message moves through three stages: queued (not written yet), in flight (written
 * to the transport, possibly in part), confirmed (the peer acknowledged the bytes;
 * the message is freed). Stream transports count the bytes they hand to the kernel
 * ("wire" bytes, after TLS framing) and confirm messages once the kernel reports
 * those bytes acknowledged by the peer (SIOCOUTQ); after a broken connection the
 * unconfirmed messages are rewound and sent again on the next one, so a receiver
 * restart loses nothing that fits in the queue (at the cost of a possible duplicate
 * of a message the peer had received but not acknowledged yet).
 *
 * When the queue is full the oldest message that is not partly written is dropped
 * and counted: never silent loss, never a blocked caller.
 */
#ifndef IXW_OUTPUT_QUEUE_H
#define IXW_OUTPUT_QUEUE_H

#include <stddef.h>
#include <stdint.h>

struct output_queue;

struct output_queue_stats {
	uint32_t	 queued;	/* messages held now (unsent + in flight) */
	uint32_t	 inflight;	/* written, not confirmed */
	uint64_t	 enqueued;	/* messages pushed */
	uint64_t	 delivered;	/* messages confirmed */
	uint64_t	 unconfirmed;	/* written, let go unconfirmed to make room */
	uint64_t	 dropped;	/* messages dropped because the queue was full */
	uint64_t	 resent;	/* messages rewound after a broken connection */
};

/* Bytes of messages a queue holds at most, whatever its cap. */
#define OUTPUT_QUEUE_MAX_BYTES	(4u * 1024 * 1024)

/* cap: messages held at most (>= 1). NULL on allocation failure. */
struct output_queue *output_queue_new(uint32_t cap);
void	 output_queue_free(struct output_queue *);
/* Copies the message in. 0 queued, 1 queued after dropping one (or the new message
 * itself when only a partly written message is queued), -1 out of memory (counted
 * as a drop). */
int	 output_queue_push(struct output_queue *, const void *, size_t);
/* The unwritten rest of the first message not fully written; 0 if there is none. */
int	 output_queue_peek(const struct output_queue *, const uint8_t **, size_t *);
/* n bytes of the peeked message were written; wire is the transport's byte counter
 * after the write (the message's confirmation point once it is complete). */
void	 output_queue_written(struct output_queue *, size_t n, uint64_t wire);
/* The peer acknowledged every wire byte up to acked: confirms complete in-flight
 * messages whose end is <= acked. Returns how many were confirmed. */
uint32_t output_queue_ack(struct output_queue *, uint64_t acked);
/* The connection broke: in-flight and partly written messages go back to queued. */
void	 output_queue_rewind(struct output_queue *);
/* Changes the bound (dropping the oldest unsent messages beyond it). */
void	 output_queue_resize(struct output_queue *, uint32_t cap);
void	 output_queue_stats(const struct output_queue *, struct output_queue_stats *);
/* Messages not fully written yet. */
uint32_t output_queue_unsent(const struct output_queue *);

/* Exponential reconnect backoff: min, 2 min, 4 min ... max; reset after success. */
struct output_backoff {
	uint32_t	 min_ms;
	uint32_t	 max_ms;
	uint32_t	 cur_ms;	/* 0: next delay is min_ms */
	uint32_t	 failures;	/* consecutive */
};

void	 output_backoff_init(struct output_backoff *, uint32_t min_ms, uint32_t max_ms);
/* The delay before the next attempt, and records a failure. */
uint32_t output_backoff_next(struct output_backoff *);
void	 output_backoff_reset(struct output_backoff *);

#endif /* IXW_OUTPUT_QUEUE_H */
