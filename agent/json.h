/*
 * A small JSON writer (RFC 8259) for control-socket replies. A handler builds one
 * value tree with json_*(); the tree is rendered either as JSON (ixwatchctl --json,
 * machines) or as aligned operator text (the default), so every command has both
 * outputs from one handler.
 *
 * Text rendering: an object's scalar members become "key:  value" lines with the
 * values aligned ('_' in keys shown as ' '); a nested object becomes a "key:" heading
 * with its members indented; an array of scalars becomes "key: a, b, c"; an array of
 * objects becomes a table (upper-case column headers, columns aligned, the union of
 * the members' keys as columns). Control characters in text output are shown as '?'.
 *
 * Misuse (a key inside an array, no key inside an object, json_close() at the root)
 * and allocation failures latch an error; json_render() then returns -1.
 */
#ifndef IXW_JSON_H
#define IXW_JSON_H

#include <stdint.h>

struct wbuf;
struct json;

enum json_style {
	JSON_STYLE_JSON,	/* compact JSON, one line, '\n' at the end */
	JSON_STYLE_PRETTY,	/* indented JSON */
	JSON_STYLE_TEXT,	/* aligned text for operators */
};

/* A new tree whose root is an object. */
struct json	*json_new(void);
void		 json_free(struct json *);

/* key must be NULL inside an array and non-NULL inside an object. */
void	 json_object_open(struct json *, const char *key);
void	 json_array_open(struct json *, const char *key);
void	 json_close(struct json *);
void	 json_string(struct json *, const char *key, const char *val);
void	 json_stringf(struct json *, const char *key, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	 json_int(struct json *, const char *key, int64_t);
void	 json_uint(struct json *, const char *key, uint64_t);
void	 json_bool(struct json *, const char *key, int);
void	 json_null(struct json *, const char *key);

/* 1 if nothing was added to the root object. */
int	 json_empty(const struct json *);
/* Appends the rendering to out; -1 on a latched error or if out failed. */
int	 json_render(const struct json *, enum json_style, struct wbuf *out);
/* Appends s as a JSON string literal (quotes included; invalid UTF-8 as U+FFFD). */
void	 json_escape(struct wbuf *out, const char *s);

#endif /* IXW_JSON_H */
