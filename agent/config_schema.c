/*
 * The table-driven engine behind ixwatch.yml: each section is a cfg_schema (a table
 * of keys with type, storage offset, range and default). One walk parses a map with
 * strict checks (unknown keys with a suggestion, duplicates, types, ranges), fills
 * defaults from the same textual syntax an operator writes, and runs the section's
 * cross-field check; the printer walks the same table, so every key is printed with
 * its canonical value and reads back to the same config; the freer walks it too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/types.h>

#include "agent/config_int.h"
#include "agent/log.h"

#define MAX_FIELDS	64

static const struct {
	const char	*name;
	int		 value;
} facilities[] = {
	{ "daemon", LOG_DAEMON }, { "user", LOG_USER }, { "auth", LOG_AUTH },
	{ "authpriv", LOG_AUTHPRIV }, { "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};
#define NFACILITIES	(sizeof(facilities) / sizeof(facilities[0]))

#define AT(obj, off, type)	((type *)(void *)((char *)(obj) + (off)))
#define CAT(obj, off, type)	((const type *)(const void *)((const char *)(obj) + (off)))

static size_t
elem_size(int type)
{
	switch (type) {
	case CT_STR: case CT_PATH: case CT_HOST: case CT_DEBUG:
		return sizeof(char *);
	case CT_BOOL: case CT_ENUM: case CT_FACILITY:
		return sizeof(int);
	case CT_U32: case CT_DUR: case CT_ASN:
		return sizeof(uint32_t);
	case CT_PORT:
		return sizeof(uint16_t);
	case CT_ADDR: case CT_ADDR4:
		return sizeof(struct config_addr);
	case CT_PREFIX:
		return sizeof(struct prefix);
	case CT_MODE:
		return sizeof(mode_t);
	case CT_DOUBLE:
		return sizeof(double);
	default:
		return 0;
	}
}

static int
parse_dur(struct ctx *c, const struct node *n, const struct cfg_field *f, uint32_t *out)
{
	const char	*s = n->value;
	uint64_t	 total = 0, v;
	int		 any = 0, unit, last = 5;

	if (n->type != NODE_SCALAR || node_is_null(n))
		return cerr(c, n, "expected a duration, found %s", node_kind(n));
	/* units once each, largest first (1h30m, not 30m1h or 1h1h) */
	while (*s != '\0') {
		if (*s < '0' || *s > '9')
			goto bad;
		for (v = 0; *s >= '0' && *s <= '9'; s++)
			if ((v = v * 10 + (uint64_t)(*s - '0')) > UINT32_MAX)
				goto range;
		switch (*s) {
		case 'd': v *= 86400; s++; unit = 4; break;
		case 'h': v *= 3600; s++; unit = 3; break;
		case 'm': v *= 60; s++; unit = 2; break;
		case 's': s++; unit = 1; break;
		case '\0': if (any) goto bad; unit = 0; break;
		default: goto bad;
		}
		if (unit >= last)
			goto bad;
		last = unit;
		if ((total += v) > UINT32_MAX)
			goto range;
		any = 1;
	}
	if (!any)
		goto bad;
	if ((int64_t)total < f->min || (int64_t)total > f->max)
		goto range;
	*out = (uint32_t)total;
	return 0;
bad:
	return cerr(c, n, "invalid duration \"%s\" (use 30s, 5m, 1h, 1d or seconds)",
	    n->value);
range:
	return cerr(c, n, "duration %s is out of range (%llds..%llds)", n->value,
	    (long long)f->min, (long long)f->max);
}

static int
parse_addr(struct ctx *c, const struct node *n, int v4only, struct config_addr *a)
{
	if (n->type != NODE_SCALAR || node_is_null(n))
		return cerr(c, n, "expected an IP address, found %s", node_kind(n));
	if (strchr(n->value, '/') != NULL)
		return cerr(c, n, "expected an address, not a prefix: \"%s\"", n->value);
	if (addr_parse(n->value, &a->af, a->addr) == -1)
		return cerr(c, n, "invalid IP address \"%s\"", n->value);
	if (v4only && a->af != PREFIX_AF_IPV4)
		return cerr(c, n, "expected an IPv4 address (a router id), found \"%s\"",
		    n->value);
	return 0;
}

static int
valid_hostname(const char *s)
{
	size_t	label = 0, n = 0;

	for (; *s != '\0'; s++, n++) {
		if (*s == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return 0;
		if (++label > 63)
			return 0;
	}
	return n > 0 && n < 254;
}

static int
parse_host(struct ctx *c, const struct node *n, char **out)
{
	struct config_addr	a;

	if (n->type != NODE_SCALAR || node_is_null(n))
		return cerr(c, n, "expected a host (address or name), found %s",
		    node_kind(n));
	if (strchr(n->value, ':') != NULL) {
		if (addr_parse(n->value, &a.af, a.addr) == -1)
			return cerr(c, n, "invalid IPv6 address \"%s\"", n->value);
	} else if (!valid_hostname(n->value))
		return cerr(c, n, "invalid host \"%s\" (expected an address or a DNS name)",
		    n->value);
	return parse_str(c, n, out);
}

static int
parse_mode(struct ctx *c, const struct node *n, mode_t *out)
{
	const char	*s;
	unsigned	 v = 0;

	if (n->type != NODE_SCALAR || node_is_null(n))
		return cerr(c, n, "expected an octal mode, found %s", node_kind(n));
	for (s = n->value; *s != '\0'; s++) {
		if (*s < '0' || *s > '7' || v > 0777)
			return cerr(c, n, "invalid value \"%s\" (octal, e.g. 0660)", n->value);
		v = v * 8 + (unsigned)(*s - '0');
	}
	if (s == n->value || v > 0777)
		return cerr(c, n, "invalid value \"%s\" (octal, e.g. 0660)", n->value);
	*out = (mode_t)v;
	return 0;
}

static int
parse_facility(struct ctx *c, const struct node *n, int *out)
{
	size_t	i;

	if (n->type == NODE_SCALAR)
		for (i = 0; i < NFACILITIES; i++)
			if (strcmp(n->value, facilities[i].name) == 0) {
				*out = facilities[i].value;
				return 0;
			}
	return cerr(c, n, "unknown facility %s%s%s (daemon, user, auth, authpriv, "
	    "local0..local7)", n->type == NODE_SCALAR ? "\"" : "",
	    n->type == NODE_SCALAR ? n->value : node_kind(n),
	    n->type == NODE_SCALAR ? "\"" : "");
}

static const char *
facility_name(int v)
{
	size_t	i;

	for (i = 0; i < NFACILITIES; i++)
		if (facilities[i].value == v)
			return facilities[i].name;
	return "daemon";
}

static int
parse_enum(struct ctx *c, const struct node *n, const char *const *names, int *out)
{
	char	list[256];
	size_t	i, len = 0;

	if (n->type == NODE_SCALAR)
		for (i = 0; names[i] != NULL; i++)
			if (strcmp(n->value, names[i]) == 0) {
				*out = (int)i;
				return 0;
			}
	list[0] = '\0';
	for (i = 0; names[i] != NULL && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
		    i ? ", " : "", names[i]);
	if (n->type != NODE_SCALAR || node_is_null(n))
		return cerr(c, n, "expected one of %s, found %s", list, node_kind(n));
	return cerr(c, n, "invalid value \"%s\" (expected one of %s)", n->value, list);
}

static int
parse_double(struct ctx *c, const struct node *n, const struct cfg_field *f, double *out)
{
	char	*end;
	double	 v;

	if (n->type != NODE_SCALAR || node_is_null(n))
		return cerr(c, n, "expected a number, found %s", node_kind(n));
	errno = 0;
	v = strtod(n->value, &end);
	if (errno != 0 || end == n->value || *end != '\0' || !(v == v) ||
	    n->value[0] == '+' || n->value[0] == ' ')
		return cerr(c, n, "\"%s\" is not a number", n->value);
	if (v < (double)f->min || v > (double)f->max)
		return cerr(c, n, "%s is out of range (%lld..%lld)", n->value,
		    (long long)f->min, (long long)f->max);
	*out = v;
	return 0;
}

static int
debug_token(struct ctx *c, const struct node *n, const char *tok, size_t len)
{
	unsigned	i;

	if (len == 3 && strncmp(tok, "all", 3) == 0)
		return 0;
	for (i = 0; i < LOG_SUB_COUNT; i++)
		if (strlen(log_sub_name(i)) == len && strncmp(tok, log_sub_name(i), len) == 0)
			return 0;
	return cerr(c, n, "unknown subsystem \"%.*s\" (all, main, conf, ctl, bmp, "
	    "bgp, mrt, rib, rtr, detect, alert, snmp, syslog)", (int)len, tok);
}

/* A string "bmp,rtr" or a list [bmp, rtr], stored as "bmp,rtr". */
static int
parse_debug(struct ctx *c, const struct node *n, char **out)
{
	char		*s = NULL, *t;
	const char	*p, *q;
	size_t		 i, len = 0;
	const struct node *k;

	if (node_is_null(n))
		return 0;
	for (i = 0; i < (n->type == NODE_SEQ ? n->nkids : 1); i++) {
		k = n->type == NODE_SEQ ? n->kids[i] : n;
		if (k->type != NODE_SCALAR || node_is_null(k))
			goto bad;
		for (p = k->value; *p != '\0'; p = *q ? q + 1 : q) {
			q = p + strcspn(p, ",");
			if (debug_token(c, k, p, (size_t)(q - p)) == -1)
				goto fail;
		}
		if ((t = realloc(s, len + k->len + 2)) == NULL)
			goto fail;
		s = t;
		len += (size_t)sprintf(s + len, "%s%s", len ? "," : "", k->value);
	}
	if (n->type == NODE_MAP)
		goto bad;
	*out = s;
	return 0;
bad:
	cerr(c, n, "expected debug subsystems (\"bmp,rtr\" or a list), found %s",
	    node_kind(n));
fail:
	free(s);
	return -1;
}

static int
parse_scalar(struct ctx *c, const struct cfg_field *f, int type, const struct node *n,
    void *dst)
{
	switch (type) {
	case CT_STR:
		if (n->type == NODE_SCALAR && !node_is_null(n) && n->len == 0)
			return cerr(c, n, "empty string");
		return parse_str(c, n, dst);
	case CT_PATH:
		if (parse_str(c, n, dst) == -1)
			return -1;
		if (*(char **)dst != NULL) {
			char *r = resolve_path(c->dir, *(char **)dst);
			free(*(char **)dst);
			if ((*(char **)dst = r) == NULL)
				return cerr(c, n, "out of memory");
		}
		return 0;
	case CT_HOST:
		return parse_host(c, n, dst);
	case CT_DEBUG:
		return parse_debug(c, n, dst);
	case CT_BOOL:
		return parse_bool(c, n, dst);
	case CT_U32:
		return parse_u32(c, n, f->min, f->max, dst);
	case CT_DUR:
		return parse_dur(c, n, f, dst);
	case CT_PORT: {
		uint32_t v;
		if (parse_u32(c, n, 1, 65535, &v) == -1)
			return -1;
		*(uint16_t *)dst = (uint16_t)v;
		return 0;
	}
	case CT_ASN:
		return parse_asn(c, n, dst);
	case CT_ENUM:
		return parse_enum(c, n, f->names, dst);
	case CT_ADDR:
	case CT_ADDR4:
		return parse_addr(c, n, type == CT_ADDR4, dst);
	case CT_PREFIX:
		return parse_prefix(c, n, dst);
	case CT_MODE:
		return parse_mode(c, n, dst);
	case CT_FACILITY:
		return parse_facility(c, n, dst);
	case CT_DOUBLE:
		return parse_double(c, n, f, dst);
	default:
		return cerr(c, n, "internal error: bad field type");
	}
}

static int
parse_list(struct ctx *c, const struct cfg_field *f, void *obj, const struct node *n)
{
	size_t	 i, cnt, esz = elem_size(f->elem);
	char	*arr;
	const struct node *k;

	if (node_is_null(n))
		return 0;
	if (n->type == NODE_MAP)
		return cerr(c, n, "expected a list, found a map");
	cnt = n->type == NODE_SEQ ? n->nkids : 1;
	if (cnt == 0)
		return 0;
	if ((arr = calloc(cnt, esz)) == NULL)
		return cerr(c, n, "out of memory");
	*AT(obj, f->off, void *) = arr;
	for (i = 0; i < cnt; i++) {
		k = n->type == NODE_SEQ ? n->kids[i] : n;
		if (node_is_null(k))
			return cerr(c, k, "empty item in the list");
		if (parse_scalar(c, f, f->elem, k, arr + i * esz) == -1)
			return -1;
		(*AT(obj, f->cnt, size_t))++;
	}
	return 0;
}

static int
parse_structs(struct ctx *c, const struct cfg_field *f, void *obj, const struct node *n)
{
	size_t	 i, esz = f->sub->size;
	char	*arr;

	if (node_is_null(n))
		return 0;
	if (n->type != NODE_SEQ)
		return cerr(c, n, "expected a list of %s entries for %s, found %s",
		    f->sub->what, f->name, node_kind(n));
	if (n->nkids == 0)
		return 0;
	if ((arr = calloc(n->nkids, esz)) == NULL)
		return cerr(c, n, "out of memory");
	*AT(obj, f->off, void *) = arr;
	for (i = 0; i < n->nkids; i++) {
		(*AT(obj, f->cnt, size_t))++;
		if (schema_parse(c, f->sub, arr + i * esz, n->kids[i]) == -1)
			return -1;
	}
	return 0;
}

/* "hold-time: invalid duration ..." : the key goes in front of a value's error. */
static int
key_prefix(struct ctx *c, const char *key)
{
	char	*msg;
	size_t	 k = strlen(key), len;

	if (c->err == NULL || c->err->msg[0] == '\0' || k + 3 >= sizeof(c->err->msg))
		return -1;
	msg = c->err->msg;
	if ((len = strlen(msg)) + k + 3 > sizeof(c->err->msg))
		len = sizeof(c->err->msg) - k - 3;
	memmove(msg + k + 2, msg, len);
	msg[k + 2 + len] = '\0';
	memcpy(msg, key, k);
	msg[k] = ':';
	msg[k + 1] = ' ';
	return -1;
}

static int
parse_field(struct ctx *c, const struct cfg_schema *s, const struct cfg_field *f,
    void *obj, const struct node *v, const struct node *map)
{
	struct node	def;

	switch (f->type) {
	case CT_NEST:
		return schema_parse(c, f->sub, AT(obj, f->off, void), v);
	case CT_LIST:
		if (v != NULL && parse_list(c, f, obj, v) == -1)
			return key_prefix(c, f->name);
		return 0;
	case CT_STRUCTS:
		return v ? parse_structs(c, f, obj, v) : 0;
	}
	/* "key:" with nothing means the default, so the printed form (which omits
	 * unset keys) reads back the same */
	if (v != NULL && f->def != NULL && node_is_null(v))
		v = NULL;
	if (v == NULL) {
		if (f->flags & CF_REQUIRED)
			return cerr(c, map, "missing key \"%s\" in %s", f->name, s->what);
		if (f->def == NULL)
			return 0;
		memset(&def, 0, sizeof(def));
		def.type = NODE_SCALAR;
		def.plain = 1;
		def.value = (char *)(uintptr_t)f->def;
		def.len = strlen(f->def);
		v = &def;
	}
	if ((f->flags & CF_REQUIRED) && node_is_null(v))
		return cerr(c, v, "%s must not be empty", f->name);
	if (parse_scalar(c, f, f->type, v, AT(obj, f->off, void)) == -1)
		return key_prefix(c, f->name);
	return 0;
}

const struct node *
map_get(const struct node *map, const char *key)
{
	size_t	i;

	if (map == NULL || map->type != NODE_MAP)
		return NULL;
	for (i = 0; i + 1 < map->nkids; i += 2)
		if (map->kids[i]->type == NODE_SCALAR && strcmp(map->kids[i]->value, key) == 0)
			return map->kids[i + 1];
	return NULL;
}

static int
unknown_key(struct ctx *c, const struct cfg_schema *s, const struct node *k)
{
	const char	*names[MAX_FIELDS], *best;
	size_t		 n;

	for (n = 0; s->fields[n].name != NULL && n < MAX_FIELDS; n++)
		names[n] = s->fields[n].name;
	if ((best = suggest(k->value, names, n)) != NULL)
		return cerr(c, k, "unknown key \"%s\" in %s (did you mean \"%s\"?)",
		    k->value, s->what, best);
	return cerr(c, k, "unknown key \"%s\" in %s", k->value, s->what);
}

/* Matches the map's keys to fields: vals[i] is the value node of field i or NULL. */
static int
match_keys(struct ctx *c, const struct cfg_schema *s, const struct node *map,
    const struct node **vals)
{
	const struct node	*k;
	size_t			 i, j;

	for (i = 0; i + 1 < map->nkids; i += 2) {
		k = map->kids[i];
		if (k->type != NODE_SCALAR)
			return cerr(c, k, "keys must be plain words, found %s", node_kind(k));
		for (j = 0; s->fields[j].name != NULL; j++)
			if (strcmp(s->fields[j].name, k->value) == 0)
				break;
		if (s->fields[j].name == NULL)
			return unknown_key(c, s, k);
		if (vals[j] != NULL)
			return cerr(c, k, "duplicate key \"%s\" in %s", k->value, s->what);
		vals[j] = map->kids[i + 1];
	}
	return 0;
}

int
schema_parse(struct ctx *c, const struct cfg_schema *s, void *obj, const struct node *map)
{
	const struct node	*vals[MAX_FIELDS], *pos = map;
	size_t			 j;

	memset(vals, 0, sizeof(vals));
	if (map != NULL && node_is_null(map))
		map = NULL;	/* "key:" with nothing: all defaults (pos keeps the place) */
	if (map != NULL && map->type != NODE_MAP)
		return cerr(c, map, "expected a map for %s, found %s", s->what,
		    node_kind(map));
	if (map != NULL && match_keys(c, s, map, vals) == -1)
		return -1;
	if (s->line_off != 0 && pos != NULL)
		*AT(obj, s->line_off, int) = pos->line;
	for (j = 0; s->fields[j].name != NULL; j++)
		if (parse_field(c, s, &s->fields[j], obj, vals[j], map ? map : pos) == -1)
			return -1;
	if (s->check != NULL && s->check(c, obj, map ? map : pos) == -1)
		return -1;
	return 0;
}

/* --- printing ------------------------------------------------------------- */

static void
print_dur(FILE *f, uint32_t v)
{
	if (v != 0 && v % 86400 == 0)
		fprintf(f, "%ud", v / 86400);
	else if (v != 0 && v % 3600 == 0)
		fprintf(f, "%uh", v / 3600);
	else if (v != 0 && v % 60 == 0)
		fprintf(f, "%um", v / 60);
	else
		fprintf(f, "%us", v);
}

static void
print_scalar(FILE *f, const struct cfg_field *fl, int type, const void *p)
{
	char	buf[PREFIX_STRLEN];

	switch (type) {
	case CT_STR: case CT_PATH: case CT_HOST: case CT_DEBUG:
		print_str(f, *(char *const *)p);
		break;
	case CT_BOOL:
		fputs(*(const int *)p ? "true" : "false", f);
		break;
	case CT_U32: case CT_ASN:
		fprintf(f, "%u", *(const uint32_t *)p);
		break;
	case CT_DUR:
		print_dur(f, *(const uint32_t *)p);
		break;
	case CT_PORT:
		fprintf(f, "%u", *(const uint16_t *)p);
		break;
	case CT_ENUM:
		fputs(fl->names[*(const int *)p], f);
		break;
	case CT_ADDR: case CT_ADDR4: {
		const struct config_addr *a = p;
		print_str(f, addr_fmt(a->af, a->addr, buf, sizeof(buf)));
		break;
	}
	case CT_PREFIX:
		print_str(f, prefix_fmt(p, buf, sizeof(buf)));
		break;
	case CT_MODE:
		fprintf(f, "%04o", (unsigned)*(const mode_t *)p);
		break;
	case CT_FACILITY:
		fputs(facility_name(*(const int *)p), f);
		break;
	case CT_DOUBLE:
		fprintf(f, "%g", *(const double *)p);
		break;
	}
}

static int
is_unset(const struct cfg_field *fl, const void *p)
{
	switch (fl->type) {
	case CT_STR: case CT_PATH: case CT_HOST: case CT_DEBUG:
		return *(char *const *)p == NULL;
	case CT_ADDR: case CT_ADDR4:
		return ((const struct config_addr *)p)->af == PREFIX_AF_NONE;
	case CT_U32: case CT_DUR: case CT_ASN:
		return (fl->flags & CF_OPT) && *(const uint32_t *)p == 0;
	case CT_PORT:
		return (fl->flags & CF_OPT) && *(const uint16_t *)p == 0;
	default:
		return 0;
	}
}

static void print_fields(FILE *, const struct cfg_schema *, const void *, int, int);

/* Prints a nested map or list item into memory first, so empty ones print as {}. */
static void
print_sub(FILE *f, const struct cfg_schema *s, const void *obj, int indent, int dash)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*m;

	if ((m = open_memstream(&buf, &len)) == NULL)
		return;
	print_fields(m, s, obj, indent, dash);
	fclose(m);
	if (len == 0) {
		if (dash)
			fprintf(f, "%*s- {}\n", indent - 2, "");
		else
			fputs(" {}\n", f);
	} else {
		if (!dash)
			fputc('\n', f);
		fwrite(buf, 1, len, f);
	}
	free(buf);
}

static void
print_field(FILE *f, const struct cfg_field *fl, const void *obj, int indent)
{
	const void	*p = CAT(obj, fl->off, void);
	size_t		 i, n;

	fprintf(f, "%s:", fl->name);
	switch (fl->type) {
	case CT_NEST:
		print_sub(f, fl->sub, p, indent + 2, 0);
		return;
	case CT_LIST:
		n = *CAT(obj, fl->cnt, size_t);
		fputs(" [", f);
		for (i = 0; i < n; i++) {
			if (i)
				fputs(", ", f);
			print_scalar(f, fl, fl->elem, *(const char *const *)p +
			    i * elem_size(fl->elem));
		}
		fputs("]\n", f);
		return;
	case CT_STRUCTS:
		n = *CAT(obj, fl->cnt, size_t);
		if (n == 0) {
			fputs(" []\n", f);
			return;
		}
		fputc('\n', f);
		for (i = 0; i < n; i++)
			print_sub(f, fl->sub, *(const char *const *)p + i * fl->sub->size,
			    indent + 4, 1);
		return;
	}
	fputc(' ', f);
	print_scalar(f, fl, fl->type, p);
	fputc('\n', f);
}

static void
print_fields(FILE *f, const struct cfg_schema *s, const void *obj, int indent, int dash)
{
	const struct cfg_field	*fl;

	for (fl = s->fields; fl->name != NULL; fl++) {
		if (fl->type != CT_NEST && fl->type != CT_LIST && fl->type != CT_STRUCTS &&
		    is_unset(fl, CAT(obj, fl->off, void)))
			continue;
		if (dash) {
			fprintf(f, "%*s- ", indent - 2, "");
			dash = 0;
		} else
			print_indent(f, indent);
		print_field(f, fl, obj, indent);
	}
}

void
schema_print(FILE *f, const struct cfg_schema *s, const void *obj, int indent)
{
	print_fields(f, s, obj, indent, 0);
}

/* --- freeing -------------------------------------------------------------- */

static void
free_scalar(int type, void *p)
{
	switch (type) {
	case CT_STR: case CT_PATH: case CT_HOST: case CT_DEBUG:
		free(*(char **)p);
		*(char **)p = NULL;
		break;
	}
}

void
schema_free(const struct cfg_schema *s, void *obj)
{
	const struct cfg_field	*fl;
	char			*arr;
	size_t			 i, n;

	for (fl = s->fields; fl->name != NULL; fl++) {
		void *p = AT(obj, fl->off, void);
		switch (fl->type) {
		case CT_NEST:
			schema_free(fl->sub, p);
			break;
		case CT_LIST:
		case CT_STRUCTS:
			arr = *(char **)p;
			n = *AT(obj, fl->cnt, size_t);
			for (i = 0; arr != NULL && i < n; i++) {
				if (fl->type == CT_LIST)
					free_scalar(fl->elem, arr + i * elem_size(fl->elem));
				else
					schema_free(fl->sub, arr + i * fl->sub->size);
			}
			free(arr);
			*(char **)p = NULL;
			*AT(obj, fl->cnt, size_t) = 0;
			break;
		default:
			free_scalar(fl->type, p);
		}
	}
}
