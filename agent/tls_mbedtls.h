/*
 * TLS client connections with mbedtls on the event loop (RFC 5425 transport for
 * syslog). libevent has no mbedtls bufferevent, so the caller owns a non-blocking
 * socket and its loop events; this module drives mbedtls_ssl_set_bio() over that
 * socket and reports TLS_WANT_READ / TLS_WANT_WRITE for the caller to map onto
 * LOOP_READ / LOOP_WRITE. Certificates: the CA bundle is required (the peer's
 * chain is verified), a client certificate is optional, the server's name is
 * checked against server_name (subjectAltName / CN). Works with mbedtls 2.28
 * (Debian 12) and 3.x (OpenWrt), gated on MBEDTLS_VERSION_NUMBER.
 */
#ifndef IXW_TLS_MBEDTLS_H
#define IXW_TLS_MBEDTLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum tls_result {
	TLS_OK = 0,
	TLS_WANT_READ = -2,
	TLS_WANT_WRITE = -3,
	TLS_CLOSED = -4,	/* the peer closed the connection */
	TLS_ERROR = -1,
};

struct tls_config;
struct tls_conn;

/* Loads the CA bundle and the optional client certificate and key. NULL on error
 * with a message in err. */
struct tls_config *tls_config_new(const char *ca_file, const char *cert_file,
	    const char *key_file, char *err, size_t errlen);
void	 tls_config_free(struct tls_config *);

/* A client session on the connected non-blocking socket fd, verifying server_name.
 * *wire counts the bytes handed to the kernel (for output_queue's confirmation). */
struct tls_conn *tls_conn_new(struct tls_config *, int fd, const char *server_name,
	    uint64_t *wire);
void	 tls_conn_free(struct tls_conn *);
/* TLS_OK once the handshake is done; TLS_WANT_*; TLS_ERROR (see tls_conn_error()). */
int	 tls_conn_handshake(struct tls_conn *);
/* Bytes written (> 0), or TLS_WANT_*, TLS_CLOSED, TLS_ERROR. */
ssize_t	 tls_conn_write(struct tls_conn *, const void *, size_t);
/* Reads and discards what the peer sent: TLS_OK, TLS_WANT_*, TLS_CLOSED, TLS_ERROR. */
int	 tls_conn_drain(struct tls_conn *);
/* The last error as text ("certificate verification failed: ..."). */
const char *tls_conn_error(const struct tls_conn *);
/* 1 if the last handshake failure was a certificate verification failure. */
int	 tls_conn_verify_failed(const struct tls_conn *);

/* The mbedtls version the binary runs with ("2.28.3", "3.6.6"). */
const char *tls_library_version(void);

#endif /* IXW_TLS_MBEDTLS_H */
