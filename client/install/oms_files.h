/* SPDX-License-Identifier: ISC */
/*
 * client/install/oms_files.h - compare a verified OMS statement
 * (manifest/oms.h) with the bytes of a staged model: one file (a raw model
 * target) or a directory tree (an extracted bundle target), OMS v1.0
 * serialization "files" (a SHA-256 per file) or "shards" (a SHA-256 per
 * byte range, which together must cover each file).
 */
#ifndef AU_OMS_FILES_H
#define AU_OMS_FILES_H

#include <stddef.h>

#include "manifest/oms.h"
#include "port/err.h"

#define AU_OMS_FILES_MAX 65536	/* files in a tree looked at */
#define AU_OMS_TREE_DEPTH 32	/* directory levels walked */

/*
 * A raw model: the single file at path must be what the statement signs,
 * which lists exactly one file (its name is the publisher's label and is
 * not compared with the target name).  0 when it is; else *why and diag
 * say what failed: AU_OMS_DIGEST (diag names the resource),
 * AU_OMS_MALFORMED (more than one file signed).
 * Errors: AU_EART_HASH (digest), AU_EMETA_MALFORMED, AU_EIO (diag->sys).
 */
AU_NODISCARD int au_oms_check_file(const struct au_oms_statement *st,
    const char *path, enum au_oms_fail *why, struct au_diag *diag);

/*
 * An extracted tree at dir: every resource must be a regular file in it
 * with the signed digest (AU_OMS_MISSING, AU_OMS_DIGEST), and every regular
 * file in it must be signed unless it is an ignore_paths entry or below one
 * (AU_OMS_UNSIGNED; with allow_unsigned != 0 such files are counted in
 * *unsigned_files instead, which may be NULL).  Symbolic links and special
 * files are refused (AU_OMS_UNSIGNED).  Errors: AU_EART_HASH (digest,
 * missing), AU_EART_UNSAFE (unsigned file), AU_EIO, AU_ENOMEM,
 * AU_ETOOBIG (over AU_OMS_FILES_MAX files or AU_OMS_TREE_DEPTH levels).
 */
AU_NODISCARD int au_oms_check_tree(const struct au_oms_statement *st,
    const char *dir, int allow_unsigned, size_t *unsigned_files,
    enum au_oms_fail *why, struct au_diag *diag);

#endif
