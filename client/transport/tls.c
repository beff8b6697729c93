/* SPDX-License-Identifier: ISC */
/*
 * client/transport/tls.c - TLS 1.2 client over mbedTLS 2.28: CA chain + host name
 * checks, DANE-EE (RFC 7671 section 5.1) and DANE-TA (section 5.2) in a
 * verify callback, and certificate dates judged at the run's time.
 */
#include "client/transport/tls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/asn1.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>
#include <mbedtls/sha256.h>
#include <mbedtls/sha512.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "client/discover/dns.h"
#include "port/port.h"
#include "port/text.h"

#include "port/ban.h"

#define PEER_NAME_MAX 160	/* names of the peer certificate, for diagnostics */
#define FLAGS_TEXT_MAX 256

struct au_tls {
	mbedtls_ssl_context ssl;
	mbedtls_ssl_config conf;
	mbedtls_x509_crt ca;
	mbedtls_ctr_drbg_context drbg;
	int have_ca;
	enum au_tls_auth auth;
	char host[AU_HTTP_HOST_MAX + 1];
	struct au_tlsa tlsa[AU_HTTP_TLSA_MAX];	/* usable records only */
	size_t ntlsa;
	size_t ntlsa_given;
	/* state of the last handshake, written by verify_cb */
	uint32_t deferred;	/* flags of chain certificates above the leaf */
	int leaf_seen;
	int dane_ok;		/* 0, or 3 (DANE-EE) / 2 (DANE-TA) matched */
	int no_dns_id;		/* the leaf names no host: RFC 9525 6.3 */
	char peer[PEER_NAME_MAX];
	char spki_hex[65];
	int64_t verify_time;	/* 0: mbedTLS's own clock */
	int64_t leaf_not_after, chain_not_after;
	const char *used;
};

int
au_tls_tlsa_usable(const struct au_tlsa *t)
{
	if ((t->usage != 2 && t->usage != 3) || t->selector > 1 || t->mtype > 2)
		return 0;
	if (t->mtype == 1)
		return t->len == 32;
	if (t->mtype == 2)
		return t->len == 64;
	return t->len > 0 && t->len <= sizeof(t->data);
}

static int64_t
x509_epoch(const mbedtls_x509_time *x)
{
	return au_days_from_civil(x->year, (unsigned)x->mon, (unsigned)x->day) * 86400 +
	    x->hour * 3600 + x->min * 60 + x->sec;
}

/*
 * Judge the validity period at the run's time (the clock, or the time
 * floor when the clock reads earlier: see client/clock.h) instead of
 * mbedTLS's own reading of the clock.
 */
static void
judge_dates(const struct au_tls *t, const mbedtls_x509_crt *crt,
    uint32_t *flags)
{
	if (t->verify_time <= 0)
		return;
	*flags &= ~(uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED |
	    MBEDTLS_X509_BADCERT_FUTURE);
	if (x509_epoch(&crt->valid_to) < t->verify_time)
		*flags |= MBEDTLS_X509_BADCERT_EXPIRED;
	if (x509_epoch(&crt->valid_from) > t->verify_time)
		*flags |= MBEDTLS_X509_BADCERT_FUTURE;
}

/* DANE replaces the CA check (RFC 7671 sections 5.1 and 5.2). */
static int
dane_decides(const struct au_tls *t)
{
	return t->auth == AU_TLS_DANE ||
	    (t->auth == AU_TLS_DANE_OR_CA && t->ntlsa > 0);
}

static int
dane_needed(const struct au_tls *t)
{
	return dane_decides(t) || t->auth == AU_TLS_DANE_AND_CA;
}

/* Append len bytes of a certificate name, printable ASCII only. */
static void
append_name(char *dst, size_t size, const unsigned char *p, size_t len)
{
	size_t at = strlen(dst), i;

	if (at > 0 && at + 1 < size)
		dst[at++] = ',';
	for (i = 0; i < len && at + 1 < size; i++)
		dst[at++] = (p[i] > 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	dst[at] = '\0';
}

/* Remember the leaf's DNS names (or CN) and SPKI hash for diagnostics. */
static void
note_peer(struct au_tls *t, const mbedtls_x509_crt *crt)
{
	const mbedtls_x509_sequence *s;
	const mbedtls_x509_name *n;
	uint8_t h[32];

	t->peer[0] = '\0';
	for (s = &crt->subject_alt_names; s != NULL; s = s->next)
		if (s->buf.p != NULL && s->buf.tag ==
		    (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_X509_SAN_DNS_NAME))
			append_name(t->peer, sizeof(t->peer), s->buf.p,
			    s->buf.len);
	for (n = &crt->subject; n != NULL && t->peer[0] == '\0'; n = n->next)
		if (n->oid.p != NULL && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN,
		    &n->oid) == 0)
			append_name(t->peer, sizeof(t->peer), n->val.p,
			    n->val.len);
	if (mbedtls_sha256_ret(crt->pk_raw.p, crt->pk_raw.len, h, 0) == 0)
		au_hex_encode(h, sizeof(h), t->spki_hex);
}

/* RFC 6698 section 2.1: selector picks the bytes, matching type the hash. */
static int
tlsa_match(const struct au_tlsa *r, const mbedtls_x509_crt *crt)
{
	const mbedtls_x509_buf *b = r->selector == 0 ? &crt->raw : &crt->pk_raw;
	const uint8_t *cmp = b->p;
	uint8_t h[64];
	size_t n = b->len;

	if (r->mtype == 1) {
		if (mbedtls_sha256_ret(b->p, b->len, h, 0) != 0)
			return 0;
		cmp = h;
		n = 32;
	} else if (r->mtype == 2) {
		if (mbedtls_sha512_ret(b->p, b->len, h, 0) != 0)
			return 0;
		cmp = h;
		n = 64;
	}
	/* Certificates and TLSA data are public: memcmp is fine. */
	return n == r->len && memcmp(cmp, r->data, n) == 0;
}

/* DANE-EE: a usage-3 record matches the leaf itself. */
static int
dane_ee(const struct au_tls *t, const mbedtls_x509_crt *leaf)
{
	size_t i;

	for (i = 0; i < t->ntlsa; i++)
		if (t->tlsa[i].usage == 3 && tlsa_match(&t->tlsa[i], leaf))
			return 1;
	return 0;
}

static int
ta_dates_cb(void *arg, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
	(void)depth;
	judge_dates(arg, crt, flags);
	return 0;
}

/* The chain from leaf verifies up to ta (a copy), name and dates included. */
static int
chain_to(struct au_tls *t, mbedtls_x509_crt *leaf, const mbedtls_x509_crt *ta)
{
	mbedtls_x509_crt anchor;
	uint32_t fl = 0;
	int ret;

	mbedtls_x509_crt_init(&anchor);
	ret = mbedtls_x509_crt_parse_der(&anchor, ta->raw.p, ta->raw.len);
	if (ret == 0)
		ret = mbedtls_x509_crt_verify_with_profile(leaf, &anchor, NULL,
		    &mbedtls_x509_crt_profile_default, t->host, &fl,
		    ta_dates_cb, t);
	mbedtls_x509_crt_free(&anchor);
	return ret == 0 && fl == 0;
}

/*
 * DANE-TA (RFC 7671 section 5.2): a usage-2 record matches a certificate
 * the server sent above its leaf, and the leaf chains up to it with the
 * host name checked.  Only certificates in the server's chain can serve.
 */
static int
dane_ta(struct au_tls *t, mbedtls_x509_crt *leaf)
{
	const mbedtls_x509_crt *c;
	size_t i;

	for (c = leaf->next; c != NULL && c->raw.p != NULL; c = c->next)
		for (i = 0; i < t->ntlsa; i++)
			if (t->tlsa[i].usage == 2 && tlsa_match(&t->tlsa[i], c) &&
			    chain_to(t, leaf, c))
				return 1;
	return 0;
}

static int
dane_match(struct au_tls *t, mbedtls_x509_crt *leaf)
{
	if (dane_ee(t, leaf))
		return 3;
	return dane_ta(t, leaf) ? 2 : 0;
}

static void
note_dates(struct au_tls *t, const mbedtls_x509_crt *crt, int depth)
{
	int64_t na = x509_epoch(&crt->valid_to);

	if (depth == 0)
		t->leaf_not_after = na;
	if (t->chain_not_after == 0 || na < t->chain_not_after)
		t->chain_not_after = na;
}

/* 1 when the certificate carries a DNS-ID: a subjectAltName dNSName. */
static int
has_dns_id(const mbedtls_x509_crt *crt)
{
	const mbedtls_x509_sequence *s;

	for (s = &crt->subject_alt_names; s != NULL; s = s->next)
		if (s->buf.p != NULL && s->buf.len > 0 && s->buf.tag ==
		    (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_X509_SAN_DNS_NAME))
			return 1;
	return 0;
}

/*
 * RFC 9525 section 6.3: the host is matched against DNS-IDs only, never
 * the Common Name (mbedTLS 2.28 falls back to the CN when a certificate
 * has no subjectAltName): a leaf without one is refused whenever its name
 * matters, i.e. on the CA and DANE-TA paths.  DANE-EE binds the key, not a
 * name (RFC 7671 section 5.1), so a DANE-EE match that decides needs none.
 */
static void
require_dns_id(struct au_tls *t, const mbedtls_x509_crt *leaf,
    uint32_t *flags)
{
	if ((dane_decides(t) && t->dane_ok == 3) || has_dns_id(leaf))
		return;
	t->no_dns_id = 1;
	*flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
}

/*
 * Called for each certificate of the chain, the top first and the leaf
 * (depth 0) last.  When DANE decides, the flags of the upper
 * certificates are held back until the leaf is seen: a match clears all
 * (DANE-EE: no CA, name or date check, RFC 7671 section 5.1; DANE-TA: the
 * chain, name and dates were checked up to the matched TA), no match
 * restores them and adds BADCERT_OTHER so the handshake fails whatever the
 * CA says.
 */
static int
verify_cb(void *arg, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
	struct au_tls *t = arg;
	int decides = dane_decides(t);

	judge_dates(t, crt, flags);
	note_dates(t, crt, depth);
	if (depth > 0) {
		if (decides) {
			t->deferred |= *flags;
			*flags = 0;
		}
		return 0;
	}
	t->leaf_seen = 1;
	note_peer(t, crt);
	if (dane_needed(t)) {
		t->dane_ok = dane_match(t, crt);
		if (t->dane_ok && decides)
			*flags = 0;
		else if (!t->dane_ok)
			*flags |= MBEDTLS_X509_BADCERT_OTHER | t->deferred;
	}
	require_dns_id(t, crt, flags);
	return 0;
}

static int
entropy(void *arg, unsigned char *buf, size_t len)
{
	(void)arg;
	return au_random(buf, len, NULL) == 0 ? 0 :
	    MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
}

static int
mbed_fail(struct au_diag *diag, int err, int ret, const char *what,
    const char *host)
{
	char text[128];

	mbedtls_strerror(ret, text, sizeof(text));
	return au_diag_sys(diag, err, ret, "%s with %s: %s (mbedTLS -0x%04x)",
	    what, host, text, (unsigned)-ret);
}

static int
load_ca(struct au_tls *t, const char *path, struct au_diag *diag)
{
	struct au_diag d = { "", 0 };
	uint8_t *buf = NULL;
	size_t len = 0;
	int ret;

	if (path == NULL || path[0] == '\0')
		return au_diag_set(diag, AU_ECONFIG,
		    "no CA bundle configured for %s", t->host);
	if (au_file_read_all(path, AU_HTTP_CA_FILE_MAX, &buf, &len, &d) != 0)
		return au_diag_sys(diag, AU_ECONFIG, d.sys, "CA bundle: %s",
		    d.msg);
	/* PEM parsing needs the terminating NUL counted. */
	ret = mbedtls_x509_crt_parse(&t->ca, buf, len + 1);
	free(buf);
	if (ret < 0 || t->ca.version == 0)
		return au_diag_sys(diag, AU_ECONFIG, ret,
		    "CA bundle %s: no certificate could be parsed (mbedTLS -0x%04x)",
		    path, (unsigned)(ret < 0 ? -ret : 0));
	t->have_ca = 1;
	return 0;
}

static int
copy_tlsa(struct au_tls *t, const struct au_endpoint *ep,
    struct au_diag *diag)
{
	size_t i;

	if (ep->ntlsa > AU_HTTP_TLSA_MAX)
		return au_diag_set(diag, AU_EUSAGE,
		    "%zu TLSA records for %s, at most %d are taken",
		    ep->ntlsa, ep->host, AU_HTTP_TLSA_MAX);
	t->ntlsa_given = ep->ntlsa;
	for (i = 0; i < ep->ntlsa; i++)
		if (au_tls_tlsa_usable(&ep->tlsa[i]))
			t->tlsa[t->ntlsa++] = ep->tlsa[i];
	if ((t->auth == AU_TLS_DANE || t->auth == AU_TLS_DANE_AND_CA) &&
	    t->ntlsa == 0)
		return au_diag_set(diag, AU_ETLS,
		    "DANE required for %s but none of its %zu secure TLSA "
		    "records is usable (DANE-EE 3 or DANE-TA 2, selector 0|1, "
		    "matching 0|1|2)", ep->host, ep->ntlsa);
	return 0;
}

static int
configure(struct au_tls *t, struct au_diag *diag)
{
	static const unsigned char pers[] = "aiupdate-tls";
	int ret;

	ret = mbedtls_ctr_drbg_seed(&t->drbg, entropy, NULL, pers,
	    sizeof(pers) - 1);
	if (ret == 0)
		ret = mbedtls_ssl_config_defaults(&t->conf,
		    MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
		    MBEDTLS_SSL_PRESET_DEFAULT);
	if (ret != 0)
		return mbed_fail(diag, AU_ETLS, ret, "TLS set-up", t->host);
	mbedtls_ssl_conf_min_version(&t->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
	    MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
	/*
	 * mbedTLS refuses REQUIRED without a CA chain; DANE-only runs
	 * OPTIONAL and au_tls_handshake() checks the result itself (it
	 * does so in every mode).
	 */
	mbedtls_ssl_conf_authmode(&t->conf, t->have_ca ?
	    MBEDTLS_SSL_VERIFY_REQUIRED : MBEDTLS_SSL_VERIFY_OPTIONAL);
	if (t->have_ca)
		mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
	mbedtls_ssl_conf_verify(&t->conf, verify_cb, t);
	ret = mbedtls_ssl_setup(&t->ssl, &t->conf);
	if (ret != 0)
		return mbed_fail(diag, AU_ETLS, ret, "TLS set-up", t->host);
	return 0;
}

int
au_tls_new(const struct au_endpoint *ep, struct au_tls **out,
    struct au_diag *diag)
{
	struct au_tls *t;
	int rc;

	if (strlen(ep->host) > AU_HTTP_HOST_MAX)
		return au_diag_set(diag, AU_EUSAGE, "host name too long");
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	mbedtls_ssl_init(&t->ssl);
	mbedtls_ssl_config_init(&t->conf);
	mbedtls_x509_crt_init(&t->ca);
	mbedtls_ctr_drbg_init(&t->drbg);
	memcpy(t->host, ep->host, strlen(ep->host) + 1);
	t->auth = ep->auth;
	t->verify_time = ep->verify_time;
	t->used = "";
	rc = copy_tlsa(t, ep, diag);
	if (rc == 0 && !dane_decides(t))	/* DANE alone needs no CA bundle */
		rc = load_ca(t, ep->ca_file, diag);
	if (rc == 0)
		rc = configure(t, diag);
	if (rc != 0) {
		au_tls_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void
au_tls_free(struct au_tls *t)
{
	if (t == NULL)
		return;
	mbedtls_ssl_free(&t->ssl);
	mbedtls_ssl_config_free(&t->conf);
	mbedtls_x509_crt_free(&t->ca);
	mbedtls_ctr_drbg_free(&t->drbg);
	free(t);
}

/* mbedTLS's verify text is one line per flag: join them with "; ". */
static void
flags_text(uint32_t flags, char *out, size_t size)
{
	char raw[FLAGS_TEXT_MAX];
	size_t i, o = 0;

	if (mbedtls_x509_crt_verify_info(raw, sizeof(raw), "", flags) < 0)
		raw[0] = '\0';
	for (i = 0; raw[i] != '\0' && o + 3 < size; i++) {
		if (raw[i] != '\n') {
			out[o++] = raw[i];
		} else if (raw[i + 1] != '\0') {
			out[o++] = ';';
			out[o++] = ' ';
		}
	}
	out[o] = '\0';
}

static int
verify_error(struct au_tls *t, uint32_t flags, int ret, struct au_diag *diag)
{
	char info[FLAGS_TEXT_MAX];

	if (dane_needed(t) && t->leaf_seen && !t->dane_ok)
		return au_diag_sys(diag, AU_ETLS, ret,
		    "DANE: none of the %zu usable TLSA records of %s matches "
		    "the server's certificate chain (leaf for %s; its SPKI "
		    "SHA-256 is %s; TLSA 3 1 1 %s would match it)",
		    t->ntlsa, t->host, t->peer[0] ? t->peer : "(no name)",
		    t->spki_hex, t->spki_hex);
	if (t->no_dns_id)
		return au_diag_sys(diag, AU_ETLS, ret, "certificate \"%s\" has "
		    "no DNS name (subjectAltName dNSName), so it cannot be for "
		    "%s: a Common Name is never used as the host name (RFC 9525 "
		    "section 6.3)", t->peer[0] ? t->peer : "(no name)", t->host);
	flags_text(flags, info, sizeof(info));
	return au_diag_sys(diag, AU_ETLS, ret,
	    "certificate for %s, expected %s: %s (verify flags 0x%05x)",
	    t->peer[0] ? t->peer : "(no name)", t->host,
	    info[0] ? info : "verification did not complete", (unsigned)flags);
}

static int
io_error(struct au_tls *t, int ret, const char *what, struct au_diag *diag)
{
	if (ret == MBEDTLS_ERR_SSL_TIMEOUT)
		return au_diag_sys(diag, AU_ETIMEOUT, ret,
		    "TLS %s with %s: timed out", what, t->host);
	if (ret == MBEDTLS_ERR_NET_RECV_FAILED ||
	    ret == MBEDTLS_ERR_NET_SEND_FAILED)
		return au_diag_sys(diag, AU_ECONNECT, ret,
		    "TLS %s with %s: connection lost", what, t->host);
	if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED)
		return verify_error(t, mbedtls_ssl_get_verify_result(&t->ssl),
		    ret, diag);
	return mbed_fail(diag, AU_ETLS, ret, what, t->host);
}

/* Every mode checks the final result here, also when mbedTLS was OPTIONAL. */
static int
check_result(struct au_tls *t, struct au_diag *diag)
{
	uint32_t flags = mbedtls_ssl_get_verify_result(&t->ssl);

	if (flags != 0 || !t->leaf_seen || (dane_needed(t) && !t->dane_ok))
		return verify_error(t, flags,
		    MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, diag);
	if (t->auth == AU_TLS_DANE_AND_CA)
		t->used = t->dane_ok == 3 ? "DANE-EE+CA" : "DANE-TA+CA";
	else if (dane_decides(t))
		t->used = t->dane_ok == 3 ? "DANE-EE" : "DANE-TA";
	else
		t->used = "CA";
	return 0;
}

int
au_tls_handshake(struct au_tls *t, void *io, au_tls_send_fn send,
    au_tls_recv_fn recv, struct au_diag *diag)
{
	int ret;

	t->deferred = 0;
	t->leaf_seen = 0;
	t->dane_ok = 0;
	t->no_dns_id = 0;
	t->peer[0] = '\0';
	t->spki_hex[0] = '\0';
	t->leaf_not_after = t->chain_not_after = 0;
	t->used = "";
	ret = mbedtls_ssl_session_reset(&t->ssl);
	if (ret == 0)	/* always: without it mbedTLS checks no name */
		ret = mbedtls_ssl_set_hostname(&t->ssl, t->host);
	if (ret != 0)
		return mbed_fail(diag, AU_ETLS, ret, "TLS set-up", t->host);
	mbedtls_ssl_set_bio(&t->ssl, io, send, recv, NULL);
	do {
		ret = mbedtls_ssl_handshake(&t->ssl);
	} while (ret == MBEDTLS_ERR_SSL_WANT_READ ||
	    ret == MBEDTLS_ERR_SSL_WANT_WRITE);
	if (ret != 0)
		return io_error(t, ret, "handshake", diag);
	return check_result(t, diag);
}

int
au_tls_read(struct au_tls *t, uint8_t *buf, size_t len, size_t *n,
    int *clean, struct au_diag *diag)
{
	int ret;

	do {
		ret = mbedtls_ssl_read(&t->ssl, buf, len);
	} while (ret == MBEDTLS_ERR_SSL_WANT_READ ||
	    ret == MBEDTLS_ERR_SSL_WANT_WRITE);
	if (ret > 0) {
		*n = (size_t)ret;
		*clean = 0;
		return 0;
	}
	if (ret == 0 || ret == MBEDTLS_ERR_SSL_CONN_EOF ||
	    ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
		*n = 0;
		*clean = ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY;
		return 0;
	}
	return io_error(t, ret, "read", diag);
}

int
au_tls_write(struct au_tls *t, const uint8_t *buf, size_t len,
    struct au_diag *diag)
{
	size_t off = 0;
	int ret;

	while (off < len) {
		ret = mbedtls_ssl_write(&t->ssl, buf + off, len - off);
		if (ret == MBEDTLS_ERR_SSL_WANT_READ ||
		    ret == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (ret < 0)
			return io_error(t, ret, "write", diag);
		off += (size_t)ret;
	}
	return 0;
}

void
au_tls_close_notify(struct au_tls *t)
{
	(void)mbedtls_ssl_close_notify(&t->ssl);
}

const char *
au_tls_auth_used(const struct au_tls *t)
{
	return t->used;
}

size_t
au_tls_pending(const struct au_tls *t)
{
	return mbedtls_ssl_get_bytes_avail(&t->ssl);
}

void
au_tls_peer_info(const struct au_tls *t, struct au_tls_peer *out)
{
	const char *v, *c;

	memset(out, 0, sizeof(*out));
	if (t == NULL || t->used[0] == '\0')
		return;
	v = mbedtls_ssl_get_version(&t->ssl);
	c = mbedtls_ssl_get_ciphersuite(&t->ssl);
	(void)snprintf(out->version, sizeof(out->version), "%s", v ? v : "");
	(void)snprintf(out->cipher, sizeof(out->cipher), "%s", c ? c : "");
	(void)snprintf(out->name, sizeof(out->name), "%s", t->peer);
	(void)snprintf(out->spki_sha256, sizeof(out->spki_sha256), "%s",
	    t->spki_hex);
	out->leaf_not_after = t->leaf_not_after;
	out->chain_not_after = t->chain_not_after;
	out->auth = t->used;
}
