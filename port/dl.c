/* SPDX-License-Identifier: ISC */
/*
 * port/dl.c - au_dl_load (port/port.h) through dlopen: its own object, so
 * that a build that links every library (make LIBARCHIVE=link, make
 * STATIC=1) never pulls dlopen in (a static glibc's dlopen needs the
 * shared libc of the build machine at run time).
 */
#include "port/port.h"

#include <dlfcn.h>

#include "port/ban.h"

int
au_dl_load(const char *soname, const char *const names[], void *syms[],
    size_t n, struct au_diag *diag)
{
	const char *e;
	void *h;
	size_t i;

	h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		e = dlerror();
		return au_diag_set(diag, AU_EINSTALL, "cannot load %s: %s",
		    soname, e != NULL ? e : "no detail");
	}
	for (i = 0; i < n; i++) {
		(void)dlerror();
		syms[i] = dlsym(h, names[i]);
		if (syms[i] == NULL)
			return au_diag_set(diag, AU_EINSTALL, "%s has no "
			    "symbol %s", soname, names[i]);
	}
	return 0;	/* h is kept: the symbols live as long as the process */
}
