/* SPDX-License-Identifier: ISC */
/*
 * client/install/bundle.h - strict extraction of a policy/model bundle (a tar archive,
 * optionally gzip- or zstd-compressed) through libarchive's reader only.
 *
 * Policy (DESIGN.md "libarchive 3.6.2", security invariant 5): the archive is
 * opened only after its length and hash were verified against signed targets
 * metadata; only the tar format and exactly the filter its name announces are
 * enabled; only regular files and directories are extracted, by this module's
 * own code through port/port.h (never archive_write_disk), into an empty
 * staging directory.  No owners, ACLs, xattrs or times: files get 0644, or
 * 0755 when the archive gave them any execute bit; directories 0755; an
 * entry with a setuid, setgid or sticky bit refuses the whole bundle.
 */
#ifndef AU_BUNDLE_H
#define AU_BUNDLE_H

#include <stdint.h>

#include "port/err.h"

#define AU_BUNDLE_MAX_ENTRIES 10000	/* entries (files + directories) */
#define AU_BUNDLE_MAX_BYTES (4ULL << 30)	/* file content bytes, in total */
#define AU_BUNDLE_MAX_PATH 1024	/* bytes of one entry name */
#define AU_BUNDLE_MAX_DEPTH 64	/* path components of one entry name */
#define AU_BUNDLE_MAX_COMPONENT 255	/* bytes of one component (NAME_MAX) */
/*
 * The decompressed tar stream may exceed the file content written by at
 * most this much plus AU_BUNDLE_ENTRY_OVERHEAD per entry (headers, pax
 * records, padding); anything more is data nobody extracts (a bomb hidden in
 * a directory's size field, say) and is refused.
 */
#define AU_BUNDLE_STREAM_SLACK (1ULL << 20)
#define AU_BUNDLE_ENTRY_OVERHEAD 8192ULL

enum au_bundle_filter { AU_BUNDLE_NONE, AU_BUNDLE_GZIP, AU_BUNDLE_ZSTD };

/*
 * The bundle kind of a target name, from its suffix: ".tar" AU_BUNDLE_NONE,
 * ".tar.gz" or ".tgz" AU_BUNDLE_GZIP, ".tar.zst" AU_BUNDLE_ZSTD (exact,
 * case-sensitive).  Returns -1 when the name is not a bundle (a raw file).
 */
int au_bundle_kind(const char *name);

/*
 * Extract the hash-verified archive at archive_path into dest, an existing
 * EMPTY directory, reading the tar format with filter f only.
 *
 * Entry names: a leading "./" is dropped and one trailing "/" on directories
 * is allowed; the bare "./" root entry is skipped.  Refused with
 * AU_EART_UNSAFE (diag names the entry and the reason): symlinks, hardlinks,
 * devices, fifos, sockets, any other type; empty names, absolute names, "."
 * or ".." components, empty components ("a//b"), backslashes, control
 * characters, names over AU_BUNDLE_MAX_PATH or AU_BUNDLE_MAX_DEPTH; an entry
 * named twice, a file where a directory is implied or the reverse; more than
 * max_entries entries or max_bytes content bytes (counted while writing, so a
 * decompression bomb stops at the budget) or a decompressed stream larger
 * than the content (see AU_BUNDLE_STREAM_SLACK); not a tar archive, the wrong
 * compression, a truncated or corrupt stream; a pax header whose path=
 * differs from the ustar name (au_bundle_pax_check); a setuid, setgid or
 * sticky bit on any entry.
 * Missing parent directories are created.  Every file and every directory
 * (dest included) is fsynced before success.
 * Other errors, this machine's and never the bundle's: AU_EIO, AU_ENOSPC
 * (writing), AU_ENOMEM (here or in the pre-pass), AU_EINSTALL (libarchive
 * cannot be loaded), AU_EINTERNAL (the filter could not be enabled
 * in-process).
 * On error dest may hold a partial tree: the caller removes dest.
 * Nothing is ever written outside dest.
 */
AU_NODISCARD int au_bundle_extract(const char *archive_path,
    enum au_bundle_filter f, const char *dest, uint64_t max_bytes,
    uint64_t max_entries, struct au_diag *diag);

/*
 * The header pre-pass of au_bundle_extract() (client/install/bundle_pax.c): walk at
 * most max_stream bytes of the decompressed tar stream.  Returns 0, or
 * AU_EART_UNSAFE with diag saying why the archive is refused ("pax header
 * path= differs from the ustar name" when a pax path that a ustar header
 * could hold - ASCII, at most 100 bytes - differs from the name in the
 * ustar header it extends; a pax header over 64 KiB).  Damage it cannot
 * parse is left to the extraction pass.  A failure of this machine is never
 * blamed on the bundle: AU_ENOMEM (allocation), or au_libarchive()'s error
 * (AU_EINSTALL: libarchive cannot be loaded, client/install/libarchive_dl.h).
 */
AU_NODISCARD int au_bundle_pax_check(const char *archive_path,
    enum au_bundle_filter f, uint64_t max_stream, struct au_diag *diag);

#endif
