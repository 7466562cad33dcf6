/*
 * libFuzzer target for alert_state_load(): the state file is read from disk and
 * is untrusted. Each input is tried as is (the CRC-32 trailer rejects almost all)
 * and with its trailer recomputed, so the fuzzer reaches the parser behind the
 * checksum. Whatever loads must save again to the same bytes (round trip) and
 * survive a tick and the free.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/alert.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint32_t
crc32_ieee(const uint8_t *p, size_t n)
{
	uint32_t	 c = 0xffffffffu;
	int		 k;

	while (n-- > 0) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return ~c;
}

static void
one(const uint8_t *data, size_t len)
{
	struct alert_engine	*e;
	struct wbuf		 wb;

	if ((e = alert_engine_new(NULL, NULL, NULL)) == NULL)
		return;
	if (alert_state_load(e, data, len, 1700000000000ULL) == 0) {
		wbuf_init(&wb, 0);
		if (alert_state_save(e, &wb) == 0 && (wb.len != len ||
		    memcmp(wb.buf, data, len) != 0))
			abort();	/* a loaded file must save to the same bytes */
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
	c = crc32_ieee(copy, len - 4);
	be32_store(copy + len - 4, c);
	one(copy, len);
	free(copy);
	return 0;
}
