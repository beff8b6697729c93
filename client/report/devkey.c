/* SPDX-License-Identifier: ISC */
/* client/report/devkey.c - the device's Ed25519 report key in state_dir. */
#include "client/report/devkey.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "port/port.h"
#include "port/ban.h"

#define PREFIX "whsk_"
#define SEED_BYTES crypto_sign_SEEDBYTES	/* 32 */

struct au_devkey {
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
};

static int
key_path(const char *state_dir, char *buf, size_t size, struct au_diag *diag)
{
	int n = snprintf(buf, size, "%s/%s", state_dir, AU_DEVKEY_FILE);

	if (n < 0 || (size_t)n >= size)
		return au_diag_set(diag, AU_ECONFIG, "state_dir too long");
	return 0;
}

static int
from_seed(const uint8_t seed[SEED_BYTES], struct au_devkey **out,
    struct au_diag *diag)
{
	struct au_devkey *k = sodium_malloc(sizeof(*k));

	if (k == NULL)
		return au_diag_set(diag, AU_ENOMEM, "device key: out of memory");
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
	*out = k;
	return 0;
}

/* Parse the key file's bytes (secret: the caller wipes buf). */
static int
parse(const char *path, const uint8_t *buf, size_t len, struct au_devkey **out,
    struct au_diag *diag)
{
	uint8_t seed[SEED_BYTES];
	size_t pl = sizeof(PREFIX) - 1, got = 0;
	const char *end = NULL;
	int rc;

	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len < pl || memcmp(buf, PREFIX, pl) != 0 ||
	    sodium_base642bin(seed, sizeof(seed), (const char *)buf + pl, len - pl,
	    NULL, &got, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != sizeof(seed) || end != (const char *)buf + len)
		return au_diag_set(diag, AU_ECONFIG, "device key %s: not one line "
		    "\"whsk_\" and the base64 of a 32-byte seed", path);
	rc = from_seed(seed, out, diag);
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

static int
load(const char *path, struct au_devkey **out, struct au_diag *diag)
{
	struct au_stat st;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	if ((rc = au_stat(path, &st, diag)) != 0)
		return rc;
	if (st.type != AU_FT_FILE || (st.mode & 077) != 0)
		return au_diag_set(diag, AU_ECONFIG, "device key %s: not a regular "
		    "file of mode 0600 (mode %03o)", path, st.mode & 0777);
	rc = au_file_read_all(path, AU_DEVKEY_FILE_MAX, &buf, &len, diag);
	if (rc == AU_ETOOBIG)
		rc = au_diag_set(diag, AU_ECONFIG, "device key %s: over %d bytes",
		    path, AU_DEVKEY_FILE_MAX);
	if (rc == 0)
		rc = parse(path, buf, len, out, diag);
	if (buf != NULL)
		sodium_memzero(buf, len);
	free(buf);
	return rc;
}

static int
create(const char *path, struct au_devkey **out, struct au_diag *diag)
{
	uint8_t seed[SEED_BYTES];
	char line[sizeof(PREFIX) + sodium_base64_ENCODED_LEN(SEED_BYTES,
	    sodium_base64_VARIANT_ORIGINAL) + 1];
	size_t pl = sizeof(PREFIX) - 1;
	int rc;

	randombytes_buf(seed, sizeof(seed));
	memcpy(line, PREFIX, pl);
	sodium_bin2base64(line + pl, sizeof(line) - pl, seed, sizeof(seed),
	    sodium_base64_VARIANT_ORIGINAL);
	pl = strlen(line);
	line[pl++] = '\n';
	rc = au_file_replace(path, line, pl, 0600, diag);
	if (rc == 0)
		rc = from_seed(seed, out, diag);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(line, sizeof(line));
	return rc;
}

int
au_devkey_load(const char *state_dir, int make, struct au_devkey **out,
    int *created, struct au_diag *diag)
{
	char path[4096];
	struct au_stat st;
	int rc;

	if (sodium_init() < 0)
		return au_diag_set(diag, AU_EINTERNAL, "libsodium init failed");
	if ((rc = key_path(state_dir, path, sizeof(path), diag)) != 0 ||
	    (rc = au_stat(path, &st, diag)) != 0)
		return rc;
	if (created != NULL)
		*created = 0;
	if (st.type != AU_FT_NONE)
		return load(path, out, diag);
	if (!make)
		return au_diag_sys(diag, AU_EIO, 2, "device key %s: none yet "
		    "(made by the first reporting run or --device-key)", path);
	if ((rc = au_mkdir_p(state_dir, 0755, diag)) != 0 ||
	    (rc = create(path, out, diag)) != 0)
		return rc;
	if (created != NULL)
		*created = 1;
	return 0;
}

const uint8_t *
au_devkey_sk(const struct au_devkey *k)
{
	return k->sk;
}

const uint8_t *
au_devkey_pk(const struct au_devkey *k)
{
	return k->pk;
}

void
au_devkey_free(struct au_devkey *k)
{
	sodium_free(k);	/* wipes; NULL is fine */
}
