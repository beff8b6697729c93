/* SPDX-License-Identifier: ISC */
/* client/preflight.c - clear messages for the common deployment mistakes. */
#include "client/preflight.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/json.h"
#include "manifest/tuf.h"
#include "port/port.h"
#include "port/ban.h"

#define ROOT_HINT "point it at the root metadata baked into the image " \
	"(aiupdate-repo init writes it as public/metadata/1.root.json)"

/* The "_type" of TUF metadata in buf, or NULL (not JSON, no such field). */
static char *
meta_type(const uint8_t *buf, size_t len)
{
	json_t *doc = NULL;
	const char *t;
	char *out = NULL;

	if (au_json_parse(buf, len, AU_ROOT_MAX_BYTES, &doc, NULL) != 0)
		return NULL;
	t = json_string_value(json_object_get(json_object_get(doc, "signed"),
	    "_type"));
	if (t != NULL)
		out = strndup(t, 32);
	json_decref(doc);
	return out;
}

int
au_preflight_trusted_root(const char *path, const char *metadir,
    struct au_diag *diag)
{
	char local[AU_PREFLIGHT_PATH_MAX];
	struct au_stat st;
	uint8_t *buf = NULL;
	size_t len = 0;
	char *type;
	int n, rc = 0;

	n = snprintf(local, sizeof(local), "%s/root.json", metadir);
	if (n < 0 || (size_t)n >= sizeof(local) || au_stat(local, &st, NULL) != 0
	    || st.type != AU_FT_NONE)
		return 0;	/* a trusted root.json of our own is used */
	if (au_stat(path, &st, NULL) == 0 && st.type == AU_FT_NONE)
		return au_diag_set(diag, AU_ETRUSTROOT, "[repository] "
		    "trusted_root %s does not exist: " ROOT_HINT, path);
	if (au_stat(path, &st, NULL) == 0 && st.type != AU_FT_FILE &&
	    st.type != AU_FT_LINK)
		return au_diag_set(diag, AU_ETRUSTROOT, "[repository] "
		    "trusted_root %s is not a regular file: " ROOT_HINT, path);
	if (au_file_read_all(path, AU_ROOT_MAX_BYTES, &buf, &len, NULL) != 0)
		return 0;	/* the TUF layer reports it */
	type = meta_type(buf, len);
	if (type != NULL && strcmp(type, "root") != 0)
		rc = au_diag_set(diag, AU_ETRUSTROOT, "[repository] trusted_root "
		    "%s is TUF %s metadata, not a root role: " ROOT_HINT, path,
		    type);
	free(type);
	free(buf);
	return rc;
}

/* The longest existing prefix of dir into buf ("/" at worst). */
static void
existing_prefix(const char *dir, char *buf, size_t size, struct au_stat *st)
{
	char *slash;

	(void)snprintf(buf, size, "%s", dir);
	for (;;) {
		if (au_stat(buf, st, NULL) == 0 && st->type != AU_FT_NONE)
			return;
		slash = strrchr(buf, '/');
		if (slash == NULL || slash == buf) {
			(void)snprintf(buf, size, "/");
			if (au_stat(buf, st, NULL) != 0)
				st->type = AU_FT_NONE;
			return;
		}
		*slash = '\0';
	}
}

/* 0 if a file can be created in dir, else the errno. */
static int
probe_write(const char *dir)
{
	char path[AU_PREFLIGHT_PATH_MAX];
	struct au_diag d = { "", 0 };
	struct au_file *f = NULL;
	int n;

	n = snprintf(path, sizeof(path), "%s/.aiupdate-probe", dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return ENAMETOOLONG;
	if (au_file_create(path, 0600, &f, &d) != 0)
		return d.sys != 0 ? d.sys : EIO;
	(void)au_file_close(f);
	if (au_unlink(path, NULL) != 0)
		return 0;	/* created, so writable; the probe stays */
	return 0;
}

/* The class of an OS failure that is the machine's, not the deployment's. */
static int
local_class(int sys)
{
	switch (sys) {
	case ENOMEM: return AU_ENOMEM;
	case ENOSPC: case EDQUOT: return AU_ENOSPC;
	case EIO: return AU_EIO;
	default: return AU_ECONFIG;
	}
}

int
au_preflight_state_dir_shape(const char *dir, struct au_diag *diag)
{
	char have[AU_PREFLIGHT_PATH_MAX];
	struct au_stat st;

	existing_prefix(dir, have, sizeof(have), &st);
	if (st.type != AU_FT_DIR && st.type != AU_FT_LINK)
		return au_diag_sys(diag, AU_ECONFIG, ENOTDIR, "[install] "
		    "state_dir %s cannot be used: %s is not a directory", dir,
		    have);
	return 0;
}

int
au_preflight_state_dir(const char *dir, struct au_diag *diag)
{
	char have[AU_PREFLIGHT_PATH_MAX];
	struct au_stat st;
	int err;

	err = au_preflight_state_dir_shape(dir, diag);
	if (err != 0)
		return err;
	existing_prefix(dir, have, sizeof(have), &st);
	err = probe_write(have);
	if (err == EACCES || err == EPERM || err == EROFS)
		return au_diag_sys(diag, AU_ECONFIG, err, "[install] state_dir "
		    "%s cannot be used: %s is not writable (%s); the service "
		    "needs write access to it (ReadWritePaths=, owner)", dir,
		    have, strerror(err));
	/* The original failure (mkdir, lock), its path and errno kept. */
	return au_diag_wrap(diag, local_class(diag != NULL ? diag->sys : 0),
	    "[install] state_dir %s cannot be used", dir);
}
