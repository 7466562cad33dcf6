/*
 * JSON value tree and its two renderings (RFC 8259 JSON and aligned operator text);
 * see json.h for the text layout. No I/O: output goes into a struct wbuf.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/json.h"
#include "bgp/buf.h"

enum jtype { J_OBJECT, J_ARRAY, J_STRING, J_INT, J_UINT, J_BOOL, J_NULL };

struct jnode {
	enum jtype	 type;
	char		*key;
	char		*str;
	int64_t		 i;
	uint64_t	 u;
	struct jnode	*parent;
	struct jnode	*first, *last, *next;	/* children of objects and arrays */
};

struct json {
	struct jnode	*root;
	struct jnode	*cur;	/* the open container */
	int		 err;
};

#define MAX_COLUMNS	64

static void
node_free(struct jnode *n)
{
	struct jnode	*c, *nx;

	if (n == NULL)
		return;
	for (c = n->first; c != NULL; c = nx) {
		nx = c->next;
		node_free(c);
	}
	free(n->key);
	free(n->str);
	free(n);
}

struct json *
json_new(void)
{
	struct json	*j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	if ((j->root = calloc(1, sizeof(*j->root))) == NULL) {
		free(j);
		return NULL;
	}
	j->root->type = J_OBJECT;
	j->cur = j->root;
	return j;
}

void
json_free(struct json *j)
{
	if (j == NULL)
		return;
	node_free(j->root);
	free(j);
}

/* Appends a new node to the open container, checking the key rule. */
static struct jnode *
add(struct json *j, const char *key, enum jtype type)
{
	struct jnode	*n;

	if (j == NULL || j->err)
		return NULL;
	if ((j->cur->type == J_OBJECT) != (key != NULL)) {
		j->err = 1;
		return NULL;
	}
	if ((n = calloc(1, sizeof(*n))) == NULL ||
	    (key != NULL && (n->key = strdup(key)) == NULL)) {
		free(n);
		j->err = 1;
		return NULL;
	}
	n->type = type;
	n->parent = j->cur;
	if (j->cur->last != NULL)
		j->cur->last->next = n;
	else
		j->cur->first = n;
	j->cur->last = n;
	return n;
}

void
json_object_open(struct json *j, const char *key)
{
	struct jnode	*n;

	if ((n = add(j, key, J_OBJECT)) != NULL)
		j->cur = n;
}

void
json_array_open(struct json *j, const char *key)
{
	struct jnode	*n;

	if ((n = add(j, key, J_ARRAY)) != NULL)
		j->cur = n;
}

void
json_close(struct json *j)
{
	if (j == NULL || j->err)
		return;
	if (j->cur == j->root)
		j->err = 1;
	else
		j->cur = j->cur->parent;
}

void
json_string(struct json *j, const char *key, const char *val)
{
	struct jnode	*n;

	if (val == NULL) {
		json_null(j, key);
		return;
	}
	if ((n = add(j, key, J_STRING)) != NULL && (n->str = strdup(val)) == NULL)
		j->err = 1;
}

void
json_stringf(struct json *j, const char *key, const char *fmt, ...)
{
	va_list		 ap;
	char		*s;
	int		 r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r == -1) {
		if (j != NULL)
			j->err = 1;
		return;
	}
	json_string(j, key, s);
	free(s);
}

void
json_int(struct json *j, const char *key, int64_t v)
{
	struct jnode	*n;

	if ((n = add(j, key, J_INT)) != NULL)
		n->i = v;
}

void
json_uint(struct json *j, const char *key, uint64_t v)
{
	struct jnode	*n;

	if ((n = add(j, key, J_UINT)) != NULL)
		n->u = v;
}

void
json_bool(struct json *j, const char *key, int v)
{
	struct jnode	*n;

	if ((n = add(j, key, J_BOOL)) != NULL)
		n->i = v != 0;
}

void
json_null(struct json *j, const char *key)
{
	add(j, key, J_NULL);
}

int
json_empty(const struct json *j)
{
	return j == NULL || j->root->first == NULL;
}

static void
put_str(struct wbuf *out, const char *s)
{
	wbuf_put_bytes(out, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not valid. */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned char	 b = s[0], lo = 0x80, hi = 0xbf;
	size_t		 n, i;

	if (b < 0x80)
		return 1;
	if (b >= 0xc2 && b <= 0xdf)
		n = 2;
	else if (b >= 0xe0 && b <= 0xef) {
		n = 3;
		if (b == 0xe0)
			lo = 0xa0;
		else if (b == 0xed)
			hi = 0x9f;	/* no UTF-16 surrogates */
	} else if (b >= 0xf0 && b <= 0xf4) {
		n = 4;
		if (b == 0xf0)
			lo = 0x90;
		else if (b == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

void
json_escape(struct wbuf *out, const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	char			 u[8];
	size_t			 n;

	wbuf_put_u8(out, '"');
	while (*s != '\0') {
		if ((n = utf8_len(s)) == 0) {
			put_str(out, "\\ufffd");
			s++;
			continue;
		}
		if (n > 1) {
			wbuf_put_bytes(out, s, n);
			s += n;
			continue;
		}
		switch (*s) {
		case '"':	put_str(out, "\\\""); break;
		case '\\':	put_str(out, "\\\\"); break;
		case '\n':	put_str(out, "\\n"); break;
		case '\r':	put_str(out, "\\r"); break;
		case '\t':	put_str(out, "\\t"); break;
		case '\b':	put_str(out, "\\b"); break;
		case '\f':	put_str(out, "\\f"); break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				snprintf(u, sizeof(u), "\\u%04x", *s);
				put_str(out, u);
			} else
				wbuf_put_u8(out, *s);
		}
		s++;
	}
	wbuf_put_u8(out, '"');
}

static void
indent(struct wbuf *out, int n)
{
	while (n-- > 0)
		wbuf_put_u8(out, ' ');
}

static void
scalar_json(const struct jnode *n, struct wbuf *out)
{
	char	 num[32];

	switch (n->type) {
	case J_STRING:
		json_escape(out, n->str);
		return;
	case J_INT:
		snprintf(num, sizeof(num), "%" PRId64, n->i);
		break;
	case J_UINT:
		snprintf(num, sizeof(num), "%" PRIu64, n->u);
		break;
	case J_BOOL:
		snprintf(num, sizeof(num), "%s", n->i ? "true" : "false");
		break;
	default:
		snprintf(num, sizeof(num), "null");
		break;
	}
	put_str(out, num);
}

/* JSON rendering; pretty < 0 means compact, otherwise the indentation level. */
static void
render_json(const struct jnode *n, int pretty, struct wbuf *out)
{
	const struct jnode	*c;
	int			 obj = n->type == J_OBJECT;

	if (!obj && n->type != J_ARRAY) {
		scalar_json(n, out);
		return;
	}
	wbuf_put_u8(out, obj ? '{' : '[');
	for (c = n->first; c != NULL; c = c->next) {
		if (pretty >= 0) {
			wbuf_put_u8(out, '\n');
			indent(out, 2 * (pretty + 1));
		}
		if (obj) {
			json_escape(out, c->key);
			put_str(out, pretty >= 0 ? ": " : ":");
		}
		render_json(c, pretty >= 0 ? pretty + 1 : -1, out);
		if (c->next != NULL)
			wbuf_put_u8(out, ',');
	}
	if (pretty >= 0 && n->first != NULL) {
		wbuf_put_u8(out, '\n');
		indent(out, 2 * pretty);
	}
	wbuf_put_u8(out, obj ? '}' : ']');
}

/* Text of a scalar (or compact JSON of a container), control characters as '?'. */
static void
text_value(const struct jnode *n, struct wbuf *out)
{
	const unsigned char	*s;

	switch (n->type) {
	case J_STRING:
		for (s = (const unsigned char *)n->str; *s != '\0'; s++)
			wbuf_put_u8(out, *s < 0x20 || *s == 0x7f ? '?' : *s);
		break;
	case J_BOOL:
		put_str(out, n->i ? "yes" : "no");
		break;
	case J_NULL:
		put_str(out, "-");
		break;
	default:
		render_json(n, -1, out);
		break;
	}
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t
width(const uint8_t *p, size_t len)
{
	size_t	 i, w = 0;

	for (i = 0; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			w++;
	return w;
}

static void
text_key(const char *key, struct wbuf *out)
{
	for (; *key != '\0'; key++)
		wbuf_put_u8(out, *key == '_' ? ' ' : (unsigned char)*key);
}

static int
is_container(const struct jnode *n)
{
	return n->type == J_OBJECT || n->type == J_ARRAY;
}

/* An array whose elements are all scalars is shown on one line. */
static int
is_flat(const struct jnode *n)
{
	const struct jnode	*c;

	if (n->type == J_OBJECT)
		return 0;
	if (n->type != J_ARRAY)
		return 1;
	for (c = n->first; c != NULL; c = c->next)
		if (is_container(c))
			return 0;
	return 1;
}

static void
text_flat(const struct jnode *n, struct wbuf *out)
{
	const struct jnode	*c;

	if (n->type != J_ARRAY) {
		text_value(n, out);
		return;
	}
	if (n->first == NULL)
		put_str(out, "-");
	for (c = n->first; c != NULL; c = c->next) {
		text_value(c, out);
		if (c->next != NULL)
			put_str(out, ", ");
	}
}

static void	 render_table(const struct jnode *, int ind, struct wbuf *);

static void
render_text(const struct jnode *obj, int ind, struct wbuf *out)
{
	const struct jnode	*c;
	size_t			 w, kw = 0;

	for (c = obj->first; c != NULL; c = c->next)
		if (is_flat(c) && (w = width((const uint8_t *)c->key, strlen(c->key))) > kw)
			kw = w;
	for (c = obj->first; c != NULL; c = c->next) {
		indent(out, ind);
		text_key(c->key, out);
		wbuf_put_u8(out, ':');
		if (is_flat(c)) {
			indent(out, (int)(kw - width((const uint8_t *)c->key,
			    strlen(c->key))) + 1);
			text_flat(c, out);
			wbuf_put_u8(out, '\n');
		} else {
			wbuf_put_u8(out, '\n');
			if (c->type == J_OBJECT)
				render_text(c, ind + 2, out);
			else
				render_table(c, ind + 2, out);
		}
	}
}

static int
column_index(const char **cols, int ncols, const char *key)
{
	int	 i;

	for (i = 0; i < ncols; i++)
		if (strcmp(cols[i], key) == 0)
			return i;
	return -1;
}

/* The columns of a table: keys of the element objects in first-seen order. */
static int
table_columns(const struct jnode *arr, const char **cols)
{
	const struct jnode	*row, *c;
	int			 n = 0;

	for (row = arr->first; row != NULL; row = row->next) {
		if (row->type != J_OBJECT) {
			if (column_index(cols, n, "value") < 0 && n < MAX_COLUMNS)
				cols[n++] = "value";
			continue;
		}
		for (c = row->first; c != NULL; c = c->next)
			if (column_index(cols, n, c->key) < 0 && n < MAX_COLUMNS)
				cols[n++] = c->key;
	}
	return n;
}

/* The cell of row in column key, rendered into cell. */
static void
table_cell(const struct jnode *row, const char *key, struct wbuf *cell)
{
	const struct jnode	*c;

	wbuf_reset(cell);
	if (row->type != J_OBJECT) {
		if (strcmp(key, "value") == 0)
			text_value(row, cell);
		return;
	}
	for (c = row->first; c != NULL; c = c->next)
		if (strcmp(c->key, key) == 0) {
			if (is_flat(c))
				text_flat(c, cell);
			else
				text_value(c, cell);
			return;
		}
	put_str(cell, "-");
}

static void
table_row(const struct jnode *row, const char **cols, int ncols, const size_t *cw,
    int ind, struct wbuf *out, struct wbuf *cell)
{
	const char	*h;
	size_t		 w;
	int		 i;

	indent(out, ind);
	for (i = 0; i < ncols; i++) {
		if (row == NULL) {
			wbuf_reset(cell);
			for (h = cols[i]; *h != '\0'; h++)
				wbuf_put_u8(cell, *h >= 'a' && *h <= 'z' ? *h - 'a' + 'A' : *h);
		} else
			table_cell(row, cols[i], cell);
		wbuf_put_bytes(out, cell->buf, cell->len);
		w = width(cell->buf, cell->len);
		if (i + 1 < ncols)
			indent(out, (int)(cw[i] - w) + 2);
	}
	wbuf_put_u8(out, '\n');
}

static void
render_table(const struct jnode *arr, int ind, struct wbuf *out)
{
	const char		*cols[MAX_COLUMNS];
	size_t			 cw[MAX_COLUMNS], w;
	const struct jnode	*row;
	struct wbuf		 cell;
	int			 i, ncols;

	ncols = table_columns(arr, cols);
	wbuf_init(&cell, 0);
	for (i = 0; i < ncols; i++) {
		cw[i] = strlen(cols[i]);
		for (row = arr->first; row != NULL; row = row->next) {
			table_cell(row, cols[i], &cell);
			if ((w = width(cell.buf, cell.len)) > cw[i])
				cw[i] = w;
		}
	}
	table_row(NULL, cols, ncols, cw, ind, out, &cell);
	for (row = arr->first; row != NULL; row = row->next)
		table_row(row, cols, ncols, cw, ind, out, &cell);
	if (cell.err)
		out->err = 1;
	wbuf_free(&cell);
}

int
json_render(const struct json *j, enum json_style style, struct wbuf *out)
{
	if (j == NULL || j->err)
		return -1;
	switch (style) {
	case JSON_STYLE_JSON:
	case JSON_STYLE_PRETTY:
		render_json(j->root, style == JSON_STYLE_PRETTY ? 0 : -1, out);
		wbuf_put_u8(out, '\n');
		break;
	case JSON_STYLE_TEXT:
		render_text(j->root, 0, out);
		break;
	}
	return out->err ? -1 : 0;
}
