/*
 * YAML to a small node tree with 1-based line:column positions, built from libyaml's
 * event API so that positions, aliases and duplicate keys stay under our control.
 * Aliases are expanded by copying (bounded, so "billion laughs" input is refused).
 * Also the error reporter and the scalar converters both config files share.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "agent/config_int.h"

#define MAX_DEPTH	64
#define MAX_NODES	(4u * 1024 * 1024)
#define MAX_FILE	(64u * 1024 * 1024)
#define MAX_ANCHORS	4096
#define MAX_COPIED	65536	/* nodes created by expanding aliases */

struct anchor {
	char		*name;
	struct node	*node;
};

struct builder {
	struct ctx	*ctx;
	struct node	*stack[MAX_DEPTH + 1];
	int		 depth;
	struct node	*root;
	struct anchor	*anchors;
	size_t		 nanchors;
	size_t		 nodes;
	size_t		 copied;
	int		 docs;
};

int
cerr(struct ctx *c, const struct node *n, const char *fmt, ...)
{
	va_list	ap;

	if (c->err == NULL || c->err->msg[0] != '\0')
		return -1;
	snprintf(c->err->file, sizeof(c->err->file), "%s", c->file);
	c->err->line = n ? n->line : 0;
	c->err->col = n ? n->col : 0;
	va_start(ap, fmt);
	vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

const char *
config_error_fmt(const struct config_error *e, char *buf, size_t len)
{
	if (e->line > 0)
		snprintf(buf, len, "%s:%d:%d: %s", e->file, e->line, e->col, e->msg);
	else
		snprintf(buf, len, "%s: %s", e->file, e->msg);
	return buf;
}

void
node_free(struct node *n)
{
	size_t	i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->value);
	free(n);
}

int
node_is_null(const struct node *n)
{
	const char *v;

	if (n == NULL)
		return 1;
	if (n->type != NODE_SCALAR || !n->plain)
		return 0;
	v = n->value;
	return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

const char *
node_kind(const struct node *n)
{
	if (n->type == NODE_MAP)
		return "a map";
	if (n->type == NODE_SEQ)
		return "a list";
	return node_is_null(n) ? "nothing" : "a scalar";
}

static struct node *
node_new(struct builder *b, int type, const yaml_mark_t *m)
{
	struct node	*n;

	if (++b->nodes > MAX_NODES) {
		struct node at = { .line = (int)m->line + 1, .col = (int)m->column + 1 };
		cerr(b->ctx, &at, "document too large (more than %u nodes)", MAX_NODES);
		return NULL;
	}
	if ((n = calloc(1, sizeof(*n))) == NULL) {
		cerr(b->ctx, NULL, "out of memory");
		return NULL;
	}
	n->type = type;
	n->line = (int)m->line + 1;
	n->col = (int)m->column + 1;
	return n;
}

static int
node_add(struct builder *b, struct node *parent, struct node *kid)
{
	struct node	**k;
	size_t		 cap;

	if (parent->nkids == parent->cap) {
		cap = parent->cap ? parent->cap * 2 : 8;
		if ((k = reallocarray(parent->kids, cap, sizeof(*k))) == NULL) {
			node_free(kid);
			return cerr(b->ctx, NULL, "out of memory");
		}
		parent->kids = k;
		parent->cap = cap;
	}
	parent->kids[parent->nkids++] = kid;
	return 0;
}

static struct node *
node_copy(struct builder *b, const struct node *src)
{
	struct node	*n;
	yaml_mark_t	 m;
	size_t		 i;

	if (++b->copied > MAX_COPIED)
		return NULL;	/* on_alias() reports it at the alias */
	m.line = (size_t)src->line - 1;
	m.column = (size_t)src->col - 1;
	if ((n = node_new(b, src->type, &m)) == NULL)
		return NULL;
	n->plain = src->plain;
	n->len = src->len;
	if (src->value != NULL && (n->value = strdup(src->value)) == NULL)
		goto oom;
	for (i = 0; i < src->nkids; i++) {
		struct node *k = node_copy(b, src->kids[i]);
		if (k == NULL || node_add(b, n, k) == -1)
			goto fail;
	}
	return n;
oom:
	cerr(b->ctx, NULL, "out of memory");
fail:
	node_free(n);
	return NULL;
}

static int
anchor_add(struct builder *b, const unsigned char *name, struct node *n)
{
	struct anchor	*a;

	if (name == NULL)
		return 0;
	if (b->nanchors == MAX_ANCHORS)
		return cerr(b->ctx, n, "too many anchors");
	if ((a = reallocarray(b->anchors, b->nanchors + 1, sizeof(*a))) == NULL)
		return cerr(b->ctx, n, "out of memory");
	b->anchors = a;
	if ((a[b->nanchors].name = strdup((const char *)name)) == NULL)
		return cerr(b->ctx, n, "out of memory");
	a[b->nanchors++].node = n;
	return 0;
}

/* Attaches a finished node to the open collection (or makes it the root). */
static int
attach(struct builder *b, struct node *n)
{
	if (b->depth == 0) {
		b->root = n;
		return 0;
	}
	return node_add(b, b->stack[b->depth - 1], n);
}

static int
on_scalar(struct builder *b, const yaml_event_t *ev)
{
	struct node	*n;

	if ((n = node_new(b, NODE_SCALAR, &ev->start_mark)) == NULL)
		return -1;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	n->len = ev->data.scalar.length;
	if ((n->value = malloc(n->len + 1)) == NULL) {
		free(n);
		return cerr(b->ctx, NULL, "out of memory");
	}
	memcpy(n->value, ev->data.scalar.value, n->len);
	n->value[n->len] = '\0';
	if (strlen(n->value) != n->len) {
		cerr(b->ctx, n, "NUL character in a string");
		node_free(n);
		return -1;
	}
	if (attach(b, n) == -1)
		return -1;
	return anchor_add(b, ev->data.scalar.anchor, n);
}

static int
on_alias(struct builder *b, const yaml_event_t *ev)
{
	struct node	 tmp;
	struct node	*n;
	size_t		 i;

	tmp.line = (int)ev->start_mark.line + 1;
	tmp.col = (int)ev->start_mark.column + 1;
	for (i = b->nanchors; i > 0; i--)
		if (strcmp(b->anchors[i - 1].name, (const char *)ev->data.alias.anchor) == 0)
			break;
	if (i == 0)
		return cerr(b->ctx, &tmp, "unknown alias \"%s\"", ev->data.alias.anchor);
	if ((n = node_copy(b, b->anchors[i - 1].node)) == NULL)
		return cerr(b->ctx, &tmp, "aliases expand to more than %u nodes",
		    MAX_COPIED);
	n->line = tmp.line;
	n->col = tmp.col;
	return attach(b, n);
}

static int
on_start(struct builder *b, const yaml_event_t *ev, int type)
{
	struct node		*n;
	const unsigned char	*anchor;

	if (b->depth == MAX_DEPTH) {
		struct node tmp = { .line = (int)ev->start_mark.line + 1,
		    .col = (int)ev->start_mark.column + 1 };
		return cerr(b->ctx, &tmp, "nested too deeply");
	}
	if ((n = node_new(b, type, &ev->start_mark)) == NULL)
		return -1;
	if (attach(b, n) == -1)
		return -1;
	b->stack[b->depth++] = n;
	anchor = type == NODE_MAP ? ev->data.mapping_start.anchor :
	    ev->data.sequence_start.anchor;
	return anchor_add(b, anchor, n);
}

static int
on_event(struct builder *b, const yaml_event_t *ev)
{
	struct node tmp = { .line = (int)ev->start_mark.line + 1,
	    .col = (int)ev->start_mark.column + 1 };

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->docs > 1)
			return cerr(b->ctx, &tmp, "only one YAML document is allowed");
		return 0;
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(b, ev, NODE_SEQ);
	case YAML_MAPPING_START_EVENT:
		return on_start(b, ev, NODE_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		b->depth--;
		return 0;
	default:
		return 0;
	}
}

static void
yaml_problem(struct ctx *c, const yaml_parser_t *p)
{
	struct node tmp = { .line = (int)p->problem_mark.line + 1,
	    .col = (int)p->problem_mark.column + 1 };

	if (p->error == YAML_MEMORY_ERROR) {
		cerr(c, NULL, "out of memory");
		return;
	}
	if (p->context != NULL)
		cerr(c, &tmp, "YAML syntax error: %s %s", p->problem ? p->problem :
		    "unknown problem", p->context);
	else
		cerr(c, &tmp, "YAML syntax error: %s", p->problem ? p->problem :
		    "unknown problem");
}

struct node *
node_load(struct ctx *c, const char *buf, size_t len)
{
	yaml_parser_t	 p;
	yaml_event_t	 ev;
	struct builder	 b;
	int		 done = 0, rc = 0;
	size_t		 i;

	memset(&b, 0, sizeof(b));
	b.ctx = c;
	if (!yaml_parser_initialize(&p)) {
		cerr(c, NULL, "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			yaml_problem(c, &p);
			rc = -1;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = on_event(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	for (i = 0; i < b.nanchors; i++)
		free(b.anchors[i].name);
	free(b.anchors);
	if (rc == -1) {
		node_free(b.root);
		return NULL;
	}
	if (b.root == NULL) {
		/* an empty file is an empty map: all defaults */
		yaml_mark_t m = { 0, 0, 0 };
		b.root = node_new(&b, NODE_MAP, &m);
	}
	return b.root;
}

char *
file_slurp(struct ctx *c, const char *path, size_t *lenp)
{
	struct stat	 st;
	char		*buf = NULL;
	size_t		 len = 0;
	ssize_t		 r;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		cerr(c, NULL, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		cerr(c, NULL, "not a regular file");
		goto fail;
	}
	if (st.st_size > (off_t)MAX_FILE) {
		cerr(c, NULL, "file too large (more than %u bytes)", MAX_FILE);
		goto fail;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		cerr(c, NULL, "out of memory");
		goto fail;
	}
	while (len < (size_t)st.st_size) {
		r = read(fd, buf + len, (size_t)st.st_size - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			cerr(c, NULL, "read error: %s", r ? strerror(errno) : "short file");
			goto fail;
		}
		len += (size_t)r;
	}
	buf[len] = '\0';
	close(fd);
	*lenp = len;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}
