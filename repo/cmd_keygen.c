/* SPDX-License-Identifier: ISC */
/*
 * repo/cmd_keygen.c - `aiupdate-repo keygen OUT`: a new Ed25519 key pair in
 * OUT.key (mode 0600, keys/sign.h) and OUT.pub (TUF 1.0 section 4.2 key
 * object), for a key made on another (offline) machine and added to a role
 * with `rotate DIR ROLE --add-key OUT.pub`.  Never overwrites a file.
 */
#include "repo/repo.h"

#include <stdio.h>

#include "port/ban.h"

int
au_repo_cmd_keygen(int argc, char **argv, struct au_diag *diag)
{
	char keyid[65], prefix[AU_REPO_PATH_MAX];
	const char *pos[1];
	int rc;

	if ((rc = au_repo_args(argc, argv, NULL, 0, pos, 1, 1, diag)) != 0 ||
	    (rc = au_repo_key_create(pos[0], 0, keyid, prefix, sizeof(prefix),
	    diag)) != 0)
		return rc;
	printf("keyid=%s private=%s.key public=%s.pub\n", keyid, prefix, prefix);
	return 0;
}
