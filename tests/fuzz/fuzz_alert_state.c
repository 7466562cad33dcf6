/*
 * libFuzzer target for alert_state_load(): the state file is read from disk and
 * is untrusted. Each input is tried as is (the CRC-32 trailer rejects almost all)
 * and with its trailer recomputed, so the fuzzer reaches the parser behind the
 * checksum. Whatever loads must save, load and save again to the same bytes, and
 * survive a tick and the free.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/alert.h"
#include "agent/alert_priv.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
one(const uint8_t *data, size_t len)
{
	struct alert_engine	*e, *f;
	struct wbuf		 wb, wb2;

	if ((e = alert_engine_new(NULL, NULL, NULL)) == NULL)
		return;
	if (alert_state_load(e, data, len, 1700000000000ULL) == 0) {
		wbuf_init(&wb, 0);
		if (alert_state_save(e, &wb) != 0)
			abort();
		/* What we save loads again and saves to the same bytes (the first
		 * save may differ from the input: first-seen records beyond
		 * firstseen_max were evicted). */
		if ((f = alert_engine_new(NULL, NULL, NULL)) != NULL) {
			wbuf_init(&wb2, 0);
			if (alert_state_load(f, wb.buf, wb.len, 1700000000000ULL) != 0 ||
			    alert_state_save(f, &wb2) != 0 || wb2.len != wb.len ||
			    memcmp(wb2.buf, wb.buf, wb.len) != 0)
				abort();
			wbuf_free(&wb2);
			alert_engine_free(f);
		}
		wbuf_free(&wb);
		alert_tick(e, 1700000000000ULL + 3600 * 1000);
	}
	alert_engine_free(e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	uint8_t		*copy;
	uint32_t	 c;

	one(data, len);
	if (len < 4 || (copy = malloc(len)) == NULL)
		return 0;
	memcpy(copy, data, len);
	c = alert_state_crc32(copy, len - 4);
	be32_store(copy + len - 4, c);
	one(copy, len);
	free(copy);
	return 0;
}
