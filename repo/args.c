/* SPDX-License-Identifier: ISC */
/* repo/args.c - the small option parser shared by aiupdate-repo's subcommands. */
#include "repo/repo.h"

#include <string.h>

#include "port/ban.h"

static struct au_repo_opt *
find_opt(struct au_repo_opt *opts, size_t nopts, const char *arg, size_t len)
{
	size_t i;

	for (i = 0; i < nopts; i++)
		if (strlen(opts[i].name) == len && memcmp(opts[i].name, arg, len) == 0)
			return &opts[i];
	return NULL;
}

/* Handle the option at argv[*i]; may consume argv[*i + 1]. */
static int
take_opt(int argc, char **argv, int *i, struct au_repo_opt *opts,
    size_t nopts, struct au_diag *diag)
{
	const char *arg = argv[*i], *eq = strchr(arg, '=');
	size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	struct au_repo_opt *o = find_opt(opts, nopts, arg, len);

	if (o == NULL)
		return au_diag_set(diag, AU_EUSAGE, "unknown option %.*s for %s",
		    (int)len, arg, argv[0]);
	if (!o->takes_value) {
		if (eq != NULL)
			return au_diag_set(diag, AU_EUSAGE, "%s takes no value", o->name);
		o->value = "1";
		return 0;
	}
	if (eq != NULL) {
		o->value = eq + 1;
		return 0;
	}
	if (*i + 1 >= argc)
		return au_diag_set(diag, AU_EUSAGE, "%s needs a value", o->name);
	o->value = argv[++*i];
	return 0;
}

int
au_repo_args(int argc, char **argv, struct au_repo_opt *opts, size_t nopts,
    const char **pos, size_t npos_min, size_t npos_max, struct au_diag *diag)
{
	size_t npos = 0;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0') {
			if ((rc = take_opt(argc, argv, &i, opts, nopts, diag)) != 0)
				return rc;
			continue;
		}
		if (npos == npos_max)
			return au_diag_set(diag, AU_EUSAGE, "too many arguments for %s "
			    "(at \"%s\"); see aiupdate-repo --help", argv[0], argv[i]);
		pos[npos++] = argv[i];
	}
	if (npos < npos_min)
		return au_diag_set(diag, AU_EUSAGE, "%s needs %zu argument(s); see "
		    "aiupdate-repo --help", argv[0], npos_min);
	return 0;
}
