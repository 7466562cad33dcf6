/*
 * rpki-client / StayRTR JSON VRP files (see rtr_json.h for the shapes), with a strict
 * streaming JSON tokenizer after RFC 8259: no trailing commas, no comments, no raw
 * control characters in strings, valid escapes and numbers, bounded nesting. The
 * parser keeps only what it needs (no document tree), so a 58 MB file costs the
 * output arrays and nothing else. Errors carry the line and column of the token.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtr/rtr_json.h"

enum tok {
	T_ERR = -1, T_EOF = 0, T_LBRACE, T_RBRACE, T_LBRACK, T_RBRACK, T_COLON, T_COMMA,
	T_STR, T_NUM, T_TRUE, T_FALSE, T_NULL,
};

#define SBUF	256	/* longer strings are checked but kept truncated */
#define MAXDEPTH 64

struct lex {
	const char	*p;
	const char	*end;
	const char	*linestart;
	unsigned	 line;
	unsigned	 tline;		/* position of the current token */
	unsigned	 tcol;
	enum tok	 tok;
	char		 s[SBUF];	/* string or number text, NUL-terminated */
	size_t		 slen;
	int		 depth;
	char		*err;
	size_t		 errlen;
	int		 failed;
};

static int __attribute__((format(printf, 2, 3)))
fail(struct lex *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->failed)
		return -1;
	l->failed = 1;
	if (l->errlen == 0)
		return -1;
	n = snprintf(l->err, l->errlen, "%u:%u: ", l->tline, l->tcol);
	if (n >= 0 && (size_t)n < l->errlen) {
		va_start(ap, fmt);
		vsnprintf(l->err + n, l->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void
sput(struct lex *l, char c)
{
	if (l->slen < SBUF - 1)
		l->s[l->slen++] = c;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* \uXXXX: only checked; non-ASCII code points are kept as '?' (keys and values we use are ASCII). */
static int
lex_uescape(struct lex *l)
{
	int i, v = 0, h;

	for (i = 0; i < 4; i++) {
		if (l->p >= l->end || (h = hexval(*l->p)) < 0)
			return fail(l, "bad \\u escape in string");
		v = v * 16 + h;
		l->p++;
	}
	sput(l, v > 0 && v < 0x80 ? (char)v : '?');
	return 0;
}

static enum tok
lex_string(struct lex *l)
{
	unsigned char c;

	l->p++;		/* opening quote */
	while (l->p < l->end) {
		c = (unsigned char)*l->p++;
		if (c == '"') {
			l->s[l->slen] = '\0';
			return T_STR;
		}
		if (c < 0x20)
			return fail(l, "control character in string"), T_ERR;
		if (c != '\\') {
			sput(l, (char)c);
			continue;
		}
		if (l->p >= l->end)
			break;
		c = (unsigned char)*l->p++;
		switch (c) {
		case '"': case '\\': case '/':
			sput(l, (char)c);
			break;
		case 'b': case 'f': case 'n': case 'r': case 't':
			sput(l, ' ');
			break;
		case 'u':
			if (lex_uescape(l) == -1)
				return T_ERR;
			break;
		default:
			return fail(l, "bad escape \\%c in string", c), T_ERR;
		}
	}
	return fail(l, "unterminated string"), T_ERR;
}

static int
isdig(const struct lex *l)
{
	return l->p < l->end && *l->p >= '0' && *l->p <= '9';
}

static enum tok
lex_number(struct lex *l)
{
	if (*l->p == '-')
		sput(l, *l->p++);
	if (!isdig(l))
		return fail(l, "bad number"), T_ERR;
	if (*l->p == '0') {
		sput(l, *l->p++);
		if (isdig(l))
			return fail(l, "bad number: leading zero"), T_ERR;
	} else
		while (isdig(l))
			sput(l, *l->p++);
	if (l->p < l->end && *l->p == '.') {
		sput(l, *l->p++);
		if (!isdig(l))
			return fail(l, "bad number"), T_ERR;
		while (isdig(l))
			sput(l, *l->p++);
	}
	if (l->p < l->end && (*l->p == 'e' || *l->p == 'E')) {
		sput(l, *l->p++);
		if (l->p < l->end && (*l->p == '+' || *l->p == '-'))
			sput(l, *l->p++);
		if (!isdig(l))
			return fail(l, "bad number"), T_ERR;
		while (isdig(l))
			sput(l, *l->p++);
	}
	l->s[l->slen] = '\0';
	return T_NUM;
}

static enum tok
lex_word(struct lex *l, const char *w, enum tok t)
{
	size_t n = strlen(w);

	if ((size_t)(l->end - l->p) < n || memcmp(l->p, w, n) != 0)
		return fail(l, "unexpected character '%c'", *l->p), T_ERR;
	l->p += n;
	return t;
}

/* Advance to the next token. */
static enum tok
next(struct lex *l)
{
	char c;

	if (l->failed)
		return l->tok = T_ERR;
	for (; l->p < l->end; l->p++) {
		c = *l->p;
		if (c == '\n') {
			l->line++;
			l->linestart = l->p + 1;
		} else if (c != ' ' && c != '\t' && c != '\r')
			break;
	}
	l->tline = l->line;
	l->tcol = (unsigned)(l->p - l->linestart) + 1;
	l->slen = 0;
	l->s[0] = '\0';
	if (l->p >= l->end)
		return l->tok = T_EOF;
	c = *l->p;
	switch (c) {
	case '{': l->p++; return l->tok = T_LBRACE;
	case '}': l->p++; return l->tok = T_RBRACE;
	case '[': l->p++; return l->tok = T_LBRACK;
	case ']': l->p++; return l->tok = T_RBRACK;
	case ':': l->p++; return l->tok = T_COLON;
	case ',': l->p++; return l->tok = T_COMMA;
	case '"': return l->tok = lex_string(l);
	case 't': return l->tok = lex_word(l, "true", T_TRUE);
	case 'f': return l->tok = lex_word(l, "false", T_FALSE);
	case 'n': return l->tok = lex_word(l, "null", T_NULL);
	}
	if (c == '-' || (c >= '0' && c <= '9'))
		return l->tok = lex_number(l);
	if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
		return fail(l, "unexpected byte 0x%02x", (unsigned char)c), l->tok = T_ERR;
	return fail(l, "unexpected character '%c'", c), l->tok = T_ERR;
}

typedef int (*member_fn)(struct lex *, const char *key, void *);
typedef int (*elem_fn)(struct lex *, void *);

/*
 * The current token is '{'. For each member, fn is called with the current token on
 * the first token of the value and must leave it on the value's last token.
 * Leaves the current token on '}'.
 */
static int
obj_each(struct lex *l, member_fn fn, void *arg)
{
	char key[64];

	if (++l->depth > MAXDEPTH)
		return fail(l, "nesting too deep");
	if (next(l) == T_RBRACE)
		goto done;
	for (;;) {
		if (l->tok != T_STR)
			return fail(l, "expected a member name");
		memcpy(key, l->s, l->slen < sizeof(key) - 1 ? l->slen : sizeof(key) - 1);
		key[l->slen < sizeof(key) - 1 ? l->slen : sizeof(key) - 1] = '\0';
		if (next(l) != T_COLON)
			return fail(l, "expected ':'");
		next(l);
		if (fn(l, key, arg) == -1)
			return fail(l, "bad value");
		if (next(l) == T_RBRACE)
			break;
		if (l->tok != T_COMMA)
			return fail(l, "expected ',' or '}'");
		next(l);
	}
done:
	l->depth--;
	return 0;
}

/* The same for arrays: the current token is '[' and ends on ']'. */
static int
arr_each(struct lex *l, elem_fn fn, void *arg)
{
	if (++l->depth > MAXDEPTH)
		return fail(l, "nesting too deep");
	if (next(l) == T_RBRACK)
		goto done;
	for (;;) {
		if (fn(l, arg) == -1)
			return fail(l, "bad value");
		if (next(l) == T_RBRACK)
			break;
		if (l->tok != T_COMMA)
			return fail(l, "expected ',' or ']'");
		next(l);
	}
done:
	l->depth--;
	return 0;
}

static int skip_value(struct lex *, void *);

static int
skip_member(struct lex *l, const char *key, void *arg)
{
	return skip_value(l, arg);
}

static int
skip_value(struct lex *l, void *arg)
{
	switch (l->tok) {
	case T_LBRACE:
		return obj_each(l, skip_member, arg);
	case T_LBRACK:
		return arr_each(l, skip_value, arg);
	case T_STR: case T_NUM: case T_TRUE: case T_FALSE: case T_NULL:
		return 0;
	default:
		return fail(l, "expected a value");
	}
}

/* An unsigned integer (a JSON number without sign, fraction or exponent). */
static int
num_u64(struct lex *l, const char *s, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;

	if (*s == '\0')
		return fail(l, "expected an integer");
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return fail(l, "expected an integer");
		x = x * 10 + (uint64_t)(*s - '0');
		if (x > max)
			return fail(l, "number out of range");
	}
	*v = x;
	return 0;
}

/* An AS number: 13335, "13335" or "AS13335". */
static int
get_asn(struct lex *l, uint32_t *asn)
{
	const char *s = l->s;
	uint64_t v = 0;

	if (l->tok == T_STR) {
		if ((s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's'))
			s += 2;
	} else if (l->tok != T_NUM)
		return fail(l, "expected an AS number");
	if (num_u64(l, s, UINT32_MAX, &v) == -1)
		return -1;
	*asn = (uint32_t)v;
	return 0;
}

static int
get_uint(struct lex *l, uint64_t max, uint64_t *v)
{
	if (l->tok != T_NUM)
		return fail(l, "expected a number");
	return num_u64(l, l->s, max, v);
}

static int
grow(void **p, size_t *cap, size_t need, size_t elsz)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 256;
	while (ncap < need)
		ncap *= 2;
	if ((np = realloc(*p, ncap * elsz)) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

struct pctx {
	struct lex		*l;
	struct rtr_vrpset	*out;
	uint64_t		 now;
};

struct roa {
	struct pctx	*c;
	struct rtr_vrp	 v;
	int		 have;		/* bits: 1 prefix, 2 asn, 4 maxlen */
	uint64_t	 expires;
};

static int
roa_member(struct lex *l, const char *key, void *arg)
{
	struct roa *r = arg;
	uint64_t v = 0;

	if (strcmp(key, "prefix") == 0) {
		if (l->tok != T_STR || prefix_parse_strict(l->s, &r->v.prefix) == -1)
			return fail(l, "bad prefix \"%s\"", l->s);
		r->have |= 1;
	} else if (strcmp(key, "asn") == 0) {
		if (get_asn(l, &r->v.asn) == -1)
			return -1;
		r->have |= 2;
	} else if (strcmp(key, "maxLength") == 0 || strcmp(key, "maxlen") == 0) {
		if (get_uint(l, 128, &v) == -1)
			return -1;
		r->v.maxlen = (uint8_t)v;
		r->have |= 4;
	} else if (strcmp(key, "expires") == 0) {
		if (get_uint(l, UINT64_MAX / 10, &r->expires) == -1)
			return -1;
	} else
		return skip_value(l, NULL);
	return 0;
}

static int
roa_elem(struct lex *l, void *arg)
{
	struct pctx *c = arg;
	struct rtr_vrpset *o = c->out;
	struct roa r;
	unsigned line = l->tline, col = l->tcol;

	if (l->tok != T_LBRACE)
		return fail(l, "expected a ROA object");
	memset(&r, 0, sizeof(r));
	r.c = c;
	if (obj_each(l, roa_member, &r) == -1)
		return -1;
	l->tline = line;
	l->tcol = col;
	if ((r.have & 3) != 3)
		return fail(l, "ROA without %s", (r.have & 1) ? "asn" : "prefix");
	if (!(r.have & 4))
		r.v.maxlen = r.v.prefix.len;
	if (r.v.maxlen < r.v.prefix.len || r.v.maxlen > prefix_maxlen(r.v.prefix.af))
		return fail(l, "maxLength %u does not fit prefix length %u", r.v.maxlen,
		    r.v.prefix.len);
	if (c->now != 0 && r.expires != 0 && r.expires < c->now) {
		o->expired++;
		return 0;
	}
	if (grow((void **)&o->vrp, &o->capvrp, o->nvrp + 1, sizeof(*o->vrp)) == -1)
		return fail(l, "out of memory");
	o->vrp[o->nvrp++] = r.v;
	if (r.expires != 0 && (o->next_expiry == 0 || r.expires < o->next_expiry))
		o->next_expiry = r.expires;
	return 0;
}

static int
roas(struct lex *l, struct pctx *c)
{
	if (l->tok != T_LBRACK)
		return fail(l, "expected an array of ROAs");
	return arr_each(l, roa_elem, c);
}

struct aspa {
	struct pctx	*c;
	uint32_t	 customer;
	int		 have;
	size_t		 first;		/* first provider in out->prov */
	uint64_t	 expires;
};

static int
prov_member(struct lex *l, const char *key, void *arg)
{
	uint32_t *asn = arg;	/* asn[1]: found */

	if (strcmp(key, "asid") == 0 || strcmp(key, "provider") == 0 ||
	    strcmp(key, "asn") == 0) {
		asn[1] = 1;
		return get_asn(l, asn);
	}
	return skip_value(l, NULL);
}

static int
prov_elem(struct lex *l, void *arg)
{
	struct aspa *a = arg;
	struct rtr_vrpset *o = a->c->out;
	uint32_t asn[2] = { 0, 0 };
	unsigned line = l->tline, col = l->tcol;

	if (l->tok == T_LBRACE) {
		if (obj_each(l, prov_member, asn) == -1)
			return -1;
		l->tline = line;
		l->tcol = col;
		if (!asn[1])
			return fail(l, "provider object without an AS");
	} else if (get_asn(l, &asn[0]) == -1)
		return -1;
	if (grow((void **)&o->prov, &o->capprov, o->nprov + 1, sizeof(*o->prov)) == -1)
		return fail(l, "out of memory");
	o->prov[o->nprov++] = asn[0];
	return 0;
}

static int
aspa_member(struct lex *l, const char *key, void *arg)
{
	struct aspa *a = arg;
	uint64_t v = 0;

	if (strcmp(key, "customer_asid") == 0 || strcmp(key, "customer") == 0) {
		if (get_asn(l, &a->customer) == -1)
			return -1;
		a->have |= 1;
	} else if (strcmp(key, "providers") == 0) {
		if (l->tok != T_LBRACK)
			return fail(l, "expected an array of providers");
		if (arr_each(l, prov_elem, a) == -1)
			return -1;
		a->have |= 2;
	} else if (strcmp(key, "expires") == 0) {
		if (get_uint(l, UINT64_MAX / 10, &v) == -1)
			return -1;
		a->expires = v;
	} else
		return skip_value(l, NULL);
	return 0;
}

static int
aspa_elem(struct lex *l, void *arg)
{
	struct pctx *c = arg;
	struct rtr_vrpset *o = c->out;
	struct aspa a;
	unsigned line = l->tline, col = l->tcol;

	if (l->tok != T_LBRACE)
		return fail(l, "expected an ASPA object");
	memset(&a, 0, sizeof(a));
	a.c = c;
	a.first = o->nprov;
	if (obj_each(l, aspa_member, &a) == -1)
		return -1;
	l->tline = line;
	l->tcol = col;
	if ((a.have & 3) != 3)
		return fail(l, "ASPA without %s", (a.have & 1) ? "providers" : "customer");
	if (c->now != 0 && a.expires != 0 && a.expires < c->now) {
		o->nprov = a.first;
		o->expired++;
		return 0;
	}
	if (grow((void **)&o->aspa, &o->capaspa, o->naspa + 1, sizeof(*o->aspa)) == -1)
		return fail(l, "out of memory");
	if (a.expires != 0 && (o->next_expiry == 0 || a.expires < o->next_expiry))
		o->next_expiry = a.expires;
	o->aspa[o->naspa].customer = a.customer;
	o->aspa[o->naspa].off = (uint32_t)a.first;
	o->aspa[o->naspa].nprov = (uint32_t)(o->nprov - a.first);
	o->naspa++;
	return 0;
}

static int
aspas(struct lex *l, struct pctx *c)
{
	if (l->tok != T_LBRACK)
		return fail(l, "expected an array of ASPAs");
	return arr_each(l, aspa_elem, c);
}

static int
pa_member(struct lex *l, const char *key, void *arg)
{
	if (strcmp(key, "ipv4") == 0 || strcmp(key, "ipv6") == 0)
		return aspas(l, arg);
	return skip_value(l, NULL);
}

static int
top_member(struct lex *l, const char *key, void *arg)
{
	if (strcmp(key, "roas") == 0)
		return roas(l, arg);
	if (strcmp(key, "aspas") == 0 || strcmp(key, "aspa") == 0)
		return aspas(l, arg);
	if (strcmp(key, "provider_authorizations") == 0) {
		if (l->tok != T_LBRACE)
			return fail(l, "expected an object of ASPA lists");
		return obj_each(l, pa_member, arg);
	}
	return skip_value(l, NULL);
}

int
rtr_vrp_cmp(const struct rtr_vrp *a, const struct rtr_vrp *b)
{
	int c;

	if ((c = prefix_cmp(&a->prefix, &b->prefix)) != 0)
		return c;
	if (a->maxlen != b->maxlen)
		return a->maxlen < b->maxlen ? -1 : 1;
	return a->asn < b->asn ? -1 : a->asn > b->asn;
}

static int
vrp_qcmp(const void *a, const void *b)
{
	return rtr_vrp_cmp(a, b);
}

static int
aspa_qcmp(const void *a, const void *b)
{
	const struct rtr_json_aspa *x = a, *y = b;

	if (x->customer != y->customer)
		return x->customer < y->customer ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static int
u32_qcmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void
vrps_finish(struct rtr_vrpset *o)
{
	size_t i, k;

	if (o->nvrp == 0)
		return;
	qsort(o->vrp, o->nvrp, sizeof(*o->vrp), vrp_qcmp);
	for (i = 1, k = 1; i < o->nvrp; i++) {
		if (rtr_vrp_cmp(&o->vrp[k - 1], &o->vrp[i]) == 0) {
			o->dups++;
			continue;
		}
		o->vrp[k++] = o->vrp[i];
	}
	o->nvrp = k;
}

/* One entry per customer (per-AFI lists merged), each provider set sorted and unique. */
static int
aspas_finish(struct rtr_vrpset *o)
{
	uint32_t *np = NULL;
	size_t i, j, k, g, n = 0, start;

	if (o->naspa == 0)
		return 0;
	qsort(o->aspa, o->naspa, sizeof(*o->aspa), aspa_qcmp);
	if ((np = malloc((o->nprov ? o->nprov : 1) * sizeof(*np))) == NULL)
		return -1;
	for (i = 0; i < o->naspa; i = j) {
		start = n;
		for (j = i; j < o->naspa && o->aspa[j].customer == o->aspa[i].customer; j++)
			for (k = 0; k < o->aspa[j].nprov; k++)
				if (o->prov[o->aspa[j].off + k] != 0)
					np[n++] = o->prov[o->aspa[j].off + k];
		qsort(np + start, n - start, sizeof(*np), u32_qcmp);
		for (k = start, g = start; k < n; k++)
			if (g == start || np[k] != np[g - 1])
				np[g++] = np[k];
		n = g;
		o->aspa[i].off = (uint32_t)start;
		o->aspa[i].nprov = (uint32_t)(n - start);
	}
	/* compact the records: keep the first of each customer */
	for (i = 0, k = 0; i < o->naspa; i++)
		if (k == 0 || o->aspa[k - 1].customer != o->aspa[i].customer)
			o->aspa[k++] = o->aspa[i];
	o->naspa = k;
	free(o->prov);
	o->prov = np;
	o->nprov = n;
	o->capprov = o->nprov ? o->nprov : 1;
	return 0;
}

void
rtr_vrpset_init(struct rtr_vrpset *o)
{
	memset(o, 0, sizeof(*o));
}

void
rtr_vrpset_clear(struct rtr_vrpset *o)
{
	if (o == NULL)
		return;
	free(o->vrp);
	free(o->aspa);
	free(o->prov);
	rtr_vrpset_init(o);
}

int
rtr_json_parse(const char *buf, size_t len, uint64_t now, struct rtr_vrpset *out,
    char *err, size_t errlen)
{
	struct lex l;
	struct pctx c;

	rtr_vrpset_clear(out);
	memset(&l, 0, sizeof(l));
	l.p = l.linestart = buf;
	l.end = buf + len;
	l.line = 1;
	l.err = err;
	l.errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
	c.l = &l;
	c.out = out;
	c.now = now;
	switch (next(&l)) {
	case T_LBRACE:
		if (obj_each(&l, top_member, &c) == -1)
			goto fail;
		break;
	case T_LBRACK:
		if (arr_each(&l, roa_elem, &c) == -1)
			goto fail;
		break;
	default:
		fail(&l, "expected a JSON object or array");
		goto fail;
	}
	if (next(&l) != T_EOF) {
		fail(&l, "trailing data after the JSON value");
		goto fail;
	}
	vrps_finish(out);
	if (aspas_finish(out) == -1) {
		fail(&l, "out of memory");
		goto fail;
	}
	return 0;
fail:
	rtr_vrpset_clear(out);
	return -1;
}

static int
aspa_same(const struct rtr_vrpset *a, const struct rtr_json_aspa *x,
    const struct rtr_vrpset *b, const struct rtr_json_aspa *y)
{
	return x->nprov == y->nprov && (x->nprov == 0 ||
	    memcmp(a->prov + x->off, b->prov + y->off, x->nprov * sizeof(uint32_t)) == 0);
}

static int
diff_aspa(const struct rtr_vrpset *o, const struct rtr_vrpset *n,
    const struct rtr_vrpset_delta *d)
{
	size_t i = 0, j = 0;
	const struct rtr_json_aspa *x, *y;
	int r;

	while (i < o->naspa || j < n->naspa) {
		x = i < o->naspa ? &o->aspa[i] : NULL;
		y = j < n->naspa ? &n->aspa[j] : NULL;
		if (y == NULL || (x != NULL && x->customer < y->customer)) {
			if ((r = d->aspa(x->customer, NULL, 0, 0, d->arg)) != 0)
				return r;
			i++;
		} else if (x == NULL || y->customer < x->customer) {
			if ((r = d->aspa(y->customer, n->prov + y->off, y->nprov, 1,
			    d->arg)) != 0)
				return r;
			j++;
		} else {
			if (!aspa_same(o, x, n, y) && (r = d->aspa(y->customer,
			    n->prov + y->off, y->nprov, 1, d->arg)) != 0)
				return r;
			i++;
			j++;
		}
	}
	return 0;
}

int
rtr_vrpset_diff(const struct rtr_vrpset *o, const struct rtr_vrpset *n,
    const struct rtr_vrpset_delta *d)
{
	size_t i = 0, j = 0;
	int c, r;

	while (i < o->nvrp || j < n->nvrp) {
		if (j == n->nvrp)
			c = -1;
		else if (i == o->nvrp)
			c = 1;
		else
			c = rtr_vrp_cmp(&o->vrp[i], &n->vrp[j]);
		if (c == 0) {
			i++;
			j++;
			continue;
		}
		if (d->vrp != NULL &&
		    (r = d->vrp(c < 0 ? &o->vrp[i] : &n->vrp[j], c > 0, d->arg)) != 0)
			return r;
		if (c < 0)
			i++;
		else
			j++;
	}
	return d->aspa != NULL ? diff_aspa(o, n, d) : 0;
}
