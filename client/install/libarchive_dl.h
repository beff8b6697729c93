/* SPDX-License-Identifier: ISC */
/*
 * client/install/libarchive_dl.h - libarchive's reader, loaded when a bundle is
 * first extracted.
 *
 * Debian's libarchive pulls in about 42 MB of shared libraries (libxml2,
 * ICU, OpenSSL's libcrypto, zstd, lzma, bz2, lz4, acl) whose relocation
 * alone costs a process about 3.3 MiB of resident memory, in every run:
 * the timer's --check, a raw model's --apply.  Only bundle extraction
 * (client/install/bundle.c, client/install/bundle_pax.c) needs it, so by default the client
 * is not linked against it and loads it (port/port.h au_dl_load) on first
 * use.  Build with `make LIBARCHIVE=link` (static or dlopen-less firmware)
 * to link it as usual; the table then points at the linked functions.
 *
 * Each member has the exact type of the libarchive function of the same
 * name (archive.h, archive_entry.h; libarchive 3.x, soname
 * AU_LIBARCHIVE_SONAME).
 */
#ifndef AU_LIBARCHIVE_DL_H
#define AU_LIBARCHIVE_DL_H

#include <archive.h>
#include <archive_entry.h>

#include "port/err.h"

#ifndef AU_LIBARCHIVE_SONAME
#define AU_LIBARCHIVE_SONAME "libarchive.so.13"
#endif

#define AU_LA_FUNCTIONS(X) \
	X(archive_read_new) X(archive_read_free) \
	X(archive_read_support_format_tar) X(archive_read_support_format_raw) \
	X(archive_read_support_filter_gzip) X(archive_read_support_filter_zstd) \
	X(archive_read_open) \
	X(archive_read_next_header) X(archive_read_data) X(archive_error_string) \
	X(archive_errno) X(archive_set_error) X(archive_filter_count) \
	X(archive_filter_code) X(archive_filter_bytes) X(archive_entry_pathname) \
	X(archive_entry_hardlink) X(archive_entry_symlink) \
	X(archive_entry_filetype) X(archive_entry_perm) X(archive_entry_size) \
	X(archive_entry_size_is_set)

/* la->archive_read_new is archive_read_new, and so on. */
struct au_libarchive {
#define AU_LA_MEMBER(f) __typeof__(f) *f;
	AU_LA_FUNCTIONS(AU_LA_MEMBER)
#undef AU_LA_MEMBER
};

/*
 * The libarchive functions above, loading the library on the first call
 * (not thread-safe: call it from one thread, as bundle extraction is).
 * *out points at a table owned by this module, valid for the process's
 * life.  Errors: AU_EINSTALL when the library or a symbol is missing (the
 * device image lacks libarchive; diag names it).
 */
AU_NODISCARD int au_libarchive(const struct au_libarchive **out,
    struct au_diag *diag);

#endif
