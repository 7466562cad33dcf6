/*
 * Config that needs an optional part the daemon was built without (configure
 * --without-snmp / --without-tls) is refused at its key, file:line:col, with
 * "built without ..."; the same text loads when the part is there. The daemon
 * narrows the accepted features with config_set_features() before loading, so these
 * cases run in every build, whatever configure chose.
 */
#include <stdio.h>
#include <string.h>

#include "agent/config.h"
#include "agent/config_types.h"
#include "tests/unit/ut.h"

static const char snmp_on[] =
    "sources:\n"
    "  bmp:\n"
    "    listen:\n"
    "      - address: 127.0.0.1\n"
    "        port: 11019\n"
    "outputs:\n"
    "  snmp:\n"
    "    agentx-socket: /var/agentx/master\n"
    "    enabled: true\n";

static const char snmp_traps[] =
    "sources:\n"
    "  bmp:\n"
    "    listen:\n"
    "      - address: 127.0.0.1\n"
    "        port: 11019\n"
    "outputs:\n"
    "  snmp:\n"
    "    traps:\n"
    "      - address: 127.0.0.1\n"
    "        port: 16162\n"
    "        community: public\n";

static const char snmp_off[] =
    "sources:\n"
    "  bmp:\n"
    "    listen:\n"
    "      - address: 127.0.0.1\n"
    "        port: 11019\n"
    "outputs:\n"
    "  snmp:\n"
    "    enabled: false\n";

static const char tls_remote[] =
    "sources:\n"
    "  bmp:\n"
    "    listen:\n"
    "      - address: 127.0.0.1\n"
    "        port: 11019\n"
    "outputs:\n"
    "  syslog:\n"
    "    remote:\n"
    "      - address: 127.0.0.1\n"
    "        port: 6514\n"
    "        transport: tls\n"
    "        ca-file: /etc/ssl/certs/ca-certificates.crt\n"
    "      - transport: tcp\n"
    "        address: 127.0.0.1\n";

static const char tcp_remote[] =
    "sources:\n"
    "  bmp:\n"
    "    listen:\n"
    "      - address: 127.0.0.1\n"
    "        port: 11019\n"
    "outputs:\n"
    "  syslog:\n"
    "    remote:\n"
    "      - transport: tcp\n"
    "        address: 127.0.0.1\n";

/* Loads text with the given features; returns the error text ("" if it loaded). */
static const char *
load(const char *text, unsigned feat, char *msg, size_t len)
{
	struct config		*cfg;
	struct config_error	 err;

	config_set_features(feat);
	cfg = config_load_mem(text, strlen(text), "t.yml", &err);
	config_set_features(CONFIG_FEAT_ALL);
	if (cfg == NULL)
		return config_error_fmt(&err, msg, len);
	config_free(cfg);
	msg[0] = '\0';
	return msg;
}

static void
test_default_all(void)
{
	UT_EQ_INT(config_features(), CONFIG_FEAT_ALL);
}

static void
test_snmp_refused(void)
{
	char	 m[1024];

	UT_EQ_STR(load(snmp_on, CONFIG_FEAT_TLS, m, sizeof(m)), "t.yml:9:14: snmp output: "
	    "ixwatchd was built without SNMP (configure --without-snmp)");
	UT_EQ_STR(load(snmp_traps, 0, m, sizeof(m)), "t.yml:9:7: snmp output: "
	    "ixwatchd was built without SNMP (configure --without-snmp)");
	/* a disabled snmp section is harmless in any build */
	UT_EQ_STR(load(snmp_off, 0, m, sizeof(m)), "");
	UT_EQ_STR(load(snmp_on, CONFIG_FEAT_SNMP, m, sizeof(m)), "");
	UT_EQ_STR(load(snmp_traps, CONFIG_FEAT_ALL, m, sizeof(m)), "");
}

static void
test_tls_refused(void)
{
	char	 m[1024];

	UT_EQ_STR(load(tls_remote, CONFIG_FEAT_SNMP, m, sizeof(m)), "t.yml:11:20: "
	    "transport tls: ixwatchd was built without TLS (configure --without-tls)");
	UT_EQ_STR(load(tcp_remote, 0, m, sizeof(m)), "");
	UT_EQ_STR(load(tls_remote, CONFIG_FEAT_TLS, m, sizeof(m)), "");
}

UT_MAIN(UT_CASE(test_default_all), UT_CASE(test_snmp_refused), UT_CASE(test_tls_refused))
