/*
 * The JSON VRP loader: rpki-client (old per-AFI and new "aspas" ASPA forms), StayRTR
 * and bare-list shapes, the strict tokenizer's errors with line:column, expiry, and
 * the delta between two loads. Reads the real files in shared data when present.
 */
#include <stdio.h>

#include "rtr/rtr_json.h"
#include "tests/unit/ut.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f;
	char *b;
	long n;

	if (path == NULL || (f = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	if (b == NULL || fread(b, 1, (size_t)n, f) != (size_t)n)
		ut_fail(__FILE__, __LINE__, "read %s", path);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static int
parse(const char *js, struct rtr_vrpset *o, char *err)
{
	return rtr_json_parse(js, strlen(js), 0, o, err, 128);
}

static const char *
vfmt(const struct rtr_vrp *v)
{
	static char buf[128];
	char p[PREFIX_STRLEN];

	snprintf(buf, sizeof(buf), "%s-%u AS%u", prefix_fmt(&v->prefix, p, sizeof(p)),
	    v->maxlen, v->asn);
	return buf;
}

static void
rpki_client_old_aspa(void)
{
	struct rtr_vrpset o;
	char err[128];
	const char *js = "{\"metadata\":{\"buildtime\":\"x\",\"talfiles\":[\"a\",\"b\"]},\n"
	    "\"roas\":[{\"asn\":13335,\"prefix\":\"1.0.0.0/24\",\"maxLength\":24,\"ta\":\"apnic\","
	    "\"expires\":1827568318},\n"
	    "{\"asn\":38803,\"prefix\":\"1.0.4.0/22\",\"maxLength\":22,\"ta\":\"apnic\"},\n"
	    "{\"asn\":1103,\"prefix\":\"2001:610::/32\",\"maxLength\":48},\n"
	    "{\"asn\":13335,\"prefix\":\"1.0.0.0/24\",\"maxLength\":24}],\n"
	    "\"bgpsec_keys\":[{\"asn\":1,\"pubkey\":\"MFkw\\/+E=\",\"ski\":\"be\"}],\n"
	    "\"provider_authorizations\":{\"ipv4\":[{\"customer_asid\":15562,"
	    "\"providers\":[2914,8283]}],\"ipv6\":[{\"customer_asid\":15562,"
	    "\"providers\":[51088,2914]},{\"customer_asid\":28,\"providers\":[0]}]}}";

	rtr_vrpset_init(&o);
	UT_EQ_INT(parse(js, &o, err), 0);
	UT_EQ_INT(o.nvrp, 3);
	UT_EQ_INT(o.dups, 1);
	UT_EQ_STR(vfmt(&o.vrp[0]), "1.0.0.0/24-24 AS13335");	/* sorted */
	UT_EQ_STR(vfmt(&o.vrp[1]), "1.0.4.0/22-22 AS38803");
	UT_EQ_STR(vfmt(&o.vrp[2]), "2001:610::/32-48 AS1103");
	UT_EQ_INT(o.naspa, 2);
	UT_EQ_INT(o.aspa[0].customer, 28);
	UT_EQ_INT(o.aspa[0].nprov, 0);			/* AS0 only: no providers */
	UT_EQ_INT(o.aspa[1].customer, 15562);
	UT_EQ_INT(o.aspa[1].nprov, 3);			/* ipv4 and ipv6 merged */
	UT_EQ_INT(o.prov[o.aspa[1].off], 2914);
	UT_EQ_INT(o.prov[o.aspa[1].off + 1], 8283);
	UT_EQ_INT(o.prov[o.aspa[1].off + 2], 51088);
	rtr_vrpset_clear(&o);
}

static void
new_aspas_and_expiry(void)
{
	struct rtr_vrpset o;
	char err[128];
	size_t len;
	char *b = slurp(ut_fixture("rpki/aspas-new.json"), &len);

	UT_ASSERT(b != NULL);
	rtr_vrpset_init(&o);
	UT_EQ_INT(rtr_json_parse(b, len, 0, &o, err, sizeof(err)), 0);
	UT_EQ_INT(o.nvrp, 3);
	UT_EQ_INT(o.naspa, 3);
	UT_EQ_INT(o.aspa[0].customer, 64500);
	UT_EQ_INT(o.aspa[0].nprov, 2);
	UT_EQ_INT(o.prov[o.aspa[0].off], 65003);
	UT_EQ_INT(o.prov[o.aspa[0].off + 1], 65004);
	UT_EQ_STR(vfmt(&o.vrp[1]), "10.14.0.0/24-24 AS64514");
	/* at 1700000000 the IPv6 ROA and the AS64999 ASPA have expired */
	UT_EQ_INT(rtr_json_parse(b, len, 1700000000, &o, err, sizeof(err)), 0);
	UT_EQ_INT(o.nvrp, 2);
	UT_EQ_INT(o.naspa, 2);
	UT_EQ_INT(o.expired, 2);
	UT_EQ_INT(o.aspa[1].customer, 64514);
	free(b);
	rtr_vrpset_clear(&o);
}

static void
bare_list_and_asn_forms(void)
{
	struct rtr_vrpset o;
	char err[128];

	rtr_vrpset_init(&o);
	UT_EQ_INT(parse("[{\"prefix\":\"103.10.112.0/22\",\"maxLength\":32,\"asn\":\"0\"},"
	    "{\"prefix\":\"10.0.0.0/8\",\"asn\":\"as65000\"},"
	    "{\"prefix\":\"10.0.0.0/8\",\"maxlen\":9,\"asn\":4294967295}]", &o, err), 0);
	UT_EQ_INT(o.nvrp, 3);
	UT_EQ_STR(vfmt(&o.vrp[0]), "10.0.0.0/8-8 AS65000");	/* maxLength defaults */
	UT_EQ_STR(vfmt(&o.vrp[1]), "10.0.0.0/8-9 AS4294967295");
	UT_EQ_STR(vfmt(&o.vrp[2]), "103.10.112.0/22-32 AS0");
	UT_EQ_INT(parse("[]", &o, err), 0);
	UT_EQ_INT(o.nvrp, 0);
	UT_EQ_INT(parse(" {} ", &o, err), 0);
	rtr_vrpset_clear(&o);
}

static void
expect_err(const char *js, const char *msg)
{
	struct rtr_vrpset o;
	char err[128];

	rtr_vrpset_init(&o);
	if (parse(js, &o, err) != -1)
		ut_fail(__FILE__, __LINE__, "accepted: %s", js);
	UT_EQ_STR(err, msg);
	UT_EQ_INT(o.nvrp, 0);
	rtr_vrpset_clear(&o);
}

static void
errors_line_col(void)
{
	char deep[150];

	expect_err("", "1:1: expected a JSON object or array");
	expect_err("{\"roas\":[{\"asn\":1,\"prefix\":\"10.0.0.0/8\"},]}",
	    "1:42: expected a ROA object");
	expect_err("{\n  \"roas\": [\n    {\"asn\": 1, \"prefix\": \"10.1.0.0/8\"}\n]}",
	    "3:26: bad prefix \"10.1.0.0/8\"");
	expect_err("{\"roas\":[\n{\"prefix\":\"10.0.0.0/8\"}]}", "2:1: ROA without asn");
	expect_err("{\"roas\":[{\"asn\":1}]}", "1:10: ROA without prefix");
	expect_err("{\"roas\":[{\"asn\":-1,\"prefix\":\"10.0.0.0/8\"}]}",
	    "1:17: expected an integer");
	expect_err("{\"roas\":[{\"asn\":4294967296,\"prefix\":\"10.0.0.0/8\"}]}",
	    "1:17: number out of range");
	expect_err("{\"roas\":[{\"asn\":01}]}", "1:17: bad number: leading zero");
	expect_err("{\"roas\":[{\"asn\":1.5,\"prefix\":\"10.0.0.0/8\"}]}",
	    "1:17: expected an integer");
	expect_err("{\"roas\":[{\"asn\":\"AS\",\"prefix\":\"10.0.0.0/8\"}]}",
	    "1:17: expected an integer");
	expect_err("{\"a\":\"x\ty\"}", "1:6: control character in string");
	expect_err("{\"a\":\"\\q\"}", "1:6: bad escape \\q in string");
	expect_err("{\"a\":\"\\u12g4\"}", "1:6: bad \\u escape in string");
	expect_err("{\"a\":\"abc", "1:6: unterminated string");
	expect_err("{\"a\":tru}", "1:6: unexpected character 't'");
	expect_err("{\"a\":1} x", "1:9: unexpected character 'x'");
	expect_err("{\"a\":1} {}", "1:9: trailing data after the JSON value");
	expect_err("{\"a\" 1}", "1:6: expected ':'");
	expect_err("{\"a\":1 \"b\":2}", "1:8: expected ',' or '}'");
	expect_err("{1:2}", "1:2: expected a member name");
	expect_err("{\"roas\":{}}", "1:9: expected an array of ROAs");
	expect_err("{\"aspas\":[{\"customer\":1}]}", "1:11: ASPA without providers");
	expect_err("{\"aspas\":[{\"providers\":[1]}]}", "1:11: ASPA without customer");
	expect_err("{\"aspas\":[{\"customer\":1,\"providers\":[{\"x\":1}]}]}",
	    "1:38: provider object without an AS");
	memcpy(deep, "{\"a\":", 5);
	memset(deep + 5, '[', 70);
	memset(deep + 75, ']', 70);
	memcpy(deep + 145, "}", 2);
	expect_err(deep, "1:69: nesting too deep");
	expect_err("{\"a\":\x01}", "1:6: unexpected byte 0x01");
}

static void
bad_maxlen_file(void)
{
	struct rtr_vrpset o;
	char err[128];
	size_t len;
	char *b = slurp(ut_fixture("rpki/bad-maxlen.json"), &len);

	UT_ASSERT(b != NULL);
	rtr_vrpset_init(&o);
	UT_EQ_INT(rtr_json_parse(b, len, 0, &o, err, sizeof(err)), -1);
	UT_EQ_STR(err, "4:3: maxLength 12 does not fit prefix length 16");
	/* a short error buffer is filled as far as it goes */
	UT_EQ_INT(rtr_json_parse(b, len, 0, &o, err, 6), -1);
	UT_EQ_STR(err, "4:3: ");
	free(b);
}

struct rec {
	char	log[1024];
};

static int
rec_vrp(const struct rtr_vrp *v, int add, void *arg)
{
	struct rec *r = arg;
	size_t l = strlen(r->log);

	snprintf(r->log + l, sizeof(r->log) - l, "%c%s;", add ? '+' : '-', vfmt(v));
	return 0;
}

static int
rec_aspa(uint32_t c, const uint32_t *p, size_t n, int add, void *arg)
{
	struct rec *r = arg;
	size_t l = strlen(r->log), i;

	l += (size_t)snprintf(r->log + l, sizeof(r->log) - l, "%cASPA%u", add ? '+' : '-', c);
	for (i = 0; i < n; i++)
		l += (size_t)snprintf(r->log + l, sizeof(r->log) - l, ",%u", p[i]);
	snprintf(r->log + l, sizeof(r->log) - l, ";");
	return 0;
}

static void
reload_delta(void)
{
	struct rtr_vrpset a, b, empty;
	struct rec r;
	struct rtr_vrpset_delta d = { rec_vrp, rec_aspa, &r };
	char err[128];

	rtr_vrpset_init(&a);
	rtr_vrpset_init(&b);
	rtr_vrpset_init(&empty);
	UT_EQ_INT(parse("{\"roas\":[{\"asn\":1,\"prefix\":\"10.0.0.0/8\",\"maxLength\":8},"
	    "{\"asn\":2,\"prefix\":\"10.0.0.0/8\",\"maxLength\":8},"
	    "{\"asn\":3,\"prefix\":\"2001:db8::/32\",\"maxLength\":32}],"
	    "\"aspas\":[{\"customer\":1,\"providers\":[2]},{\"customer\":5,\"providers\":[6]},"
	    "{\"customer\":7,\"providers\":[8]}]}", &a, err), 0);
	UT_EQ_INT(parse("{\"roas\":[{\"asn\":1,\"prefix\":\"10.0.0.0/8\",\"maxLength\":8},"
	    "{\"asn\":2,\"prefix\":\"10.0.0.0/8\",\"maxLength\":16},"
	    "{\"asn\":4,\"prefix\":\"192.0.2.0/24\",\"maxLength\":24}],"
	    "\"aspas\":[{\"customer\":1,\"providers\":[2]},{\"customer\":5,\"providers\":[6,9]},"
	    "{\"customer\":9,\"providers\":[0]}]}", &b, err), 0);
	memset(&r, 0, sizeof(r));
	UT_EQ_INT(rtr_vrpset_diff(&a, &b, &d), 0);
	UT_EQ_STR(r.log, "-10.0.0.0/8-8 AS2;+10.0.0.0/8-16 AS2;+192.0.2.0/24-24 AS4;"
	    "-2001:db8::/32-32 AS3;+ASPA5,6,9;-ASPA7;+ASPA9;");
	memset(&r, 0, sizeof(r));
	UT_EQ_INT(rtr_vrpset_diff(&b, &b, &d), 0);
	UT_EQ_STR(r.log, "");
	memset(&r, 0, sizeof(r));
	UT_EQ_INT(rtr_vrpset_diff(&empty, &a, &d), 0);
	UT_EQ_STR(r.log, "+10.0.0.0/8-8 AS1;+10.0.0.0/8-8 AS2;+2001:db8::/32-32 AS3;"
	    "+ASPA1,2;+ASPA5,6;+ASPA7,8;");
	rtr_vrpset_clear(&a);
	rtr_vrpset_clear(&b);
}

static int
apply_vrp(const struct rtr_vrp *v, int add, void *arg)
{
	struct rtr_vrp_store *s = arg;

	return (add ? rtr_vrp_add(s, v) : rtr_vrp_del(s, v)) == RTR_VRP_ERR;
}

/* A file next to an RTR cache: the table counts references, so a reload of the
 * file that drops a VRP the cache also sent keeps it. */
static void
file_beside_cache(void)
{
	struct rtr_vrpset f1, f2;
	struct rtr_vrp_store *s = rtr_vrp_new();
	struct rtr_vrpset_delta d = { apply_vrp, NULL, s };
	struct rtr_vrp cache_vrp;
	struct prefix p;
	char err[128];

	rtr_vrpset_init(&f1);
	rtr_vrpset_init(&f2);
	UT_EQ_INT(parse("[{\"asn\":1,\"prefix\":\"10.0.0.0/8\"},"
	    "{\"asn\":2,\"prefix\":\"11.0.0.0/8\"}]", &f1, err), 0);
	UT_EQ_INT(parse("[{\"asn\":2,\"prefix\":\"11.0.0.0/8\"}]", &f2, err), 0);
	cache_vrp = f1.vrp[0];		/* the cache sends 10.0.0.0/8 AS1 as well */
	UT_EQ_INT(rtr_vrp_add(s, &cache_vrp), RTR_VRP_NEW);
	UT_EQ_INT(rtr_vrpset_diff(&(struct rtr_vrpset){ 0 }, &f1, &d), 0);
	UT_EQ_INT(rtr_vrp_refs(s, &cache_vrp), 2);
	UT_EQ_INT(rtr_vrpset_diff(&f1, &f2, &d), 0);	/* reload drops it */
	UT_EQ_INT(rtr_vrp_refs(s, &cache_vrp), 1);
	UT_EQ_INT(prefix_parse("10.1.0.0/16", &p), 0);
	UT_EQ_INT(rtr_rov_validate(s, &p, 1), RTR_ROV_INVALID_LEN);
	UT_EQ_INT(rtr_vrp_del(s, &cache_vrp), RTR_VRP_NEW);	/* the cache withdraws */
	UT_EQ_INT(rtr_rov_validate(s, &p, 1), RTR_ROV_NOT_FOUND);
	UT_EQ_INT(rtr_vrp_count(s, PREFIX_AF_NONE), 1);
	rtr_vrp_free(s);
	rtr_vrpset_clear(&f1);
	rtr_vrpset_clear(&f2);
}

static void
real_vrps_5000(void)
{
	struct rtr_vrpset o;
	char err[128];
	size_t len, i, as0 = 0;
	char *b = slurp(ut_shared("vrp/vrps-5000.2019.json"), &len);

	if (b == NULL)
		ut_skip("shared data absent");
	rtr_vrpset_init(&o);
	UT_EQ_INT(rtr_json_parse(b, len, 0, &o, err, sizeof(err)), 0);
	UT_EQ_INT(o.nvrp, 5000);	/* python: 5000 unique, 15 with AS0 */
	for (i = 0; i < o.nvrp; i++)
		as0 += o.vrp[i].asn == 0;
	UT_EQ_INT(as0, 15);
	free(b);
	rtr_vrpset_clear(&o);
}

static void
real_stayrtr(void)
{
	struct rtr_vrpset o;
	char err[128];
	size_t len;
	char *b = slurp(ut_shared("vrp/stayrtr.test.rpki.json"), &len);

	if (b == NULL)
		ut_skip("shared data absent");
	rtr_vrpset_init(&o);
	UT_EQ_INT(rtr_json_parse(b, len, 0, &o, err, sizeof(err)), 0);
	UT_EQ_INT(o.nvrp, 19);
	UT_EQ_INT(o.naspa, 2);
	UT_EQ_INT(o.aspa[0].customer, 15562);
	UT_EQ_INT(o.aspa[0].nprov, 4);
	UT_EQ_INT(o.aspa[1].customer, 64496);
	UT_EQ_INT(o.aspa[1].nprov, 6);
	free(b);
	rtr_vrpset_clear(&o);
}

UT_MAIN(UT_CASE(rpki_client_old_aspa), UT_CASE(new_aspas_and_expiry),
    UT_CASE(bare_list_and_asn_forms), UT_CASE(errors_line_col), UT_CASE(bad_maxlen_file),
    UT_CASE(reload_delta), UT_CASE(file_beside_cache), UT_CASE(real_vrps_5000), UT_CASE(real_stayrtr))
