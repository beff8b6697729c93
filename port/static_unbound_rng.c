/* SPDX-License-Identifier: ISC */
/*
 * port/static_unbound_rng.c - libunbound's random numbers from libsodium in
 * the static build (make STATIC=1; issue 15, the cost of a --check).
 *
 * Debian's libunbound draws its query IDs and source ports from Nettle's
 * Yarrow, and seeding a Yarrow generator runs 1,500 SHA-256 rounds: it is
 * seeded once for the context and once for its worker, 19.2 M of the
 * 127.6 M instructions of an up-to-date --check (callgrind; tlsget's whole
 * GET is 89 M).  The static binary links libunbound's archive with
 * -Wl,--wrap for its four random functions (util/random.h, unbound 1.17),
 * which land here: libsodium's randombytes (the kernel's getrandom(2), a
 * CSPRNG as good as Yarrow for IDs and ports), already linked for the
 * signatures.  Their contract is kept: ub_random() is uniform in
 * [0, 2^31), ub_random_max(x) uniform in [0, x), ub_initstate() NULL when
 * the generator cannot be set up (libunbound then fails the context).
 * A shared libunbound keeps its own generator (its calls stay inside it).
 */
#include <stdint.h>
#include <stdlib.h>

#include <sodium.h>

#include "port/ban.h"

struct ub_randstate {
	int ready;
};

/* Declared here: the linker's --wrap gives them their callers. */
struct ub_randstate *__wrap_ub_initstate(struct ub_randstate *from);
long int __wrap_ub_random(struct ub_randstate *s);
long int __wrap_ub_random_max(struct ub_randstate *s, long int x);
void __wrap_ub_randfree(struct ub_randstate *s);

struct ub_randstate *
__wrap_ub_initstate(struct ub_randstate *from)
{
	struct ub_randstate *s;

	(void)from;
	if (sodium_init() < 0)	/* idempotent, thread-safe */
		return NULL;
	s = calloc(1, sizeof(*s));
	if (s != NULL)
		s->ready = 1;
	return s;
}

long int
__wrap_ub_random(struct ub_randstate *s)
{
	(void)s;
	return (long int)(randombytes_random() & 0x7fffffffu);
}

long int
__wrap_ub_random_max(struct ub_randstate *s, long int x)
{
	(void)s;
	if (x <= 1)
		return 0;
	if (x > 0x7fffffffL)
		x = 0x7fffffffL;
	return (long int)randombytes_uniform((uint32_t)x);
}

void
__wrap_ub_randfree(struct ub_randstate *s)
{
	free(s);
}
