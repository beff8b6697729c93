/* SPDX-License-Identifier: ISC */
/*
 * repo/cmd_dns.c - `aiupdate-repo dns-records`: the zone-file lines a
 * publisher adds to a DNSSEC-signed zone: SRV (RFC 2782), TXT path and
 * TLSA 3 1 1 (DANE-EE, SPKI, SHA-256: RFC 6698 section 2, RFC 7671) for a
 * server certificate (--cert) or key (--key), and TLSA 2 0 1 (DANE-TA, the
 * CA certificate's SHA-256, RFC 7671 section 5.2) for an issuing CA (--ca).
 */
#include "repo/repo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>
#include <sodium.h>

#include "manifest/json.h"
#include "manifest/tuf.h"
#include "port/port.h"

#include "port/ban.h"

#define DNS_NAME_MAX 253	/* presentation form without the final dot */
#define DNS_PATH_MAX 200	/* "path=" + this fits one 255-byte TXT string */
#define DNS_TTL_DEFAULT 3600
#define DNS_TTL_MAX 2147483647	/* RFC 2181 section 8 */
#define CERT_FILE_MAX 65536	/* --cert PEM or DER file */
#define SPKI_DER_MAX 2048	/* DER SubjectPublicKeyInfo of a P-256/RSA-4096 key */

/* Hostname-ish: letters, digits, '-', '_', dots between non-empty labels. */
static int
name_ok(const char *s)
{
	size_t n = strlen(s), i, label = 0;

	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n > DNS_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_') || ++label > 63)
			return 0;
	}
	return label > 0;
}

/* Printable ASCII, no quote, backslash or space; starts with '/'. */
static int
path_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > DNS_PATH_MAX || s[0] != '/')
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '"' || s[i] == '\\')
			return 0;
	return 1;
}

/* Decimal in [lo, hi]. */
static int
num_ok(const char *s, long long lo, long long hi, long long *out)
{
	long long v = 0;

	if (*s == '\0')
		return 0;
	for (; *s >= '0' && *s <= '9'; s++)
		if ((v = v * 10 + (*s - '0')) > hi)
			return 0;
	if (*s != '\0' || v < lo)
		return 0;
	*out = v;
	return 1;
}

/* hex = SHA-256 of the certificate's DER SubjectPublicKeyInfo. */
static int
tlsa_311(const char *path, char hex[65], struct au_diag *diag)
{
	unsigned char der[SPKI_DER_MAX];
	mbedtls_x509_crt crt;
	uint8_t *pem = NULL;
	size_t len = 0;
	int rc, n;

	if ((rc = au_file_read_all(path, CERT_FILE_MAX, &pem, &len, diag)) != 0)
		return rc == AU_EIO || rc == AU_ETOOBIG ? au_diag_set(diag, AU_EUSAGE,
		    "cannot read --cert %s (missing, unreadable or over %d bytes)",
		    path, CERT_FILE_MAX) : rc;
	mbedtls_x509_crt_init(&crt);
	/* PEM is parsed only with its NUL counted; DER without it. */
	n = mbedtls_x509_crt_parse(&crt, pem, memmem(pem, len, "-----BEGIN", 10) ?
	    len + 1 : len);
	if (n != 0)
		rc = au_diag_sys(diag, AU_EUSAGE, n, "%s is not a PEM or DER X.509 "
		    "certificate (mbedTLS -0x%04x)", path, (unsigned)-n);
	else if ((n = mbedtls_pk_write_pubkey_der(&crt.pk, der, sizeof(der))) <= 0)
		rc = au_diag_sys(diag, AU_EINTERNAL, n, "cannot encode the public "
		    "key of %s (mbedTLS -0x%04x)", path, (unsigned)-n);
	else	/* written at the END of der */
		au_repo_sha256_hex(der + sizeof(der) - (size_t)n, (size_t)n, hex);
	mbedtls_x509_crt_free(&crt);
	free(pem);
	return rc;
}

/* hex = SHA-256 of the DER SubjectPublicKeyInfo of a PEM/DER key file
 * (public or private: only the public part is used). */
static int
tlsa_key(const char *path, char hex[65], struct au_diag *diag)
{
	unsigned char der[SPKI_DER_MAX];
	mbedtls_pk_context pk;
	int rc = 0, n;

	mbedtls_pk_init(&pk);
	n = mbedtls_pk_parse_public_keyfile(&pk, path);
	if (n != 0)
		n = mbedtls_pk_parse_keyfile(&pk, path, NULL);
	if (n != 0)
		rc = au_diag_sys(diag, AU_EUSAGE, n, "--key %s is not a PEM or DER "
		    "public or private key (mbedTLS -0x%04x)", path, (unsigned)-n);
	else if ((n = mbedtls_pk_write_pubkey_der(&pk, der, sizeof(der))) <= 0)
		rc = au_diag_sys(diag, AU_EINTERNAL, n, "cannot encode the public "
		    "key of %s (mbedTLS -0x%04x)", path, (unsigned)-n);
	else	/* written at the END of der */
		au_repo_sha256_hex(der + sizeof(der) - (size_t)n, (size_t)n, hex);
	mbedtls_pk_free(&pk);
	return rc;
}

/* hex = SHA-256 of a CA certificate's DER (TLSA 2 0 1). */
static int
tlsa_ca(const char *path, char hex[65], struct au_diag *diag)
{
	mbedtls_x509_crt crt;
	uint8_t *pem = NULL;
	size_t len = 0;
	int rc, n;

	if ((rc = au_file_read_all(path, CERT_FILE_MAX, &pem, &len, diag)) != 0)
		return au_diag_set(diag, AU_EUSAGE, "cannot read --ca %s", path);
	mbedtls_x509_crt_init(&crt);
	n = mbedtls_x509_crt_parse(&crt, pem, memmem(pem, len, "-----BEGIN", 10) ?
	    len + 1 : len);
	if (n != 0)
		rc = au_diag_sys(diag, AU_EUSAGE, n, "%s is not a PEM or DER X.509 "
		    "certificate (mbedTLS -0x%04x)", path, (unsigned)-n);
	else if (!crt.ca_istrue)
		rc = au_diag_set(diag, AU_EUSAGE, "--ca %s is not a CA certificate "
		    "(basicConstraints CA:FALSE)", path);
	else
		au_repo_sha256_hex(crt.raw.p, crt.raw.len, hex);
	mbedtls_x509_crt_free(&crt);
	free(pem);
	return rc;
}

/* A comment line naming root.json's version, hash and root keyids. */
static int
root_comment(const char *dir, struct au_diag *diag)
{
	char path[AU_REPO_PATH_MAX], sha[65];
	json_t *doc = NULL, *sgn, *id;
	uint8_t *buf = NULL;
	size_t len = 0, i;
	int rc;

	if ((rc = au_repo_path(path, sizeof(path), dir, "public/metadata/root.json",
	    diag)) != 0 ||
	    (rc = au_file_read_all(path, AU_ROOT_MAX_BYTES, &buf, &len, diag)) != 0)
		return rc == AU_EIO ? au_diag_set(diag, AU_ECONFIG, "cannot read %s: "
		    "is %s an initialised repository?", path, dir) : rc;
	au_repo_sha256_hex(buf, len, sha);
	rc = au_json_parse(buf, len, AU_ROOT_MAX_BYTES, &doc, diag);
	free(buf);
	if (rc != 0)
		return au_diag_set(diag, AU_ECONFIG, "%s is not valid JSON", path);
	sgn = json_object_get(doc, "signed");
	printf("; root.json version %" PRId64 " sha256 %s; root keyids:",
	    (int64_t)json_integer_value(json_object_get(sgn, "version")), sha);
	json_array_foreach(json_object_get(json_object_get(json_object_get(sgn,
	    "roles"), "root"), "keyids"), i, id)
		printf(" %s", json_string_value(id) ? json_string_value(id) : "?");
	printf("\n");
	json_decref(doc);
	return 0;
}

static const char *
dot(const char *name)
{
	return name[strlen(name) - 1] == '.' ? "" : ".";
}

enum { O_DOMAIN, O_HOST, O_PORT, O_PATH, O_CERT, O_TTL, O_KEY, O_CA, O_COUNT };

/* Check every option before anything is printed. */
static int
check_opts(const struct au_repo_opt *o, long long *port, long long *ttl,
    struct au_diag *diag)
{
	if (o[O_DOMAIN].value == NULL || o[O_HOST].value == NULL ||
	    o[O_PORT].value == NULL)
		return au_diag_set(diag, AU_EUSAGE, "dns-records needs --domain, "
		    "--host and --port");
	if (!name_ok(o[O_DOMAIN].value) || !name_ok(o[O_HOST].value))
		return au_diag_set(diag, AU_EUSAGE, "--domain and --host must be DNS "
		    "names (letters, digits, '-', '_', dots)");
	if (!num_ok(o[O_PORT].value, 1, 65535, port))
		return au_diag_set(diag, AU_EUSAGE, "--port must be 1-65535");
	*ttl = DNS_TTL_DEFAULT;
	if (o[O_TTL].value != NULL && !num_ok(o[O_TTL].value, 0, DNS_TTL_MAX, ttl))
		return au_diag_set(diag, AU_EUSAGE, "--ttl must be 0-%d", DNS_TTL_MAX);
	if (o[O_PATH].value != NULL && !path_ok(o[O_PATH].value))
		return au_diag_set(diag, AU_EUSAGE, "--path must start with '/' and "
		    "hold at most %d printable characters without quotes, backslashes "
		    "or spaces", DNS_PATH_MAX);
	return 0;
}

int
au_repo_cmd_dns(int argc, char **argv, struct au_diag *diag)
{
	struct au_repo_opt o[O_COUNT] = { { "--domain", 1, NULL },
	    { "--host", 1, NULL }, { "--port", 1, NULL }, { "--path", 1, NULL },
	    { "--cert", 1, NULL }, { "--ttl", 1, NULL }, { "--key", 1, NULL },
	    { "--ca", 1, NULL } };
	const char *pos[1], *d, *h;
	long long port = 0, ttl = 0;
	char tlsa[65], ktlsa[65], catlsa[65];
	int rc;

	if ((rc = au_repo_args(argc, argv, o, O_COUNT, pos, 1, 1, diag)) != 0 ||
	    (rc = check_opts(o, &port, &ttl, diag)) != 0)
		return rc;
	if (o[O_CERT].value != NULL &&
	    (rc = tlsa_311(o[O_CERT].value, tlsa, diag)) != 0)
		return rc;
	if (o[O_KEY].value != NULL &&
	    (rc = tlsa_key(o[O_KEY].value, ktlsa, diag)) != 0)
		return rc;
	if (o[O_CA].value != NULL &&
	    (rc = tlsa_ca(o[O_CA].value, catlsa, diag)) != 0)
		return rc;
	if ((rc = root_comment(pos[0], diag)) != 0)
		return rc;
	d = o[O_DOMAIN].value;
	h = o[O_HOST].value;
	printf("_aiupdate._tcp.%s%s %lld IN SRV 0 0 %lld %s%s\n", d, dot(d), ttl,
	    port, h, dot(h));
	if (o[O_PATH].value != NULL)
		printf("_aiupdate._tcp.%s%s %lld IN TXT \"path=%s\"\n", d, dot(d), ttl,
		    o[O_PATH].value);
	if (o[O_CERT].value != NULL)
		printf("_%lld._tcp.%s%s %lld IN TLSA 3 1 1 %s\n", port, h, dot(h), ttl,
		    tlsa);
	if (o[O_KEY].value != NULL && (o[O_CERT].value == NULL ||
	    strcmp(tlsa, ktlsa) != 0))	/* e.g. the next key, before a rollover */
		printf("_%lld._tcp.%s%s %lld IN TLSA 3 1 1 %s\n", port, h, dot(h), ttl,
		    ktlsa);
	if (o[O_CA].value != NULL)
		printf("_%lld._tcp.%s%s %lld IN TLSA 2 0 1 %s\n", port, h, dot(h), ttl,
		    catlsa);
	return 0;
}
