/* SPDX-License-Identifier: ISC */
/* client/install/libarchive_dl.c - see client/install/libarchive_dl.h. */
#include "client/install/libarchive_dl.h"

#include <stddef.h>

#include "port/port.h"

#include "port/ban.h"

#ifdef AU_LIBARCHIVE_LINKED

static const struct au_libarchive linked = {
#define AU_LA_INIT(f) f,
	AU_LA_FUNCTIONS(AU_LA_INIT)
#undef AU_LA_INIT
};

int
au_libarchive(const struct au_libarchive **out, struct au_diag *diag)
{
	(void)diag;
	*out = &linked;
	return 0;
}

#else

#define AU_LA_NAME(f) #f,
static const char *const names[] = { AU_LA_FUNCTIONS(AU_LA_NAME) };
#undef AU_LA_NAME
#define AU_LA_ONE(f) + 1
enum { NFUNCS = 0 AU_LA_FUNCTIONS(AU_LA_ONE) };
#undef AU_LA_ONE

static struct au_libarchive table;
static int loaded;

int
au_libarchive(const struct au_libarchive **out, struct au_diag *diag)
{
	void *syms[NFUNCS];
	size_t i = 0;
	int rc;

	if (!loaded) {
		rc = au_dl_load(AU_LIBARCHIVE_SONAME, names, syms, NFUNCS,
		    diag);
		if (rc != 0)
			return rc;
		/* POSIX dlsym(): a function's address comes back as void *. */
#define AU_LA_SET(f) *(void **)&table.f = syms[i++];
		AU_LA_FUNCTIONS(AU_LA_SET)
#undef AU_LA_SET
		loaded = 1;
	}
	*out = &table;
	return 0;
}

#endif
