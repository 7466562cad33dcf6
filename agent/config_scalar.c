/*
 * Scalar conversions shared by ixwatch.yml and prefixes.yml: AS numbers (plain,
 * "AS65000" and RFC 5396 asdot), bounded integers, booleans, prefixes, strings and
 * paths; "did you mean" suggestions for unknown keys; quoting for the printer.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent/config_int.h"

static int
digits(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t	v = 0;
	size_t		i;

	if (n == 0 || n > 20)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

int
parse_asn_text(const char *s, uint32_t *asn)
{
	const char	*dot;
	uint64_t	 hi, lo;

	if ((s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's'))
		s += 2;
	if ((dot = strchr(s, '.')) != NULL) {
		if (digits(s, (size_t)(dot - s), 65535, &hi) == -1 ||
		    digits(dot + 1, strlen(dot + 1), 65535, &lo) == -1)
			return -1;
		*asn = (uint32_t)(hi << 16 | lo);
		return 0;
	}
	if (digits(s, strlen(s), UINT32_MAX, &lo) == -1)
		return -1;
	*asn = (uint32_t)lo;
	return 0;
}

int
parse_asn(struct ctx *c, const struct node *n, uint32_t *asn)
{
	if (n->type != NODE_SCALAR || node_is_null(n))
		return cerr(c, n, "expected an AS number, found %s", node_kind(n));
	if (parse_asn_text(n->value, asn) == -1)
		return cerr(c, n, "invalid AS number \"%s\" (use 65000, AS65000 or "
		    "asdot 1.10; at most 4294967295)", n->value);
	if (*asn == 0)
		return cerr(c, n, "AS 0 is reserved (RFC 7607) and cannot be used here");
	return 0;
}

int
parse_u32(struct ctx *c, const struct node *n, int64_t min, int64_t max, uint32_t *out)
{
	uint64_t	v;

	if (n->type != NODE_SCALAR || node_is_null(n))
		return cerr(c, n, "expected a number, found %s", node_kind(n));
	if (digits(n->value, n->len, UINT64_MAX / 16, &v) == -1)
		return cerr(c, n, "\"%s\" is not a number", n->value);
	if ((int64_t)v < min || (int64_t)v > max)
		return cerr(c, n, "%s is out of range (%lld..%lld)", n->value,
		    (long long)min, (long long)max);
	*out = (uint32_t)v;
	return 0;
}

int
parse_bool(struct ctx *c, const struct node *n, int *out)
{
	static const char *const t[] = { "true", "True", "TRUE", "yes", "Yes", "YES",
	    "on", "On", "ON", NULL };
	static const char *const f[] = { "false", "False", "FALSE", "no", "No", "NO",
	    "off", "Off", "OFF", NULL };
	size_t	i;

	if (n->type == NODE_SCALAR) {
		for (i = 0; t[i] != NULL; i++)
			if (strcmp(n->value, t[i]) == 0) {
				*out = 1;
				return 0;
			}
		for (i = 0; f[i] != NULL; i++)
			if (strcmp(n->value, f[i]) == 0) {
				*out = 0;
				return 0;
			}
		if (!node_is_null(n))
			return cerr(c, n, "expected true or false, found \"%s\"", n->value);
	}
	return cerr(c, n, "expected true or false, found %s", node_kind(n));
}

int
parse_prefix(struct ctx *c, const struct node *n, struct prefix *p)
{
	char	buf[PREFIX_STRLEN];

	if (n->type != NODE_SCALAR || node_is_null(n))
		return cerr(c, n, "expected a prefix, found %s", node_kind(n));
	if (strchr(n->value, '/') == NULL)
		return cerr(c, n, "invalid prefix \"%s\" (missing /length)", n->value);
	if (prefix_parse(n->value, p) == -1)
		return cerr(c, n, "invalid prefix \"%s\"", n->value);
	if (prefix_parse_strict(n->value, p) == -1)
		return cerr(c, n, "prefix \"%s\" has host bits set (did you mean %s?)",
		    n->value, prefix_fmt(p, buf, sizeof(buf)));
	return 0;
}

int
parse_str(struct ctx *c, const struct node *n, char **out)
{
	if (n->type != NODE_SCALAR)
		return cerr(c, n, "expected a string, found %s", node_kind(n));
	if (node_is_null(n)) {
		*out = NULL;
		return 0;
	}
	if ((*out = strdup(n->value)) == NULL)
		return cerr(c, n, "out of memory");
	return 0;
}

char *
resolve_path(const char *dir, const char *path)
{
	char	*s;

	if (path[0] == '/' || dir == NULL || dir[0] == '\0')
		return strdup(path);
	if (asprintf(&s, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, path) == -1)
		return NULL;
	return s;
}

int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

long
u32_sort_unique(uint32_t *v, size_t n)
{
	size_t	i;

	if (n > 1)
		qsort(v, n, sizeof(*v), u32_cmp);
	for (i = 1; i < n; i++)
		if (v[i] == v[i - 1])
			return (long)i;
	return -1;
}

static size_t
distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), i, j, prev, tmp;
	size_t	row[64];

	if (la >= 64 || lb >= 64)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = prev + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			if (tmp + 1 < row[j])
				row[j] = tmp + 1;
			prev = tmp;
		}
	}
	return row[lb];
}

/* "hold_time" and "holdTime" both suggest "hold-time". */
static void
normalize(const char *s, char *out, size_t len)
{
	size_t	i = 0;

	for (; *s != '\0' && i + 1 < len; s++) {
		if (*s == '_' || *s == '-' || *s == ' ')
			continue;
		out[i++] = (char)tolower((unsigned char)*s);
	}
	out[i] = '\0';
}

const char *
suggest(const char *key, const char *const *names, size_t n)
{
	char		 a[64], b[64];
	const char	*best = NULL;
	size_t		 i, d, bestd = 3;

	normalize(key, a, sizeof(a));
	for (i = 0; i < n; i++) {
		normalize(names[i], b, sizeof(b));
		if (strcmp(a, b) == 0)
			return names[i];
		d = distance(key, names[i]);
		if (d < bestd && d < strlen(names[i]) / 2 + 1) {
			bestd = d;
			best = names[i];
		}
	}
	return best;
}

void
print_indent(FILE *f, int indent)
{
	fprintf(f, "%*s", indent, "");
}

void
print_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch == '\t')
			fputs("\\t", f);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\x%02x", ch);
		else if (ch == 0xc2 && (unsigned char)s[1] == 0x85) {
			fputs("\\N", f);	/* NEL: a line break to YAML */
			s++;
		} else if (ch == 0xe2 && (unsigned char)s[1] == 0x80 &&
		    ((unsigned char)s[2] == 0xa8 || (unsigned char)s[2] == 0xa9)) {
			fputs((unsigned char)s[2] == 0xa8 ? "\\L" : "\\P", f);
			s += 2;
		} else
			fputc(ch, f);
	}
	fputc('"', f);
}

char *
fmt_asn(uint32_t asn, char *buf, size_t len)
{
	snprintf(buf, len, "%u", asn);
	return buf;
}
