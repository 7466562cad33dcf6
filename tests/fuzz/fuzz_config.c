/*
 * libFuzzer target for the configuration parser: the input is loaded as ixwatch.yml
 * (from memory) and as a prefixes.yml; a config that loads is printed, loaded again
 * and printed again, and the two printouts must be identical (the -nv promise);
 * the same for the normalized prefixes.yml.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/config.h"
#include "agent/config_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char *
print_mem(const struct config *cfg, size_t *len)
{
	char	*buf = NULL;
	FILE	*f = open_memstream(&buf, len);

	if (f == NULL)
		abort();
	config_print(f, cfg);
	fclose(f);
	return buf;
}

static void
roundtrip(const struct config *cfg)
{
	struct config_error	 err;
	struct config		*again;
	char			*a, *b;
	size_t			 la, lb;

	a = print_mem(cfg, &la);
	if ((again = config_load_mem(a, la, "/nonexistent/fuzz.yml", &err)) == NULL) {
		fprintf(stderr, "normalized config does not load: %s:%d:%d: %s\n%s",
		    err.file, err.line, err.col, err.msg, a);
		abort();
	}
	b = print_mem(again, &lb);
	if (la != lb || memcmp(a, b, la) != 0) {
		fprintf(stderr, "print -> load -> print differs:\n%s\n----\n%s", a, b);
		abort();
	}
	free(a);
	free(b);
	config_free(again);
}

static char *
print_prefixes(const struct config_prefixes *px, size_t *len)
{
	char	*buf = NULL;
	FILE	*f = open_memstream(&buf, len);

	if (f == NULL)
		abort();
	prefixes_print(f, px);
	fclose(f);
	return buf;
}

/* The normalized prefixes.yml must load and print identically too. */
static void
prefixes_roundtrip(const struct config_prefixes *px)
{
	struct config_error	 err;
	struct config_prefixes	 again;
	struct ctx		 c;
	char			*a, *b;
	size_t			 la, lb;

	a = print_prefixes(px, &la);
	memset(&again, 0, sizeof(again));
	memset(&c, 0, sizeof(c));
	memset(&err, 0, sizeof(err));
	c.err = &err;
	c.dir = "/nonexistent";
	again.file = (char *)(uintptr_t)"normalized-prefixes.yml";
	c.file = again.file;
	if (prefixes_load_mem(&c, &again, a, la) == -1) {
		fprintf(stderr, "normalized prefixes do not load: %d:%d: %s\n%s",
		    err.line, err.col, err.msg, a);
		abort();
	}
	b = print_prefixes(&again, &lb);
	if (la != lb || memcmp(a, b, la) != 0) {
		fprintf(stderr, "prefixes print -> load -> print differs:\n%s\n----\n%s",
		    a, b);
		abort();
	}
	again.file = NULL;
	prefixes_free(&again);
	free(a);
	free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_error	 err;
	struct config		*cfg;
	struct config_prefixes	 px;
	struct ctx		 c;

	/* a base directory that does not exist: no prefixes-file on disk is read */
	cfg = config_load_mem((const char *)data, size, "/nonexistent/fuzz.yml", &err);
	if (cfg != NULL && cfg->pfx.file == NULL)
		roundtrip(cfg);
	config_free(cfg);

	memset(&px, 0, sizeof(px));
	memset(&c, 0, sizeof(c));
	memset(&err, 0, sizeof(err));
	c.err = &err;
	c.dir = "/nonexistent";
	px.file = (char *)(uintptr_t)"fuzz-prefixes.yml";
	c.file = px.file;
	if (prefixes_load_mem(&c, &px, (const char *)data, size) == 0)
		prefixes_roundtrip(&px);
	px.file = NULL;
	prefixes_free(&px);
	return 0;
}
