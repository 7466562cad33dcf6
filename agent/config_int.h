/*
 * Internals shared by the configuration parser files (config*.c, prefixes.c): the
 * YAML node tree with 1-based positions, error reporting, and the table-driven
 * schema engine that parses, defaults, prints and frees the ixwatch.yml sections.
 * Not for other modules: they use config.h and config_types.h.
 */
#ifndef IXW_CONFIG_INT_H
#define IXW_CONFIG_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "agent/config.h"
#include "agent/config_types.h"

enum node_type {
	NODE_SCALAR,
	NODE_MAP,
	NODE_SEQ,
};

/* A YAML node. Maps keep kids as key, value, key, value ... */
struct node {
	int		 type;		/* enum node_type */
	int		 line;		/* 1-based */
	int		 col;		/* 1-based */
	int		 plain;		/* scalar written without quotes */
	char		*value;		/* scalar text (NUL-terminated) */
	size_t		 len;
	struct node	**kids;
	size_t		 nkids;
	size_t		 cap;
};

/* Parsing context: one per file. The first error wins. */
struct ctx {
	struct config_error	*err;
	const char		*file;		/* as shown in messages */
	const char		*dir;		/* absolute base for relative paths */
	struct config		*cfg;
};

/* Records "msg" at node n (or no position with n NULL); always returns -1. */
int	 cerr(struct ctx *, const struct node *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* Parses one YAML document from memory into a tree; NULL with the error set. */
struct node *node_load(struct ctx *, const char *buf, size_t len);
void	 node_free(struct node *);
int	 node_is_null(const struct node *);
const char *node_kind(const struct node *);
/* Reads a whole file (bounded size); NULL with the error set. */
char	*file_slurp(struct ctx *, const char *path, size_t *len);

/* Scalar converters shared by both files; each returns 0 or -1 with the error set. */
int	 parse_asn(struct ctx *, const struct node *, uint32_t *);
int	 parse_asn_text(const char *, uint32_t *);
int	 parse_u32(struct ctx *, const struct node *, int64_t min, int64_t max, uint32_t *);
int	 parse_bool(struct ctx *, const struct node *, int *);
int	 parse_prefix(struct ctx *, const struct node *, struct prefix *);
int	 parse_str(struct ctx *, const struct node *, char **);
char	*resolve_path(const char *dir, const char *path);
int	 u32_cmp(const void *, const void *);
/* Sort and refuse duplicates: returns the index of a duplicate or -1. */
long	 u32_sort_unique(uint32_t *, size_t);

/* Did-you-mean: the closest of names (NULL-terminated array of cfg_field or strings). */
const char *suggest(const char *key, const char *const *names, size_t n);

/* printing helpers */
void	 print_str(FILE *, const char *);
void	 print_indent(FILE *, int);
char	*fmt_asn(uint32_t, char *, size_t);

/* --- schema engine --------------------------------------------------------- */

enum cfg_type {
	CT_STR,		/* char *; empty/null: NULL */
	CT_PATH,	/* char *, relative paths resolved against the config dir */
	CT_HOST,	/* char *: an IP address or a DNS name */
	CT_BOOL,	/* int */
	CT_U32,		/* uint32_t in [min, max] */
	CT_DUR,		/* uint32_t seconds: "30s", "5m", "1h", "1d" or an integer */
	CT_PORT,	/* uint16_t 1..65535 */
	CT_ASN,		/* uint32_t, "65000", "AS65000", asdot "1.10" */
	CT_ENUM,	/* int index into names */
	CT_ADDR,	/* struct config_addr */
	CT_ADDR4,	/* struct config_addr, IPv4 only (router ids) */
	CT_PREFIX,	/* struct prefix, host bits must be zero */
	CT_MODE,	/* mode_t, octal */
	CT_FACILITY,	/* int LOG_* facility */
	CT_DEBUG,	/* char *: comma-joined log subsystems (string or list) */
	CT_DOUBLE,	/* double in [min, max] */
	CT_NEST,	/* a map: sub-schema on the same object at off */
	CT_LIST,	/* array of elem (a scalar type): pointer at off, size_t at cnt */
	CT_STRUCTS,	/* array of sub-schema objects: pointer at off, size_t at cnt */
};

#define CF_REQUIRED	0x01
#define CF_SECRET	0x02	/* printed, but documented as secret */
#define CF_OPT		0x04	/* numeric: 0 means unset and is not printed */

struct cfg_schema;

struct cfg_field {
	const char		*name;
	uint8_t			 type;		/* enum cfg_type */
	uint8_t			 elem;		/* CT_LIST element type */
	uint8_t			 flags;
	size_t			 off;
	size_t			 cnt;
	int64_t			 min;
	int64_t			 max;
	const char		*def;		/* default in file syntax; NULL: none */
	const struct cfg_schema	*sub;
	const char *const	*names;		/* CT_ENUM, NULL-terminated */
};

struct cfg_schema {
	const char		*what;		/* "bgp neighbor", for messages */
	size_t			 size;		/* of one object (CT_STRUCTS) */
	const struct cfg_field	*fields;
	/* after the fields: cross-field checks and derived defaults */
	int			(*check)(struct ctx *, void *obj, const struct node *map);
	size_t			 line_off;	/* offset of an int line member, or 0 */
};

int	 schema_parse(struct ctx *, const struct cfg_schema *, void *obj, const struct node *);
void	 schema_print(FILE *, const struct cfg_schema *, const void *obj, int indent);
void	 schema_free(const struct cfg_schema *, void *obj);
/* Finds the value node of key in map (NULL if absent or map is not a map). */
const struct node *map_get(const struct node *map, const char *key);

/* relationships: shared by ixwatch.yml detection and prefixes.yml options.ixwatch */
extern const struct cfg_schema config_rel_schema;
int	 config_rel_sort(struct ctx *, struct config_relationship *, size_t,
	    const struct node *list);

/* prefixes.yml */
/* at: the prefixes-file value in ixwatch.yml, where open errors are reported */
int	 prefixes_load(struct ctx *, struct config_prefixes *, const char *path,
	    const struct node *at);
int	 prefixes_load_mem(struct ctx *, struct config_prefixes *, const char *buf, size_t len);
void	 prefixes_free(struct config_prefixes *);
int	 prefixes_print(FILE *, const struct config_prefixes *);

#endif /* IXW_CONFIG_INT_H */
