/*
 * libFuzzer target for the control protocol: the input is a client's byte stream,
 * cut into request lines by control_request_parse() exactly as the server does and
 * answered by control_execute() (text and JSON). Each reply must be framed correctly
 * (the status line parses and its length matches), and json_escape() of the raw input
 * must give valid UTF-8 without control characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/control.h"
#include "agent/json.h"
#include "bgp/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
cmd_words(int argc, char *const *argv, struct control_reply *r, void *arg)
{
	struct json	*j = control_reply_json(r);
	int		 i;

	if (argc == 0)
		return control_reply_error(r, "need words");
	json_array_open(j, "rows");
	for (i = 0; i < argc; i++) {
		json_object_open(j, NULL);
		json_string(j, argv[i], argv[0]);
		json_int(j, "i", i);
		json_close(j);
	}
	json_close(j);
	return 0;
}

static void
check_reply(const struct wbuf *out)
{
	const uint8_t	*nl;
	size_t		 body;
	int		 ok;

	if ((nl = memchr(out->buf, '\n', out->len)) == NULL ||
	    control_status_parse((const char *)out->buf, (size_t)(nl - out->buf) + 1, &ok,
	    &body) == -1 || (size_t)(nl - out->buf) + 1 + body != out->len)
		abort();
}

/* No byte below 0x20 or 0x7f, and no invalid UTF-8, can survive escaping. */
static void
check_escape(const uint8_t *data, size_t len)
{
	struct wbuf	 wb;
	char		*s;
	size_t		 i;

	if ((s = malloc(len + 1)) == NULL)
		return;
	memcpy(s, data, len);
	s[len] = '\0';
	wbuf_init(&wb, 0);
	json_escape(&wb, s);
	for (i = 0; i < wb.len; i++)
		if (wb.buf[i] < 0x20 || wb.buf[i] == 0x7f)
			abort();
	wbuf_free(&wb);
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static int		 init;
	struct control_request	 req;
	struct wbuf		 out;
	size_t			 used;
	enum control_parse	 pr;

	if (!init) {
		control_register_builtin();
		control_register("show words", "WORD...", "fuzz", cmd_words, NULL);
		init = 1;
	}
	check_escape(data, len);
	wbuf_init(&out, 0);
	while (len > 0) {
		pr = control_request_parse(data, len, &used, &req);
		if (pr == CONTROL_PARSE_MORE || used == 0)
			break;
		wbuf_reset(&out);
		if (pr == CONTROL_PARSE_OK)
			control_execute(&req, &out);
		else
			control_frame_error(&out, req.json, control_parse_str(pr));
		check_reply(&out);
		data += used;
		len -= used;
	}
	wbuf_free(&out);
	return 0;
}
