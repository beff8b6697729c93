/* SPDX-License-Identifier: ISC */
/* client/cli.c - error class to exit status. */
#include "client/cli.h"

#include "port/err.h"
#include "port/ban.h"

int
au_exit_status(int err)
{
	switch (au_err_class(err)) {
	case AU_OK: return AU_EXIT_OK;
	case -100: return AU_EXIT_USAGE;
	case -200: return AU_EXIT_DISCOVERY;
	case -300: return AU_EXIT_TRANSPORT;
	case -400: return AU_EXIT_METADATA;
	case -500: return AU_EXIT_ARTIFACT;
	case -600: return AU_EXIT_INSTALL;
	case -700: return AU_EXIT_HEALTH;
	case -800: return AU_EXIT_CLOCK;
	case -900: return AU_EXIT_NOSPACE;
	case -1000: return AU_EXIT_LOCKED;
	default: return AU_EXIT_INTERNAL;
	}
}
