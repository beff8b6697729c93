/* SPDX-License-Identifier: ISC */
/*
 * port/tree.h - the regular files of a directory tree, built only on
 * port/port.h's au_dir_list and au_stat (so every backend shares it).
 * Used to compare a model with its signature (client/install/oms_files.h)
 * and to sign one (repo/oms_sign.h).
 */
#ifndef AU_TREE_H
#define AU_TREE_H

#include <stddef.h>

#include "port/err.h"

#define AU_TREE_PATH_MAX 4096	/* bytes of a relative path */

struct au_tree {
	char **files;		/* relative paths ("a/b"), sorted by strcmp */
	size_t n;
	int has_other;		/* a symlink, device, FIFO or socket was seen */
	char other[AU_TREE_PATH_MAX];	/* the first such entry's relative path */
};

/*
 * List every regular file below dir (symlinks never followed; other entries
 * noted in has_other/other, not listed).  On success *t owns the list
 * (au_tree_free).  Errors: AU_ETOOBIG (over max_files files, over
 * max_depth directory levels, or a path over AU_TREE_PATH_MAX), AU_EIO,
 * AU_ENOMEM.
 */
AU_NODISCARD int au_tree_list(const char *dir, size_t max_files, int max_depth,
    struct au_tree *t, struct au_diag *diag);

void au_tree_free(struct au_tree *t);	/* the lists inside; t itself is the caller's */

#endif
