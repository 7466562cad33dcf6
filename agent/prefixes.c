/*
 * prefixes.yml: the monitored prefixes and ASes, in BGPalerter's format (top-level
 * keys are prefixes with description, asn, ignoreMorespecifics, ignore, group,
 * includeMonitors/excludeMonitors and path rules; options.monitorASns), plus the
 * ixwatch extensions under a per-prefix "ixwatch:" map and "options.ixwatch:".
 * Loaded into arrays sorted for lookup; path regexes are compiled (POSIX ERE) here.
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "agent/config_int.h"

#define OFF(type, m)	offsetof(struct type, m)
#define END		{ .name = NULL }

/* A prefix entry while parsing: the fields that fold into flags live outside p. */
struct pfx_parse {
	struct config_prefix	 p;
	int			 ignore_ms;
	int			 ignore;
	int			 no_export;
	int			 severity;	/* index into sev_names: 0 is "default" */
	char			**disable;
	size_t			 ndisable;
};

static const char *const sev_names[] = { "default", "critical", "error", "warning",
    "notice", "info", NULL };

/* BGPalerter's default monitor names (config.yml) and the ixwatch rules they cover. */
static const struct {
	const char	*name;
	uint32_t	 rules;
} monitors[] = {
	{ "basic-hijack-detection", 1u << CONFIG_RULE_HIJACK |
	    1u << CONFIG_RULE_SUBPREFIX_HIJACK | 1u << CONFIG_RULE_SQUATTING },
	{ "prefix-detection", 1u << CONFIG_RULE_NEW_PREFIX },
	{ "path-matching", 1u << CONFIG_RULE_PATH },
	{ "path-neighbors", 1u << CONFIG_RULE_NEW_NEIGHBOR },
	{ "withdrawal-detection", 1u << CONFIG_RULE_VISIBILITY },
	{ "rpki-monitor", 1u << CONFIG_RULE_RPKI_INVALID | 1u << CONFIG_RULE_RPKI_NOT_FOUND },
	{ "rpki-diff", 1u << CONFIG_RULE_ROA_CHANGE },
	{ "asn-monitor", 1u << CONFIG_RULE_NEW_PREFIX },
};
#define NMONITORS	(sizeof(monitors) / sizeof(monitors[0]))

static int check_path(struct ctx *, void *, const struct node *);
static int check_entry(struct ctx *, void *, const struct node *);
static int check_monitor(struct ctx *, void *, const struct node *);

#define PR(m)	OFF(config_path_rule, m)
static const struct cfg_field path_fields[] = {
	{ "match", CT_STR, 0, 0, PR(match), 0, 0, 0, NULL, NULL, NULL },
	{ "notMatch", CT_STR, 0, 0, PR(not_match), 0, 0, 0, NULL, NULL, NULL },
	{ "matchDescription", CT_STR, 0, 0, PR(description), 0, 0, 0, NULL, NULL, NULL },
	{ "minLength", CT_U32, 0, CF_OPT, PR(min_length), 0, 0, 1000, NULL, NULL, NULL },
	{ "maxLength", CT_U32, 0, CF_OPT, PR(max_length), 0, 0, 1000, NULL, NULL, NULL },
	END
};
static const struct cfg_schema path_schema = { "path rule",
    sizeof(struct config_path_rule), path_fields, check_path, PR(line) };

#define PP(m)	OFF(pfx_parse, m)
static const struct cfg_field ext_fields[] = {
	{ "upstreams", CT_LIST, CT_ASN, 0, PP(p.upstreams), PP(p.nupstreams), 0, 0, NULL,
	    NULL, NULL },
	{ "max-prepend", CT_U32, 0, 0, PP(p.max_prepend), 0, 0, 255, "0", NULL, NULL },
	{ "no-export", CT_BOOL, 0, 0, PP(no_export), 0, 0, 0, "false", NULL, NULL },
	{ "min-sources", CT_U32, 0, 0, PP(p.min_sources), 0, 0, 1000, "0", NULL, NULL },
	{ "severity", CT_ENUM, 0, 0, PP(severity), 0, 0, 0, "default", NULL, sev_names },
	{ "disable", CT_LIST, CT_STR, 0, PP(disable), PP(ndisable), 0, 0, NULL, NULL,
	    NULL },
	END
};
static const struct cfg_schema ext_schema = { "ixwatch prefix options", 0, ext_fields,
    NULL, 0 };

static const struct cfg_field entry_fields[] = {
	{ "description", CT_STR, 0, 0, PP(p.description), 0, 0, 0, NULL, NULL, NULL },
	{ "asn", CT_LIST, CT_ASN, 0, PP(p.asns), PP(p.nasns), 0, 0, NULL, NULL, NULL },
	{ "ignoreMorespecifics", CT_BOOL, 0, 0, PP(ignore_ms), 0, 0, 0, "false", NULL,
	    NULL },
	{ "ignore", CT_BOOL, 0, 0, PP(ignore), 0, 0, 0, "false", NULL, NULL },
	{ "group", CT_LIST, CT_STR, 0, PP(p.groups), PP(p.ngroups), 0, 0, NULL, NULL,
	    NULL },
	{ "includeMonitors", CT_LIST, CT_STR, 0, PP(p.include_monitors),
	    PP(p.ninclude_monitors), 0, 0, NULL, NULL, NULL },
	{ "excludeMonitors", CT_LIST, CT_STR, 0, PP(p.exclude_monitors),
	    PP(p.nexclude_monitors), 0, 0, NULL, NULL, NULL },
	{ "path", CT_STRUCTS, 0, 0, PP(p.paths), PP(p.npaths), 0, 0, NULL, &path_schema,
	    NULL },
	{ "ixwatch", CT_NEST, 0, 0, 0, 0, 0, 0, NULL, &ext_schema, NULL },
	END
};
static const struct cfg_schema entry_schema = { "prefix", sizeof(struct pfx_parse),
    entry_fields, check_entry, 0 };

#define MA(m)	OFF(config_monitor_as, m)
static const struct cfg_field monitor_fields[] = {
	{ "group", CT_LIST, CT_STR, 0, MA(groups), MA(ngroups), 0, 0, NULL, NULL, NULL },
	{ "upstreams", CT_LIST, CT_ASN, 0, MA(upstreams), MA(nupstreams), 0, 0, NULL,
	    NULL, NULL },
	{ "downstreams", CT_LIST, CT_ASN, 0, MA(downstreams), MA(ndownstreams), 0, 0,
	    NULL, NULL, NULL },
	END
};
static const struct cfg_schema monitor_schema = { "monitored AS",
    sizeof(struct config_monitor_as), monitor_fields, check_monitor, 0 };

static const struct cfg_field optix_fields[] = {
	{ "relationships", CT_STRUCTS, 0, 0, OFF(config_prefixes, relationships),
	    OFF(config_prefixes, nrelationships), 0, 0, NULL, &config_rel_schema, NULL },
	END
};
static const struct cfg_schema optix_schema = { "options.ixwatch", 0, optix_fields,
    NULL, 0 };

/*
 * How many nodes compiling ERE re may make, roughly: glibc copies an atom for
 * each repetition (x+ is xx*, x{3} is xxx), so stacked ones multiply: "a++++..."
 * or "((a{99}){99}){99}" take gigabytes in regcomp (found by fuzz_config). Path
 * rules are short; anything past REGEX_MAX_COST is refused. -1: too deep.
 */
#define REGEX_MAX_COST	20000
#define REGEX_MAX_DEPTH	32

static uint64_t
regex_cost(const char *re)
{
	uint64_t	 total[REGEX_MAX_DEPTH], last[REGEX_MAX_DEPTH], k, m, n;
	unsigned	 d = 0;
	const char	*p = re;

	total[0] = last[0] = 0;
	while (*p != '\0') {
		switch (*p) {
		case '(':
			if (++d == REGEX_MAX_DEPTH)
				return UINT64_MAX;
			total[d] = last[d] = 0;
			p++;
			continue;
		case ')':
			if (d == 0) {	/* regcomp says what is wrong */
				p++;
				continue;
			}
			k = total[d] > 0 ? total[d] : 1;
			d--;
			total[d] += k;
			last[d] = k;
			p++;
			break;
		case '|':
			last[d] = 0;
			p++;
			continue;
		case '*':
		case '?':
			total[d] += last[d];
			p++;
			break;
		case '+':
			total[d] += last[d];
			last[d] *= 2;
			p++;
			break;
		case '{':
			/* {m}, {m,} or {m,n}: up to max(m, n) + 1 copies */
			m = n = 0;
			for (p++; *p >= '0' && *p <= '9'; p++)
				if (m <= REGEX_MAX_COST)
					m = m * 10 + (uint64_t)(*p - '0');
			if (*p == ',') {
				for (p++; *p >= '0' && *p <= '9'; p++)
					if (n <= REGEX_MAX_COST)
						n = n * 10 + (uint64_t)(*p - '0');
			}
			k = (n > m ? n : m) + 1;
			total[d] += last[d] * k;
			last[d] *= k;
			while (*p != '\0' && *p != '}')
				p++;
			if (*p == '}')
				p++;
			break;
		case '[':
			/* a bracket expression is one atom: skip to its ] */
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p != '\0' && *p != ']')
				p++;
			if (*p == ']')
				p++;
			total[d]++;
			last[d] = 1;
			break;
		case '\\':
			if (p[1] != '\0')
				p++;
			/* FALLTHROUGH */
		default:
			total[d]++;
			last[d] = 1;
			p++;
			break;
		}
		if (total[d] > REGEX_MAX_COST || last[d] > REGEX_MAX_COST)
			return UINT64_MAX;
	}
	return total[0];
}

static int
regex_compile(struct ctx *c, const struct node *n, const char *re, regex_t *out)
{
	char	msg[128];
	int	rc;

	if (regex_cost(re) > REGEX_MAX_COST)
		return cerr(c, n, "regular expression \"%.60s%s\" is too complex (its "
		    "repetitions expand past %d nodes)", re, strlen(re) > 60 ? "..." : "",
		    REGEX_MAX_COST);
	if ((rc = regcomp(out, re, REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(rc, out, msg, sizeof(msg));
		return cerr(c, n, "invalid regular expression \"%s\": %s", re, msg);
	}
	return 0;
}

static int
check_path(struct ctx *c, void *obj, const struct node *map)
{
	struct config_path_rule	*r = obj;

	if (r->match == NULL && r->not_match == NULL && r->min_length == 0 &&
	    r->max_length == 0)
		return cerr(c, map, "path rule without match, notMatch, minLength or "
		    "maxLength");
	if (r->min_length != 0 && r->max_length != 0 && r->min_length > r->max_length)
		return cerr(c, map_get(map, "minLength"), "minLength %u is greater than "
		    "maxLength %u", r->min_length, r->max_length);
	if (r->match != NULL) {
		if (regex_compile(c, map_get(map, "match"), r->match, &r->match_re) == -1)
			return -1;
		r->compiled |= 1;
	}
	if (r->not_match != NULL) {
		if (regex_compile(c, map_get(map, "notMatch"), r->not_match,
		    &r->not_match_re) == -1)
			return -1;
		r->compiled |= 2;
	}
	return 0;
}

/* Rules named by a monitor list entry: a BGPalerter monitor or an ixwatch rule. */
static uint32_t
monitor_rules(const char *name)
{
	size_t	i;
	int	rule;

	for (i = 0; i < NMONITORS; i++)
		if (strcmp(monitors[i].name, name) == 0)
			return monitors[i].rules;
	if ((rule = config_rule_lookup(name)) != -1)
		return 1u << rule;
	return 0;
}

static int
check_monitor_names(struct ctx *c, const struct node *map, const char *key,
    char **names, size_t n)
{
	const struct node	*l = map_get(map, key);
	size_t			 i;

	for (i = 0; i < n; i++)
		if (monitor_rules(names[i]) == 0)
			return cerr(c, l && l->type == NODE_SEQ && i < l->nkids ?
			    l->kids[i] : l, "%s: unknown monitor \"%s\" (a BGPalerter "
			    "monitor such as basic-hijack-detection, or an ixwatch rule "
			    "such as hijack)", key, names[i]);
	return 0;
}

static int
check_entry(struct ctx *c, void *obj, const struct node *map)
{
	struct pfx_parse	*w = obj;
	size_t			 i;
	int			 rule;
	long			 dup;

	if (map_get(map, "asn") == NULL)
		return cerr(c, map, "missing key \"asn\" (the allowed origin ASes; "
		    "asn: [] when no AS may originate the prefix)");
	if ((dup = u32_sort_unique(w->p.asns, w->p.nasns)) != -1)
		return cerr(c, map_get(map, "asn"), "AS%u listed twice in asn",
		    w->p.asns[dup]);
	if ((dup = u32_sort_unique(w->p.upstreams, w->p.nupstreams)) != -1)
		return cerr(c, map_get(map_get(map, "ixwatch"), "upstreams"),
		    "AS%u listed twice in upstreams", w->p.upstreams[dup]);
	if (w->p.ninclude_monitors && w->p.nexclude_monitors)
		return cerr(c, map_get(map, "excludeMonitors"), "includeMonitors and "
		    "excludeMonitors cannot be used together");
	if (check_monitor_names(c, map, "includeMonitors", w->p.include_monitors,
	    w->p.ninclude_monitors) == -1 || check_monitor_names(c, map,
	    "excludeMonitors", w->p.exclude_monitors, w->p.nexclude_monitors) == -1)
		return -1;
	w->p.flags = (w->ignore_ms ? CONFIG_PFX_IGNORE_MORESPECIFICS : 0) |
	    (w->ignore ? CONFIG_PFX_IGNORE : 0) | (w->no_export ? CONFIG_PFX_NO_EXPORT : 0);
	w->p.severity = w->severity - 1;
	for (i = 0; i < w->ndisable; i++) {
		if ((rule = config_rule_lookup(w->disable[i])) == -1) {
			const struct node *l = map_get(map_get(map, "ixwatch"), "disable");
			return cerr(c, l && l->type == NODE_SEQ && i < l->nkids ?
			    l->kids[i] : l, "unknown rule \"%s\" in disable", w->disable[i]);
		}
		w->p.disabled_rules |= 1u << rule;
	}
	if (w->p.ngroups == 0) {
		if ((w->p.groups = calloc(1, sizeof(char *))) == NULL ||
		    (w->p.groups[0] = strdup("default")) == NULL)
			return cerr(c, map, "out of memory");
		w->p.ngroups = 1;
	}
	return 0;
}

static int
check_monitor(struct ctx *c, void *obj, const struct node *map)
{
	struct config_monitor_as	*m = obj;
	long				 dup;

	m->has_upstreams = map_get(map, "upstreams") != NULL;
	m->has_downstreams = map_get(map, "downstreams") != NULL;
	if ((dup = u32_sort_unique(m->upstreams, m->nupstreams)) != -1)
		return cerr(c, map_get(map, "upstreams"), "AS%u listed twice in upstreams",
		    m->upstreams[dup]);
	if ((dup = u32_sort_unique(m->downstreams, m->ndownstreams)) != -1)
		return cerr(c, map_get(map, "downstreams"), "AS%u listed twice in "
		    "downstreams", m->downstreams[dup]);
	if (m->ngroups == 0) {
		if ((m->groups = calloc(1, sizeof(char *))) == NULL ||
		    (m->groups[0] = strdup("default")) == NULL)
			return cerr(c, map, "out of memory");
		m->ngroups = 1;
	}
	return 0;
}

static void
entry_free(struct config_prefix *p)
{
	struct pfx_parse	w;
	size_t			i;

	memset(&w, 0, sizeof(w));
	w.p = *p;
	for (i = 0; w.p.paths != NULL && i < w.p.npaths; i++) {
		if (w.p.paths[i].compiled & 1)
			regfree(&w.p.paths[i].match_re);
		if (w.p.paths[i].compiled & 2)
			regfree(&w.p.paths[i].not_match_re);
	}
	schema_free(&entry_schema, &w);
	memset(p, 0, sizeof(*p));
}

/* BGPalerter allows "path:" to be one map; the schema wants a list. */
static int
wrap_path(struct ctx *c, struct node *map)
{
	struct node	*seq, **slot = NULL;
	size_t		 i;

	for (i = 0; map->type == NODE_MAP && i + 1 < map->nkids; i += 2)
		if (map->kids[i]->type == NODE_SCALAR &&
		    strcmp(map->kids[i]->value, "path") == 0)
			slot = &map->kids[i + 1];
	if (slot == NULL || (*slot)->type != NODE_MAP)
		return 0;
	if ((seq = calloc(1, sizeof(*seq))) == NULL ||
	    (seq->kids = calloc(1, sizeof(*seq->kids))) == NULL) {
		free(seq);
		return cerr(c, *slot, "out of memory");
	}
	seq->type = NODE_SEQ;
	seq->line = (*slot)->line;
	seq->col = (*slot)->col;
	seq->kids[0] = *slot;
	seq->nkids = seq->cap = 1;
	*slot = seq;
	return 0;
}

static int
parse_entry(struct ctx *c, struct config_prefixes *px, struct node *key,
    struct node *val)
{
	struct pfx_parse	 w;
	struct prefix		 pfx;
	size_t			 i;

	if (parse_prefix(c, key, &pfx) == -1)
		return -1;
	if (wrap_path(c, val) == -1)
		return -1;
	memset(&w, 0, sizeof(w));
	w.p.prefix = pfx;
	w.p.line = key->line;
	w.p.col = key->col;
	if (schema_parse(c, &entry_schema, &w, val) == -1) {
		for (i = 0; i < w.ndisable; i++)
			free(w.disable[i]);
		free(w.disable);
		w.disable = NULL;
		w.ndisable = 0;
		entry_free(&w.p);
		return -1;
	}
	for (i = 0; i < w.ndisable; i++)
		free(w.disable[i]);
	free(w.disable);
	px->prefixes[px->nprefixes++] = w.p;
	return 0;
}

static int
parse_monitor_asns(struct ctx *c, struct config_prefixes *px, const struct node *map)
{
	struct config_monitor_as	*m;
	size_t				 i;

	if (node_is_null(map))
		return 0;
	if (map->type != NODE_MAP)
		return cerr(c, map, "expected a map of AS numbers for monitorASns, found %s",
		    node_kind(map));
	if ((px->asns = calloc(map->nkids / 2 + 1, sizeof(*px->asns))) == NULL)
		return cerr(c, map, "out of memory");
	for (i = 0; i + 1 < map->nkids; i += 2) {
		m = &px->asns[px->nasns++];
		m->line = map->kids[i]->line;
		m->col = map->kids[i]->col;
		if (parse_asn(c, map->kids[i], &m->asn) == -1 ||
		    schema_parse(c, &monitor_schema, m, map->kids[i + 1]) == -1)
			return -1;
	}
	return 0;
}

static int
parse_options(struct ctx *c, struct config_prefixes *px, const struct node *map)
{
	static const char *const names[] = { "monitorASns", "ixwatch" };
	const struct node	*k, *seen[2] = { NULL, NULL };
	const char		*best;
	size_t			 i, j;

	if (node_is_null(map))
		return 0;
	if (map->type != NODE_MAP)
		return cerr(c, map, "expected a map for options, found %s", node_kind(map));
	for (i = 0; i + 1 < map->nkids; i += 2) {
		k = map->kids[i];
		for (j = 0; j < 2; j++)
			if (k->type == NODE_SCALAR && strcmp(k->value, names[j]) == 0)
				break;
		if (j == 2) {
			if (k->type != NODE_SCALAR)
				return cerr(c, k, "keys must be plain words, found %s",
				    node_kind(k));
			if ((best = suggest(k->value, names, 2)) != NULL)
				return cerr(c, k, "unknown key \"%s\" in options (did you "
				    "mean \"%s\"?)", k->value, best);
			return cerr(c, k, "unknown key \"%s\" in options", k->value);
		}
		if (seen[j] != NULL)
			return cerr(c, k, "duplicate key \"%s\" in options", names[j]);
		seen[j] = map->kids[i + 1];
	}
	if (seen[0] != NULL && parse_monitor_asns(c, px, seen[0]) == -1)
		return -1;
	if (schema_parse(c, &optix_schema, px, seen[1]) == -1)
		return -1;
	return config_rel_sort(c, px->relationships, px->nrelationships,
	    map_get(seen[1], "relationships"));
}

static int
pfx_cmp(const void *a, const void *b)
{
	const struct config_prefix *x = a, *y = b;
	int r = prefix_cmp(&x->prefix, &y->prefix);

	if (r != 0)
		return r;
	return x->line != y->line ? (x->line < y->line ? -1 : 1) :
	    (x->col < y->col ? -1 : x->col > y->col);
}

static int
mas_cmp(const void *a, const void *b)
{
	const struct config_monitor_as *x = a, *y = b;

	if (x->asn != y->asn)
		return x->asn < y->asn ? -1 : 1;
	return x->line != y->line ? (x->line < y->line ? -1 : 1) :
	    (x->col < y->col ? -1 : x->col > y->col);
}

static int
sort_and_check(struct ctx *c, struct config_prefixes *px)
{
	char	buf[PREFIX_STRLEN];
	size_t	i;

	if (px->nprefixes > 1)
		qsort(px->prefixes, px->nprefixes, sizeof(*px->prefixes), pfx_cmp);
	for (i = 1; i < px->nprefixes; i++)
		if (prefix_eq(&px->prefixes[i].prefix, &px->prefixes[i - 1].prefix)) {
			struct node at = { .line = px->prefixes[i].line,
			    .col = px->prefixes[i].col };
			return cerr(c, &at, "duplicate prefix %s (first at line %d)",
			    prefix_fmt(&px->prefixes[i].prefix, buf, sizeof(buf)),
			    px->prefixes[i - 1].line);
		}
	if (px->nasns > 1)
		qsort(px->asns, px->nasns, sizeof(*px->asns), mas_cmp);
	for (i = 1; i < px->nasns; i++)
		if (px->asns[i].asn == px->asns[i - 1].asn) {
			struct node at = { .line = px->asns[i].line, .col = px->asns[i].col };
			return cerr(c, &at, "AS%u listed twice in monitorASns (first at line "
			    "%d)", px->asns[i].asn, px->asns[i - 1].line);
		}
	return 0;
}

static int
parse_root(struct ctx *c, struct config_prefixes *px, struct node *root)
{
	const struct node	*options = NULL;
	size_t			 i;

	if (node_is_null(root))
		return 0;
	if (root->type != NODE_MAP)
		return cerr(c, root, "expected a map of prefixes, found %s",
		    node_kind(root));
	if ((px->prefixes = calloc(root->nkids / 2 + 1, sizeof(*px->prefixes))) == NULL)
		return cerr(c, root, "out of memory");
	for (i = 0; i + 1 < root->nkids; i += 2) {
		struct node *k = root->kids[i];
		if (k->type == NODE_SCALAR && strcmp(k->value, "options") == 0) {
			if (options != NULL)
				return cerr(c, k, "duplicate key \"options\"");
			options = root->kids[i + 1];
			continue;
		}
		if (k->type != NODE_SCALAR)
			return cerr(c, k, "expected a prefix as key, found %s", node_kind(k));
		if (strchr(k->value, '/') == NULL)
			return cerr(c, k, "\"%s\" is neither a prefix nor \"options\"",
			    k->value);
		if (parse_entry(c, px, k, root->kids[i + 1]) == -1)
			return -1;
	}
	if (options != NULL && parse_options(c, px, options) == -1)
		return -1;
	return sort_and_check(c, px);
}

int
prefixes_load_mem(struct ctx *parent, struct config_prefixes *px, const char *buf,
    size_t len)
{
	struct ctx	 c = *parent;
	struct node	*root;
	int		 rc;

	c.file = px->file;
	if ((root = node_load(&c, buf, len)) == NULL)
		return -1;
	rc = parse_root(&c, px, root);
	node_free(root);
	return rc;
}

int
prefixes_load(struct ctx *parent, struct config_prefixes *px, const char *path,
    const struct node *at)
{
	struct config_error	 err;
	struct ctx		 c = *parent;
	char			*buf;
	size_t			 len;
	int			 rc;

	/* an unreadable file is reported where ixwatch.yml names it */
	memset(&err, 0, sizeof(err));
	c.err = &err;
	c.file = path;
	if ((buf = file_slurp(&c, path, &len)) == NULL)
		return cerr(parent, at, "prefixes-file \"%s\": %s", path, err.msg);
	rc = prefixes_load_mem(parent, px, buf, len);
	free(buf);
	return rc;
}

void
prefixes_free(struct config_prefixes *px)
{
	size_t	i;

	for (i = 0; px->prefixes != NULL && i < px->nprefixes; i++)
		entry_free(&px->prefixes[i]);
	free(px->prefixes);
	px->prefixes = NULL;
	px->nprefixes = 0;
	for (i = 0; px->asns != NULL && i < px->nasns; i++)
		schema_free(&monitor_schema, &px->asns[i]);
	free(px->asns);
	px->asns = NULL;
	px->nasns = 0;
	schema_free(&optix_schema, px);
}

/* --- printing ------------------------------------------------------------- */

static int
print_entry(FILE *f, const struct config_prefix *p)
{
	struct pfx_parse	 w;
	char			 buf[PREFIX_STRLEN];
	char			*names[CONFIG_RULE_COUNT];
	int			 i;

	memset(&w, 0, sizeof(w));
	w.p = *p;
	w.ignore_ms = (p->flags & CONFIG_PFX_IGNORE_MORESPECIFICS) != 0;
	w.ignore = (p->flags & CONFIG_PFX_IGNORE) != 0;
	w.no_export = (p->flags & CONFIG_PFX_NO_EXPORT) != 0;
	w.severity = p->severity + 1;
	for (i = 0; i < CONFIG_RULE_COUNT; i++)
		if (p->disabled_rules & (1u << i))
			names[w.ndisable++] = (char *)(uintptr_t)config_rule_name(i);
	w.disable = names;
	print_str(f, prefix_fmt(&p->prefix, buf, sizeof(buf)));
	fputs(":\n", f);
	schema_print(f, &entry_schema, &w, 2);
	return 0;
}

int
prefixes_print(FILE *f, const struct config_prefixes *px)
{
	size_t	i;

	fputs("# monitored prefixes, normalized (BGPalerter format + ixwatch keys)\n", f);
	for (i = 0; i < px->nprefixes; i++)
		print_entry(f, &px->prefixes[i]);
	fputs("options:\n  monitorASns:", f);
	if (px->nasns == 0)
		fputs(" {}\n", f);
	else
		fputc('\n', f);
	for (i = 0; i < px->nasns; i++) {
		fprintf(f, "    \"%u\":\n", px->asns[i].asn);
		schema_print(f, &monitor_schema, &px->asns[i], 6);
	}
	fputs("  ixwatch:\n", f);
	schema_print(f, &optix_schema, px, 4);
	fflush(f);
	return ferror(f) ? -1 : 0;
}

int
config_prefix_rule_enabled(const struct config_prefix *p, int rule)
{
	uint32_t	bit = 1u << rule, inc = 0;
	size_t		i;

	if ((p->flags & CONFIG_PFX_IGNORE) || (p->disabled_rules & bit))
		return 0;
	for (i = 0; i < p->nexclude_monitors; i++)
		if (monitor_rules(p->exclude_monitors[i]) & bit)
			return 0;
	if (p->ninclude_monitors == 0)
		return 1;
	for (i = 0; i < p->ninclude_monitors; i++)
		inc |= monitor_rules(p->include_monitors[i]);
	return (inc & bit) != 0;
}

int
config_print_prefixes(FILE *f, const struct config *cfg)
{
	return prefixes_print(f, &cfg->pfx);
}
