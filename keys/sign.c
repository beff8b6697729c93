/* SPDX-License-Identifier: ISC */
/* keys/sign.c - Ed25519 key generation, key files and signing (publisher only). */
#include "keys/sign.h"

#include <string.h>

#include <sodium.h>

#include "port/port.h"

#include "port/ban.h"

#define KEYFILE_PREFIX "{\"keytype\":\"ed25519\",\"seed\":\""
#define KEYFILE_SUFFIX "\"}\n"
#define SEED_HEX_LEN (2 * AU_SIGN_SEED_BYTES)
#define KEYFILE_LEN (sizeof(KEYFILE_PREFIX) - 1 + SEED_HEX_LEN + \
    sizeof(KEYFILE_SUFFIX) - 1)
/* Secret scratch for loading: the file bytes (+1 to detect oversize), then the seed. */
#define LOAD_BUF_SIZE (AU_SIGN_KEYFILE_MAX + 1 + AU_SIGN_SEED_BYTES)

struct au_signkey {
	uint8_t sk[crypto_sign_ed25519_SECRETKEYBYTES];	/* seed || public */
	uint8_t pk[crypto_sign_ed25519_PUBLICKEYBYTES];
};

static int
key_alloc(struct au_signkey **out, struct au_diag *diag)
{
	struct au_signkey *k;

	if (sodium_init() < 0)
		return au_diag_set(diag, AU_EINTERNAL, "libsodium failed to initialise");
	k = sodium_malloc(sizeof(*k));
	if (k == NULL)
		return au_diag_set(diag, AU_ENOMEM, "sodium_malloc for a signing key failed");
	*out = k;
	return 0;
}

int
au_signkey_generate(struct au_signkey **out, struct au_diag *diag)
{
	struct au_signkey *k = NULL;
	int rc;

	if ((rc = key_alloc(&k, diag)) != 0)
		return rc;
	if (crypto_sign_ed25519_keypair(k->pk, k->sk) != 0) {
		au_signkey_free(k);
		return au_diag_set(diag, AU_EINTERNAL, "Ed25519 key generation failed");
	}
	*out = k;
	return 0;
}

/* Directory part of path into buf ("." when there is none). */
static int
dir_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL)
		return snprintf(buf, size, ".") < (int)size ? 0 : -1;
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= size)
		return -1;
	memcpy(buf, path, n);
	buf[n] = '\0';
	return 0;
}

static int
write_secret(const char *path, const uint8_t *buf, size_t len,
    struct au_diag *diag)
{
	struct au_file *f = NULL;
	char dir[4096];
	int rc;

	if (dir_of(path, dir, sizeof(dir)) != 0)
		return au_diag_set(diag, AU_EIO, "key file path too long: %s", path);
	if ((rc = au_file_create(path, 0600, &f, diag)) != 0)
		return rc;
	rc = au_file_write(f, buf, len, diag);
	if (rc == 0)
		rc = au_file_sync(f, diag);
	if (au_file_close(f) != 0 && rc == 0)
		rc = au_diag_set(diag, AU_EIO, "close %s failed", path);
	if (rc == 0)
		rc = au_dir_sync(dir, diag);
	if (rc != 0 && au_unlink(path, NULL) != 0) {
		/* never leave half a key; keep the first error for the caller */
	}
	return rc;
}

int
au_signkey_save(const struct au_signkey *key, const char *path,
    struct au_diag *diag)
{
	const size_t plen = sizeof(KEYFILE_PREFIX) - 1;
	char *buf;
	int rc;

	buf = sodium_malloc(KEYFILE_LEN + 1);
	if (buf == NULL)
		return au_diag_set(diag, AU_ENOMEM, "sodium_malloc for a key file failed");
	memcpy(buf, KEYFILE_PREFIX, plen);
	/* libsodium's secret key is seed || public key (RFC 8032 5.1.5). */
	sodium_bin2hex(buf + plen, SEED_HEX_LEN + 1, key->sk, AU_SIGN_SEED_BYTES);
	memcpy(buf + plen + SEED_HEX_LEN, KEYFILE_SUFFIX, sizeof(KEYFILE_SUFFIX) - 1);
	rc = write_secret(path, (const uint8_t *)buf, KEYFILE_LEN, diag);
	sodium_memzero(buf, KEYFILE_LEN + 1);
	sodium_free(buf);
	return rc;
}

/* Check that path is a private regular file of sane size. */
static int
check_keyfile(const char *path, struct au_diag *diag)
{
	struct au_stat st;
	int rc;

	if ((rc = au_stat(path, &st, diag)) != 0)
		return rc;
	if (st.type == AU_FT_NONE)
		return au_diag_sys(diag, AU_EIO, 2, "key file %s does not exist", path);
	if (st.type != AU_FT_FILE)
		return au_diag_set(diag, AU_ECONFIG,
		    "key file %s is not a regular file (symlinks are refused)", path);
	if ((st.mode & 077) != 0)
		return au_diag_set(diag, AU_ECONFIG,
		    "key file %s has mode %03o; refusing a group/world-accessible "
		    "private key (chmod 600 it)", path, st.mode & 0777);
	if (st.size > AU_SIGN_KEYFILE_MAX)
		return au_diag_set(diag, AU_ECONFIG, "key file %s is larger than %d bytes",
		    path, AU_SIGN_KEYFILE_MAX);
	return 0;
}

/* Read at most size bytes of path into buf. */
static int
read_small(const char *path, char *buf, size_t size, size_t *len,
    struct au_diag *diag)
{
	struct au_file *f = NULL;
	size_t got, total = 0;
	int rc;

	if ((rc = au_file_open_read(path, &f, diag)) != 0)
		return rc;
	do {
		rc = au_file_read(f, buf + total, size - total, &got, diag);
		total += got;
	} while (rc == 0 && got != 0 && total < size);
	(void)au_file_close(f);
	if (rc == 0)
		*len = total;
	return rc;
}

/* Parse the key file bytes into seed; 0 or AU_ECONFIG. */
static int
parse_keyfile(const char *buf, size_t len, uint8_t *seed)
{
	const size_t plen = sizeof(KEYFILE_PREFIX) - 1;
	const char *end = NULL;
	size_t bin_len = 0, rest;

	if (len < plen + SEED_HEX_LEN + 2 || memcmp(buf, KEYFILE_PREFIX, plen) != 0)
		return AU_ECONFIG;
	if (sodium_hex2bin(seed, AU_SIGN_SEED_BYTES, buf + plen, SEED_HEX_LEN,
	    NULL, &bin_len, &end) != 0 || bin_len != AU_SIGN_SEED_BYTES ||
	    end != buf + plen + SEED_HEX_LEN)
		return AU_ECONFIG;
	rest = len - plen - SEED_HEX_LEN;
	if (rest == 2 && memcmp(end, "\"}", 2) == 0)
		return 0;
	if (rest == 3 && memcmp(end, "\"}\n", 3) == 0)
		return 0;
	return AU_ECONFIG;
}

int
au_signkey_load(const char *path, struct au_signkey **out, struct au_diag *diag)
{
	struct au_signkey *k = NULL;
	char *buf = NULL;
	uint8_t *seed;
	size_t len = 0;
	int rc;

	if ((rc = check_keyfile(path, diag)) != 0)
		return rc;
	if ((rc = key_alloc(&k, diag)) != 0)
		return rc;
	buf = sodium_malloc(LOAD_BUF_SIZE);
	if (buf == NULL) {
		rc = au_diag_set(diag, AU_ENOMEM, "sodium_malloc for a key file failed");
		goto out;
	}
	if ((rc = read_small(path, buf, AU_SIGN_KEYFILE_MAX + 1, &len, diag)) != 0)
		goto out;
	seed = (uint8_t *)buf + AU_SIGN_KEYFILE_MAX + 1;
	if (len > AU_SIGN_KEYFILE_MAX || parse_keyfile(buf, len, seed) != 0) {
		rc = au_diag_set(diag, AU_ECONFIG,
		    "key file %s is not an aiupdate ed25519 private key", path);
		goto out;
	}
	/* seed must not alias sk: libsodium hashes it into sk, then copies it. */
	if (crypto_sign_ed25519_seed_keypair(k->pk, k->sk, seed) != 0)
		rc = au_diag_set(diag, AU_EINTERNAL, "Ed25519 key expansion failed");
out:
	if (buf != NULL) {
		sodium_memzero(buf, LOAD_BUF_SIZE);
		sodium_free(buf);
	}
	if (rc != 0)
		au_signkey_free(k);
	else
		*out = k;
	return rc;
}

const uint8_t *
au_signkey_public(const struct au_signkey *key)
{
	return key->pk;
}

int
au_signkey_sign(const struct au_signkey *key, const uint8_t *msg, size_t len,
    uint8_t sig[AU_SIGN_SIG_BYTES], struct au_diag *diag)
{
	if (len > AU_SIGN_MSG_MAX)
		return au_diag_set(diag, AU_ETOOBIG, "message of %zu bytes is over the "
		    "signing limit of %u bytes", len, AU_SIGN_MSG_MAX);
	if (crypto_sign_ed25519_detached(sig, NULL, msg, len, key->sk) != 0)
		return au_diag_set(diag, AU_EINTERNAL, "Ed25519 signing failed");
	return 0;
}

void
au_signkey_free(struct au_signkey *key)
{
	if (key == NULL)
		return;
	sodium_memzero(key, sizeof(*key));
	sodium_free(key);
}
