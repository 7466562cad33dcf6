/*
 * TLS client sessions with mbedtls over a caller-owned non-blocking socket (see
 * tls_mbedtls.h), for RFC 5425 syslog. The BIO callbacks map EAGAIN onto
 * MBEDTLS_ERR_SSL_WANT_READ/WRITE, which the caller turns into loop events.
 * API differences between mbedtls 2.28 and 3.x are gated on MBEDTLS_VERSION_NUMBER.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/version.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#include <psa/crypto.h>
#endif

#include "agent/tls_mbedtls.h"

/*
 * mbedtls 3.x built with TLS 1.2 and 1.3 (OpenWrt's, Debian trixie's 3.6.6): a client
 * offering both versions proposes rsa_pss_rsae_* signature algorithms (TLS 1.3 needs
 * them for RSA certificates) but refuses them in a TLS 1.2 ServerKeyExchange
 * ("A field in a message was incorrect", Mbed-TLS/mbedtls#10668, fixed upstream by
 * #10674). GnuTLS servers that negotiate TLS 1.2 pick exactly that; rsyslog's gtls
 * driver is one. After such a failure the receiver is offered TLS 1.2 alone (mbedtls
 * then proposes only PKCS#1 v1.5 RSA signatures), so the next attempt connects.
 */
#if MBEDTLS_VERSION_NUMBER >= 0x03020000 && defined(MBEDTLS_SSL_PROTO_TLS1_2) && \
    defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_CLI_C)
#define TLS12_FALLBACK	1
#endif

struct tls_config {
	mbedtls_ssl_config	 conf;
#ifdef TLS12_FALLBACK
	mbedtls_ssl_config	 conf12;	/* the same, TLS 1.2 only */
	int			 use12;		/* the receiver failed as described above */
#endif
	mbedtls_x509_crt	 ca;
	mbedtls_x509_crt	 cert;
	mbedtls_pk_context	 key;
	mbedtls_entropy_context	 entropy;
	mbedtls_ctr_drbg_context drbg;
};

struct tls_conn {
	mbedtls_ssl_context	 ssl;
	struct tls_config	*cfg;
	int			 fd;
	uint64_t		*wire;
	int			 verify_failed;
	char			 err[256];
};

static void
errstr(int rv, const char *what, char *buf, size_t len)
{
	char	 e[128];

	mbedtls_strerror(rv, e, sizeof(e));
	snprintf(buf, len, "%s: %s", what, e);
}

void
tls_config_free(struct tls_config *c)
{
	if (c == NULL)
		return;
	mbedtls_ssl_config_free(&c->conf);
#ifdef TLS12_FALLBACK
	mbedtls_ssl_config_free(&c->conf12);
#endif
	mbedtls_x509_crt_free(&c->ca);
	mbedtls_x509_crt_free(&c->cert);
	mbedtls_pk_free(&c->key);
	mbedtls_ctr_drbg_free(&c->drbg);
	mbedtls_entropy_free(&c->entropy);
	free(c);
}

/* A client configuration over c's certificates and random generator. */
static int
conf_setup(struct tls_config *c, mbedtls_ssl_config *conf, int with_cert, char *err,
    size_t errlen)
{
	int	 rv;

	if ((rv = mbedtls_ssl_config_defaults(conf, MBEDTLS_SSL_IS_CLIENT,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
		errstr(rv, "TLS defaults", err, errlen);
		return -1;
	}
	/* RFC 9662 (updating RFC 5425): TLS 1.2 or later */
#if MBEDTLS_VERSION_NUMBER >= 0x03020000
	mbedtls_ssl_conf_min_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
#else
	mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3,
	    MBEDTLS_SSL_MINOR_VERSION_3);
#endif
	mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ca_chain(conf, &c->ca, NULL);
	mbedtls_ssl_conf_rng(conf, mbedtls_ctr_drbg_random, &c->drbg);
	if (with_cert &&
	    (rv = mbedtls_ssl_conf_own_cert(conf, &c->cert, &c->key)) != 0) {
		errstr(rv, "client certificate", err, errlen);
		return -1;
	}
	return 0;
}

struct tls_config *
tls_config_new(const char *ca_file, const char *cert_file, const char *key_file,
    char *err, size_t errlen)
{
	static const unsigned char pers[] = "ixwatch-syslog";
	struct tls_config	*c;
	int			 rv;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	mbedtls_ssl_config_init(&c->conf);
#ifdef TLS12_FALLBACK
	mbedtls_ssl_config_init(&c->conf12);
#endif
	mbedtls_x509_crt_init(&c->ca);
	mbedtls_x509_crt_init(&c->cert);
	mbedtls_pk_init(&c->key);
	mbedtls_entropy_init(&c->entropy);
	mbedtls_ctr_drbg_init(&c->drbg);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
	if (psa_crypto_init() != PSA_SUCCESS) {
		snprintf(err, errlen, "PSA crypto initialisation failed");
		goto fail;
	}
#endif
	if ((rv = mbedtls_ctr_drbg_seed(&c->drbg, mbedtls_entropy_func, &c->entropy,
	    pers, sizeof(pers) - 1)) != 0) {
		errstr(rv, "random generator", err, errlen);
		goto fail;
	}
	if (ca_file == NULL) {
		snprintf(err, errlen, "a CA file is required");
		goto fail;
	}
	if ((rv = mbedtls_x509_crt_parse_file(&c->ca, ca_file)) != 0) {
		errstr(rv, ca_file, err, errlen);
		goto fail;
	}
	if (cert_file != NULL && key_file != NULL) {
		if ((rv = mbedtls_x509_crt_parse_file(&c->cert, cert_file)) != 0) {
			errstr(rv, cert_file, err, errlen);
			goto fail;
		}
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
		rv = mbedtls_pk_parse_keyfile(&c->key, key_file, NULL,
		    mbedtls_ctr_drbg_random, &c->drbg);
#else
		rv = mbedtls_pk_parse_keyfile(&c->key, key_file, NULL);
#endif
		if (rv != 0) {
			errstr(rv, key_file, err, errlen);
			goto fail;
		}
	}
	if (conf_setup(c, &c->conf, cert_file != NULL && key_file != NULL, err, errlen) == -1)
		goto fail;
#ifdef TLS12_FALLBACK
	if (conf_setup(c, &c->conf12, cert_file != NULL && key_file != NULL, err,
	    errlen) == -1)
		goto fail;
	mbedtls_ssl_conf_max_tls_version(&c->conf12, MBEDTLS_SSL_VERSION_TLS1_2);
#endif
	return c;
fail:
	tls_config_free(c);
	return NULL;
}

static int
bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls_conn	*t = ctx;
	ssize_t		 n;

	do
		n = send(t->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return MBEDTLS_ERR_SSL_WANT_WRITE;
		return MBEDTLS_ERR_NET_SEND_FAILED;
	}
	*t->wire += (uint64_t)n;
	return (int)n;
}

static int
bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct tls_conn	*t = ctx;
	ssize_t		 n;

	do
		n = recv(t->fd, buf, len, MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return MBEDTLS_ERR_SSL_WANT_READ;
		return MBEDTLS_ERR_NET_RECV_FAILED;
	}
	return (int)n;
}

struct tls_conn *
tls_conn_new(struct tls_config *c, int fd, const char *server_name, uint64_t *wire)
{
	struct tls_conn	*t;
	int		 rv;

	if (c == NULL || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->fd = fd;
	t->wire = wire;
	t->cfg = c;
	mbedtls_ssl_init(&t->ssl);
#ifdef TLS12_FALLBACK
	rv = mbedtls_ssl_setup(&t->ssl, c->use12 ? &c->conf12 : &c->conf);
#else
	rv = mbedtls_ssl_setup(&t->ssl, &c->conf);
#endif
	if (rv != 0 ||
	    mbedtls_ssl_set_hostname(&t->ssl, server_name) != 0) {
		tls_conn_free(t);
		return NULL;
	}
	mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
	return t;
}

void
tls_conn_free(struct tls_conn *t)
{
	if (t == NULL)
		return;
	mbedtls_ssl_free(&t->ssl);
	free(t);
}

static int
map(struct tls_conn *t, int rv, const char *what)
{
	if (rv == MBEDTLS_ERR_SSL_WANT_READ)
		return TLS_WANT_READ;
	if (rv == MBEDTLS_ERR_SSL_WANT_WRITE)
		return TLS_WANT_WRITE;
	if (rv == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || rv == MBEDTLS_ERR_SSL_CONN_EOF ||
	    rv == 0)
		return TLS_CLOSED;
	errstr(rv, what, t->err, sizeof(t->err));
	return TLS_ERROR;
}

int
tls_conn_handshake(struct tls_conn *t)
{
	uint32_t	 flags;
	char		 info[200];
	size_t		 n;
	int		 rv;

	if ((rv = mbedtls_ssl_handshake(&t->ssl)) == 0)
		return TLS_OK;
	if (rv == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
		t->verify_failed = 1;
		flags = mbedtls_ssl_get_verify_result(&t->ssl);
		info[0] = '\0';
		mbedtls_x509_crt_verify_info(info, sizeof(info), "", flags);
		n = strlen(info);
		while (n > 0 && (info[n - 1] == '\n' || info[n - 1] == ' '))
			info[--n] = '\0';
		for (size_t i = 0; i < n; i++)
			if (info[i] == '\n')
				info[i] = ';';
		snprintf(t->err, sizeof(t->err), "certificate verification failed: %s",
		    info);
		return TLS_ERROR;
	}
#ifdef TLS12_FALLBACK
	if (rv == MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER && !t->cfg->use12 &&
	    mbedtls_ssl_get_version_number(&t->ssl) == MBEDTLS_SSL_VERSION_TLS1_2) {
		t->cfg->use12 = 1;
		snprintf(t->err, sizeof(t->err), "TLS handshake: RSA-PSS signature in "
		    "TLS 1.2, refused by mbedtls %s: offering TLS 1.2 only",
		    MBEDTLS_VERSION_STRING);
		return TLS_ERROR;
	}
#endif
	rv = map(t, rv, "TLS handshake");
	if (rv == TLS_CLOSED) {
		snprintf(t->err, sizeof(t->err), "TLS handshake: connection closed");
		return TLS_ERROR;
	}
	return rv;
}

ssize_t
tls_conn_write(struct tls_conn *t, const void *buf, size_t len)
{
	int	 rv = mbedtls_ssl_write(&t->ssl, buf, len);

	if (rv > 0)
		return rv;
	return map(t, rv, "TLS write");
}

int
tls_conn_drain(struct tls_conn *t)
{
	unsigned char	 buf[512];
	int		 rv;

	for (;;) {
		rv = mbedtls_ssl_read(&t->ssl, buf, sizeof(buf));
		if (rv > 0)
			continue;
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_SSL_PROTO_TLS1_3)
		if (rv == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
			continue;
#endif
		rv = map(t, rv, "TLS read");
		return rv == TLS_WANT_READ || rv == TLS_WANT_WRITE ? TLS_OK : rv;
	}
}

const char *
tls_conn_error(const struct tls_conn *t)
{
	return t->err[0] ? t->err : "TLS error";
}

int
tls_conn_verify_failed(const struct tls_conn *t)
{
	return t->verify_failed;
}

const char *
tls_library_version(void)
{
#ifdef MBEDTLS_VERSION_C
	static char	 v[18];	/* mbedtls_version_get_string() writes at most 18 */

	if (v[0] == '\0')
		mbedtls_version_get_string(v);
	return v;
#else
	return MBEDTLS_VERSION_STRING;	/* the headers' (the run-time query is left out) */
#endif
}
