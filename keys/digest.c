/* SPDX-License-Identifier: ISC */
/* keys/digest.c - artifact SHA-256 over Nettle or libsodium (digest.h). */
#include "keys/digest.h"

#ifdef AU_SHA256_SODIUM
#include <sodium.h>
typedef crypto_hash_sha256_state impl_state;
#else
#include <nettle/sha2.h>
typedef struct sha256_ctx impl_state;
#endif

#include "port/ban.h"

_Static_assert(sizeof(impl_state) <= AU_SHA256_STATE_BYTES,
    "AU_SHA256_STATE_BYTES too small for the SHA-256 state");
_Static_assert(_Alignof(impl_state) <= _Alignof(uint64_t),
    "SHA-256 state needs a stronger alignment");

static impl_state *
state(struct au_sha256 *h)
{
	return (impl_state *)(void *)h->u.raw;
}

#ifdef AU_SHA256_SODIUM

void
au_sha256_init(struct au_sha256 *h)
{
	(void)crypto_hash_sha256_init(state(h));
}

void
au_sha256_update(struct au_sha256 *h, const void *buf, size_t len)
{
	(void)crypto_hash_sha256_update(state(h), buf, len);
}

void
au_sha256_final(struct au_sha256 *h, uint8_t out[AU_SHA256_BYTES])
{
	(void)crypto_hash_sha256_final(state(h), out);
}

const char *
au_sha256_impl(void)
{
	return "libsodium";
}

#else

void
au_sha256_init(struct au_sha256 *h)
{
	sha256_init(state(h));
}

void
au_sha256_update(struct au_sha256 *h, const void *buf, size_t len)
{
	sha256_update(state(h), len, buf);
}

void
au_sha256_final(struct au_sha256 *h, uint8_t out[AU_SHA256_BYTES])
{
	sha256_digest(state(h), AU_SHA256_BYTES, out);
}

const char *
au_sha256_impl(void)
{
	return "nettle";
}

#endif
