/* SPDX-License-Identifier: ISC */
/*
 * bench/tlsget.c - the reference for `make bench`: a bare mbedTLS 2.28 GET.
 *
 *   tlsget CA_FILE HOST ADDR PORT PATH
 *
 * One TLS 1.2 connection to ADDR:PORT (TCP_NODELAY, SNI and certificate
 * name HOST, CA chain from CA_FILE: the same checks aiupdate makes), one
 * GET, the body read in 16 KiB records and thrown away (nothing hashed,
 * nothing written): the TLS library's own limit on this machine.  The
 * mbedTLS configuration is the library default, as in client/transport/tls.c, so the
 * same cipher suite is negotiated; it is printed.
 * Prints to stderr one line:
 *   tlsget: body=BYTES wire_in=BYTES wire_out=BYTES suite=NAME
 * wire_* are the bytes through the TCP socket (handshake, records, HTTP).
 * Exit 0 on a 200 with the whole body; 1 otherwise.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "port/ban.h"

#define HEAD_MAX 16384
#define REC 16384

struct counted {
	mbedtls_net_context net;
	unsigned long long in, out;
};

static int
c_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct counted *c = ctx;
	int n = mbedtls_net_send(&c->net, buf, len);

	if (n > 0)
		c->out += (unsigned long long)n;
	return n;
}

static int
c_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct counted *c = ctx;
	int n = mbedtls_net_recv(&c->net, buf, len);

	if (n > 0)
		c->in += (unsigned long long)n;
	return n;
}

static int
fail(const char *what, int ret)
{
	char err[160];

	mbedtls_strerror(ret, err, sizeof(err));
	fprintf(stderr, "tlsget: %s: -0x%04x %s\n", what, (unsigned)-ret, err);
	return 1;
}

/* Read the response head; body bytes already read go to *extra. */
static int
read_head(mbedtls_ssl_context *ssl, unsigned char *head, size_t *hlen,
    size_t *body_start)
{
	size_t n = 0;
	unsigned char *end;

	for (;;) {
		int r = mbedtls_ssl_read(ssl, head + n, HEAD_MAX - n);

		if (r <= 0)
			return r == 0 ? -1 : r;
		n += (size_t)r;
		end = memmem(head, n, "\r\n\r\n", 4);
		if (end != NULL) {
			*body_start = (size_t)(end - head) + 4;
			*hlen = n;
			return 0;
		}
		if (n == HEAD_MAX)
			return -1;
	}
}

static int
get(mbedtls_ssl_context *ssl, const char *host, const char *path,
    unsigned long long *body)
{
	static unsigned char buf[HEAD_MAX + 1];
	char req[2400];
	size_t hlen = 0, bstart = 0;
	unsigned long long want;
	const char *cl;
	int r;

	r = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: tlsget\r\nAccept-Encoding: identity\r\n"
	    "Connection: close\r\n\r\n", path, host);
	if (r < 0 || (size_t)r >= sizeof(req))
		return fail("request too long", 0);
	if ((r = mbedtls_ssl_write(ssl, (unsigned char *)req, strlen(req))) < 0)
		return fail("write", r);
	if ((r = read_head(ssl, buf, &hlen, &bstart)) != 0)
		return fail("response head", r);
	buf[hlen] = '\0';
	if (strncmp((char *)buf, "HTTP/1.1 200 ", 13) != 0)
		return fail("status not 200", 0);
	cl = strstr((char *)buf, "\r\nContent-Length: ");
	if (cl == NULL || (size_t)(cl - (char *)buf) > bstart)
		return fail("no Content-Length", 0);
	want = strtoull(cl + 18, NULL, 10);
	*body = hlen - bstart;
	while (*body < want) {
		r = mbedtls_ssl_read(ssl, buf, REC);
		if (r <= 0)
			return fail("body", r);
		*body += (unsigned long long)r;
	}
	return *body == want ? 0 : fail("body longer than announced", 0);
}

int
main(int argc, char **argv)
{
	mbedtls_entropy_context ent;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_ssl_config conf;
	mbedtls_ssl_context ssl;
	mbedtls_x509_crt ca;
	struct counted c = { .in = 0, .out = 0 };
	unsigned long long body = 0;
	int one = 1, r, rc = 1;

	if (argc != 6) {
		fprintf(stderr, "usage: tlsget CA_FILE HOST ADDR PORT PATH\n");
		return 2;
	}
	mbedtls_net_init(&c.net);
	mbedtls_entropy_init(&ent);
	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_ssl_config_init(&conf);
	mbedtls_ssl_init(&ssl);
	mbedtls_x509_crt_init(&ca);
	if ((r = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, NULL, 0)) != 0 ||
	    (r = mbedtls_x509_crt_parse_file(&ca, argv[1])) != 0 ||
	    (r = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
		fail("setup", r);
		goto out;
	}
	mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
	mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ca_chain(&conf, &ca, NULL);
	if ((r = mbedtls_ssl_setup(&ssl, &conf)) != 0 ||
	    (r = mbedtls_ssl_set_hostname(&ssl, argv[2])) != 0 ||
	    (r = mbedtls_net_connect(&c.net, argv[3], argv[4], MBEDTLS_NET_PROTO_TCP)) != 0) {
		fail("connect", r);
		goto out;
	}
	setsockopt(c.net.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	mbedtls_ssl_set_bio(&ssl, &c, c_send, c_recv, NULL);
	while ((r = mbedtls_ssl_handshake(&ssl)) != 0) {
		if (r != MBEDTLS_ERR_SSL_WANT_READ && r != MBEDTLS_ERR_SSL_WANT_WRITE) {
			fail("handshake", r);
			goto out;
		}
	}
	if (get(&ssl, argv[2], argv[5], &body) == 0)
		rc = 0;
	mbedtls_ssl_close_notify(&ssl);
	fprintf(stderr, "tlsget: body=%llu wire_in=%llu wire_out=%llu suite=%s\n",
	    body, c.in, c.out, mbedtls_ssl_get_ciphersuite(&ssl));
out:
	mbedtls_ssl_free(&ssl);
	mbedtls_ssl_config_free(&conf);
	mbedtls_x509_crt_free(&ca);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&ent);
	mbedtls_net_free(&c.net);
	return rc;
}
