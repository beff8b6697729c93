/* SPDX-License-Identifier: ISC */
/* port/tree.c - the regular files of a directory tree (port/tree.h). */
#include "port/tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port/port.h"
#include "port/ban.h"

struct walk {
	const char *root;
	struct au_tree *t;
	size_t cap, max;
	int maxdepth;
	struct au_diag *diag;
};

struct dirctx {
	struct walk *w;
	const char *rel;	/* "" at the root */
	int depth;
};

static int walk_dir(struct walk *w, const char *rel, int depth);

static int
add_file(struct walk *w, const char *rel)
{
	struct au_tree *t = w->t;
	char **p;

	if (t->n == w->max)
		return au_diag_set(w->diag, AU_ETOOBIG, "%s: over %zu files",
		    w->root, w->max);
	if (t->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		if ((p = realloc(t->files, w->cap * sizeof(*p))) == NULL)
			return au_diag_set(w->diag, AU_ENOMEM, "out of memory");
		t->files = p;
	}
	if ((t->files[t->n] = strdup(rel)) == NULL)
		return au_diag_set(w->diag, AU_ENOMEM, "out of memory");
	t->n++;
	return 0;
}

static int
one_entry(const char *name, void *arg)
{
	struct dirctx *c = arg;
	char rel[AU_TREE_PATH_MAX], full[2 * AU_TREE_PATH_MAX + 2];
	struct au_stat st;
	int n, rc;

	n = snprintf(rel, sizeof(rel), "%s%s%s", c->rel, c->rel[0] ? "/" : "",
	    name);
	if (n < 0 || (size_t)n >= sizeof(rel) || snprintf(full, sizeof(full),
	    "%s/%s", c->w->root, rel) >= (int)sizeof(full))
		return au_diag_set(c->w->diag, AU_ETOOBIG, "%s: path too long",
		    c->w->root);
	if ((rc = au_stat(full, &st, c->w->diag)) != 0)
		return rc;
	if (st.type == AU_FT_FILE)
		return add_file(c->w, rel);
	if (st.type == AU_FT_DIR)
		return walk_dir(c->w, rel, c->depth + 1);
	if (!c->w->t->has_other) {
		c->w->t->has_other = 1;
		(void)snprintf(c->w->t->other, sizeof(c->w->t->other), "%s", rel);
	}
	return 0;
}

static int
walk_dir(struct walk *w, const char *rel, int depth)
{
	struct dirctx c = { w, rel, depth };
	char full[2 * AU_TREE_PATH_MAX + 2];

	if (depth > w->maxdepth)
		return au_diag_set(w->diag, AU_ETOOBIG, "%s: more than %d "
		    "directories deep", w->root, w->maxdepth);
	(void)snprintf(full, sizeof(full), "%s%s%s", w->root, rel[0] ? "/" : "",
	    rel);
	return au_dir_list(full, one_entry, &c, w->diag);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
au_tree_list(const char *dir, size_t max_files, int max_depth,
    struct au_tree *t, struct au_diag *diag)
{
	struct au_tree r;
	struct walk w = { dir, &r, 0, max_files, max_depth, diag };
	int rc;

	memset(&r, 0, sizeof(r));
	rc = walk_dir(&w, "", 0);
	if (rc != 0) {
		au_tree_free(&r);
		return rc;
	}
	if (r.n > 1)
		qsort(r.files, r.n, sizeof(*r.files), cmp_str);
	*t = r;
	return 0;
}

void
au_tree_free(struct au_tree *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->files[i]);
	free(t->files);
	t->files = NULL;
	t->n = 0;
}
