/* agent/json.c: escaping (RFC 8259), nesting, misuse errors and the text rendering. */
#include "agent/json.h"
#include "bgp/buf.h"
#include "tests/unit/ut.h"

/* Renders j in style into a NUL-terminated static buffer. */
static const char *
render(struct json *j, enum json_style style)
{
	static char	 out[4096];
	struct wbuf	 wb;

	wbuf_init(&wb, 0);
	UT_EQ_INT(json_render(j, style, &wb), 0);
	UT_ASSERT(wb.len < sizeof(out));
	if (wb.len > 0)
		memcpy(out, wb.buf, wb.len);
	out[wb.len] = '\0';
	wbuf_free(&wb);
	return out;
}

static const char *
escape(const char *s)
{
	static char	 out[256];
	struct wbuf	 wb;

	wbuf_init(&wb, 0);
	json_escape(&wb, s);
	UT_ASSERT(!wb.err && wb.len < sizeof(out));
	memcpy(out, wb.buf, wb.len);
	out[wb.len] = '\0';
	wbuf_free(&wb);
	return out;
}

static void
escaping(void)
{
	UT_EQ_STR(escape("plain"), "\"plain\"");
	UT_EQ_STR(escape("a\"b\\c/"), "\"a\\\"b\\\\c/\"");
	UT_EQ_STR(escape("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
	UT_EQ_STR(escape("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"");
	/* valid UTF-8 passes through: é, €, U+1F600 */
	UT_EQ_STR(escape("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
	    "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
}

static void
escaping_invalid_utf8(void)
{
	/* lone continuation, overlong '/', surrogate, truncated sequence, > U+10FFFF */
	UT_EQ_STR(escape("\x80"), "\"\\ufffd\"");
	UT_EQ_STR(escape("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
	UT_EQ_STR(escape("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
	UT_EQ_STR(escape("\xe2\x82"), "\"\\ufffd\\ufffd\"");
	UT_EQ_STR(escape("\xf4\x90\x80\x80x"), "\"\\ufffd\\ufffd\\ufffd\\ufffdx\"");
}

static void
nesting(void)
{
	struct json	*j = json_new();

	json_string(j, "name", "rs1");
	json_int(j, "neg", -42);
	json_uint(j, "big", UINT64_MAX);
	json_bool(j, "up", 1);
	json_null(j, "none");
	json_object_open(j, "obj");
	json_array_open(j, "list");
	json_int(j, NULL, 1);
	json_object_open(j, NULL);
	json_bool(j, "b", 0);
	json_close(j);
	json_array_open(j, NULL);
	json_close(j);
	json_close(j);
	json_object_open(j, "empty");
	json_close(j);
	json_close(j);
	UT_EQ_STR(render(j, JSON_STYLE_JSON),
	    "{\"name\":\"rs1\",\"neg\":-42,\"big\":18446744073709551615,\"up\":true,"
	    "\"none\":null,\"obj\":{\"list\":[1,{\"b\":false},[]],\"empty\":{}}}\n");
	json_free(j);
}

static void
pretty(void)
{
	struct json	*j = json_new();

	json_array_open(j, "a");
	json_int(j, NULL, 1);
	json_int(j, NULL, 2);
	json_close(j);
	UT_EQ_STR(render(j, JSON_STYLE_PRETTY), "{\n  \"a\": [\n    1,\n    2\n  ]\n}\n");
	json_free(j);
}

static void
misuse(void)
{
	struct json	*j;
	struct wbuf	 wb;

	wbuf_init(&wb, 0);
	j = json_new();
	json_int(j, NULL, 1);		/* no key inside an object */
	UT_EQ_INT(json_render(j, JSON_STYLE_JSON, &wb), -1);
	json_free(j);
	j = json_new();
	json_array_open(j, "a");
	json_int(j, "k", 1);		/* a key inside an array */
	UT_EQ_INT(json_render(j, JSON_STYLE_JSON, &wb), -1);
	json_free(j);
	j = json_new();
	json_close(j);			/* closing the root */
	UT_EQ_INT(json_render(j, JSON_STYLE_TEXT, &wb), -1);
	json_free(j);
	json_free(NULL);
	UT_EQ_INT(wb.len, 0);
	wbuf_free(&wb);
}

static void
text_object(void)
{
	struct json	*j = json_new();

	json_string(j, "version", "0.1.0");
	json_int(j, "pid", 42);
	json_bool(j, "ok", 1);
	json_null(j, "last_reload");
	json_string(j, "evil", "a\nb\x1b[2J");
	json_array_open(j, "tags");
	json_string(j, NULL, "x");
	json_string(j, NULL, "y");
	json_close(j);
	json_object_open(j, "counters");
	json_int(j, "routes", 7);
	json_int(j, "alerts", 0);
	json_close(j);
	UT_EQ_STR(render(j, JSON_STYLE_TEXT),
	    "version:     0.1.0\n"
	    "pid:         42\n"
	    "ok:          yes\n"
	    "last reload: -\n"
	    "evil:        a?b?[2J\n"
	    "tags:        x, y\n"
	    "counters:\n"
	    "  routes: 7\n"
	    "  alerts: 0\n");
	json_free(j);
}

static void
text_table(void)
{
	struct json	*j = json_new();

	json_array_open(j, "sources");
	json_object_open(j, NULL);
	json_string(j, "name", "rs1");
	json_int(j, "routes", 912345);
	json_close(j);
	json_object_open(j, NULL);
	json_string(j, "name", "bmp-r\xc3\xa9seau");	/* 10 columns, 11 bytes */
	json_int(j, "routes", 3);
	json_string(j, "state", "up");
	json_close(j);
	json_close(j);
	json_array_open(j, "empty");
	json_close(j);
	UT_EQ_STR(render(j, JSON_STYLE_TEXT),
	    "sources:\n"
	    "  NAME        ROUTES  STATE\n"
	    "  rs1         912345  -\n"
	    "  bmp-r\xc3\xa9seau  3       up\n"
	    "empty: -\n");
	json_free(j);
}

static void
stringf(void)
{
	struct json	*j = json_new();

	json_stringf(j, "s", "%s/%d", "10.0.0.0", 8);
	UT_ASSERT(!json_empty(j));
	UT_EQ_STR(render(j, JSON_STYLE_JSON), "{\"s\":\"10.0.0.0/8\"}\n");
	json_free(j);
	j = json_new();
	UT_ASSERT(json_empty(j));
	UT_EQ_STR(render(j, JSON_STYLE_TEXT), "");
	UT_EQ_STR(render(j, JSON_STYLE_JSON), "{}\n");
	json_free(j);
}

UT_MAIN(UT_CASE(escaping), UT_CASE(escaping_invalid_utf8), UT_CASE(nesting),
    UT_CASE(pretty), UT_CASE(misuse), UT_CASE(text_object), UT_CASE(text_table),
    UT_CASE(stringf))
