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
#include <sys/types.h>

#include "port/err.h"

struct archive;
struct au_file;

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
 * EMPTY directory, reading the tar format with filter f only: the file is
 * opened through port/ and au_bundle_extract_file() does the work (no
 * expected hash: the publisher's `add`, tests).
 */
AU_NODISCARD int au_bundle_extract(const char *archive_path,
    enum au_bundle_filter f, const char *dest, uint64_t max_bytes,
    uint64_t max_entries, struct au_diag *diag);

/*
 * Told of every entry au_bundle_extract_file() creates, once each, as it is
 * complete: name relative to dest (normalised), is_dir, and for a file its
 * size and the SHA-256 of the bytes written (sha256 NULL for a directory).
 * A non-zero return stops the extraction and is returned.  The store keeps
 * these as the entry's manifest (client/install/store.h).
 */
struct au_bundle_sink {
	int (*entry)(void *arg, const char *name, int is_dir, uint64_t size,
	    const uint8_t *sha256, struct au_diag *diag);
	void *arg;
};

/*
 * Extract the archive open at in (read from byte 0; label names it in
 * messages) into dest, an existing EMPTY directory, reading the tar format
 * with filter f only.  Every pass reads through this one descriptor, never
 * by name.  When sha256 is not NULL, the bytes each pass reads (the header
 * pre-pass, then the extraction, each to the end of the file) are hashed
 * and must give sha256: an archive changed on disk after it was verified
 * is refused with AU_EART_HASH (what is extracted is what was verified).
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
 * compression, a truncated or corrupt stream; an archive a ustar-only reader
 * and a pax/GNU-aware reader would read differently (au_bundle_pax_check: a
 * pax size=, path= or linkpath=, or a GNU long name or link name, that
 * disagrees with the ustar header; libarchive seeing other entries, sizes or
 * an other entry count than the ustar walk); a setuid, setgid or sticky bit
 * on any entry.
 * Missing parent directories are created.  Every file and every directory
 * (dest included) is fsynced before success.
 * Other errors: AU_EART_HASH (above); and this machine's, never blamed on
 * the bundle: AU_EIO, AU_ENOSPC (writing), AU_ENOMEM (here or in the
 * pre-pass), AU_EINSTALL (libarchive cannot be loaded), AU_EINTERNAL (the
 * filter could not be enabled in-process).
 * On error dest may hold a partial tree: the caller removes dest.
 * Nothing is ever written outside dest.  in stays open (the caller's).
 * sink (may be NULL) is told of each entry.
 */
AU_NODISCARD int au_bundle_extract_file(struct au_file *in, const char *label,
    const uint8_t *sha256, enum au_bundle_filter f, const char *dest,
    uint64_t max_bytes, uint64_t max_entries,
    const struct au_bundle_sink *sink, struct au_diag *diag);

/*
 * Why an entry name is refused (the name rules above; a trailing "/" is
 * allowed), or NULL when it is safe.  Static strings.
 */
const char *au_bundle_name_unsafe(const char *raw);

/* ---- shared by bundle.c and bundle_pax.c (not used elsewhere) ---- */

struct au_bundle_src;		/* the archive's descriptor, hashed as read */
struct au_bundle_seen;		/* the entries the ustar walk saw, in order */

/*
 * Start a pass over src from byte 0: the hash starts again.  Errors: AU_EIO.
 * au_bundle_src_read is the libarchive read callback (arg: src).
 * au_bundle_src_finish reads what the pass left to the end of the file and
 * compares the hash (AU_EART_HASH; 0 when no hash is expected).
 */
AU_NODISCARD int au_bundle_src_rewind(struct au_bundle_src *src,
    struct au_diag *diag);
ssize_t au_bundle_src_read(struct archive *a, void *arg, const void **buf);
AU_NODISCARD int au_bundle_src_finish(struct au_bundle_src *src,
    struct au_diag *diag);
/* The error code the read callback hit (its message into diag), or 0. */
int au_bundle_src_error(const struct au_bundle_src *src,
    struct au_diag *diag);

/*
 * The header pre-pass of au_bundle_extract_file() (client/install/bundle_pax.c):
 * walk at most max_stream bytes of the decompressed tar stream of src as a
 * ustar-only reader steps through it (by the ustar size of each header),
 * also reading the pax (x, g) and GNU (L, K) extended headers a pax-aware
 * reader uses.  Refused with AU_EART_UNSAFE (diag says why): a pax size=
 * other than the ustar size; a pax path= or GNU long name (or linkpath=, a
 * GNU long link name) that differs from the ustar header's name (link name)
 * when a ustar header could hold it (ASCII, at most 100 bytes), or whose
 * ustar stand-in is not itself a safe name (au_bundle_name_unsafe); both a
 * path= and a long name for one entry; an extended header with an unsafe
 * name of its own, over 64 KiB, malformed, or with keys that change the
 * layout (size=, path=, linkpath= in a global header; GNU.sparse.*,
 * SCHILY.realsize, SUN.holesdata); more than max_entries + 16 entries.  On
 * success *out (free with au_bundle_seen_free) lists each entry's name and
 * ustar size, for au_bundle_seen_check().  Damage it cannot parse (a bad
 * checksum) ends the walk: the extraction refuses it, and any entry it
 * shows beyond the walk's end fails au_bundle_seen_check().
 * Errors: AU_EART_UNSAFE, AU_ENOMEM, AU_EINTERNAL (a filter cannot be
 * enabled), AU_EIO (reading src), AU_EINSTALL (libarchive cannot be loaded).
 */
AU_NODISCARD int au_bundle_pax_check(struct au_bundle_src *src,
    enum au_bundle_filter f, uint64_t max_stream, uint64_t max_entries,
    struct au_bundle_seen **out, struct au_diag *diag);
/*
 * Entry i (0-based) as libarchive sees it against the walk: NULL when the
 * walk saw the same name and size at position i, else why not (static).
 * au_bundle_seen_count is how many entries the walk saw.
 */
const char *au_bundle_seen_check(const struct au_bundle_seen *s, size_t i,
    const char *name, int64_t size);
size_t au_bundle_seen_count(const struct au_bundle_seen *s);
void au_bundle_seen_free(struct au_bundle_seen *s);	/* NULL is fine */

#endif
