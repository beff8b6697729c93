/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_bundle.c - strict bundle extraction.  Good and hostile
 * archives are written at test time with libarchive's writer (which stores
 * names and types as given), then extracted into root/dest; every hostile one
 * must be refused with AU_EART_UNSAFE and nothing may appear outside dest.
 */
#include "client/install/bundle.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "port/port.h"
#include "tests/unit/harness.h"
#include "tests/unit/bundle_fixture.h"
#include "port/ban.h"

struct spec {
	const char *name;
	unsigned type;		/* AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFCHR... */
	unsigned mode;
	const char *data;	/* file content, or NULL with zeros bytes */
	size_t zeros;
	const char *link;	/* symlink target, or hardlink source */
	int hard;
};

#define GZIP_TWICE 99	/* mk(): tar | gzip | gzip */

/* Write an archive: format is ARCHIVE_FORMAT_TAR_PAX_RESTRICTED or _ZIP. */
static int
mk(const char *path, int filter, int format, const struct spec *s, size_t n)
{
	static char zero[65536];
	struct archive *a = archive_write_new();
	struct archive_entry *e;
	size_t i, left, k;
	int ok = 1;

	archive_write_set_format(a, format);
	if (filter == AU_BUNDLE_GZIP || filter == GZIP_TWICE)
		archive_write_add_filter_gzip(a);
	if (filter == GZIP_TWICE)
		archive_write_add_filter_gzip(a);
	else if (filter == AU_BUNDLE_ZSTD)
		archive_write_add_filter_zstd(a);
	if (archive_write_open_filename(a, path) != ARCHIVE_OK)
		return 0;
	for (i = 0; i < n; i++) {
		e = archive_entry_new();
		archive_entry_set_pathname(e, s[i].name);
		archive_entry_set_filetype(e, s[i].type ? s[i].type : AE_IFREG);
		archive_entry_set_perm(e, s[i].mode ? s[i].mode : 0644);
		if (s[i].link && s[i].hard)
			archive_entry_set_hardlink(e, s[i].link);
		else if (s[i].link)
			archive_entry_set_symlink(e, s[i].link);
		if (s[i].type == AE_IFCHR)
			archive_entry_set_rdev(e, makedev(1, 3));
		left = s[i].data ? strlen(s[i].data) : s[i].zeros;
		if (s[i].type == 0 || s[i].type == AE_IFREG)
			archive_entry_set_size(e, (la_int64_t)left);
		if (archive_write_header(a, e) != ARCHIVE_OK)
			ok = 0;
		if (s[i].data)
			archive_write_data(a, s[i].data, left);
		for (; s[i].data == NULL && left > 0; left -= k) {
			k = left < sizeof(zero) ? left : sizeof(zero);
			archive_write_data(a, zero, k);
		}
		archive_entry_free(e);
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		ok = 0;
	archive_write_free(a);
	return ok;
}

static void
fresh(void)
{
	bundle_fixture_fresh("au-test-bundle", "arc");
}

static int
mode_of(const char *rel)
{
	char p[600];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/%s", dest, rel);
	if (lstat(p, &sb) != 0)
		return -1;
	return (int)(sb.st_mode & 07777);
}

/* Extract one hostile archive; expect the code and a clean outside. */
static int
hostile(const struct spec *s, size_t n, int filter, int format, int expect,
    const char *diag_word)
{
	struct au_diag d = { "", 0 };
	int rc, ok;

	fresh();
	if (!mk(arc, filter, format, s, n)) {
		fprintf(stderr, "  could not write test archive %s\n", s[0].name);
		cleanup();
		return 0;
	}
	rc = au_bundle_extract(arc, (enum au_bundle_filter)filter, dest,
	    1 << 20, 100, &d);
	ok = rc == expect && only_dest_and_arc() &&
	    (diag_word == NULL || strstr(d.msg, diag_word) != NULL);
	if (!ok || getenv("AU_TEST_VERBOSE"))
		fprintf(stderr, "  %s: rc=%d diag=%s\n", s[0].name, rc, d.msg);
	cleanup();
	return ok;
}

#define H(arr, word) hostile(arr, sizeof(arr) / sizeof(arr[0]), \
    AU_BUNDLE_GZIP, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, AU_EART_UNSAFE, word)

TEST(kind_from_name)
{
	CHECK_EQ(au_bundle_kind("policy.tar"), AU_BUNDLE_NONE);
	CHECK_EQ(au_bundle_kind("a/b.tar.gz"), AU_BUNDLE_GZIP);
	CHECK_EQ(au_bundle_kind("b.tgz"), AU_BUNDLE_GZIP);
	CHECK_EQ(au_bundle_kind("m.tar.zst"), AU_BUNDLE_ZSTD);
	CHECK_EQ(au_bundle_kind("eng.traineddata"), -1);
	CHECK_EQ(au_bundle_kind(".tar"), -1);
	CHECK_EQ(au_bundle_kind("x.tar.gz.sig"), -1);
	CHECK_EQ(au_bundle_kind("x.TAR"), -1);
	CHECK_EQ(au_bundle_kind(NULL), -1);
}

static const struct spec good[] = {
	{ "./", AE_IFDIR, 0755, NULL, 0, NULL, 0 },
	{ "./model/", AE_IFDIR, 0700, NULL, 0, NULL, 0 },
	{ "./model/weights.bin", AE_IFREG, 0600, "WEIGHTS", 0, NULL, 0 },
	{ "./bin/run.sh", AE_IFREG, 0755, "#!/bin/sh\n", 0, NULL, 0 },
	{ "deep/a/b/c.txt", AE_IFREG, 0644, "c", 0, NULL, 0 },
	{ "empty", AE_IFREG, 0644, "", 0, NULL, 0 },
};

static void
good_with(int filter)
{
	struct au_diag d = { "", 0 };
	char buf[64], p[600];
	int rc;

	fresh();
	REQUIRE(mk(arc, filter, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, good,
	    sizeof(good) / sizeof(good[0])));
	rc = au_bundle_extract(arc, (enum au_bundle_filter)filter, dest,
	    AU_BUNDLE_MAX_BYTES, AU_BUNDLE_MAX_ENTRIES, &d);
	CHECK_EQ(rc, 0);
	if (rc != 0)
		fprintf(stderr, "  diag: %s\n", d.msg);
	snprintf(p, sizeof(p), "%s/model/weights.bin", dest);
	CHECK_EQ(read_str(p, buf, sizeof(buf)), 7);
	CHECK_STR(buf, "WEIGHTS");
	snprintf(p, sizeof(p), "%s/deep/a/b/c.txt", dest);
	CHECK_EQ(read_str(p, buf, sizeof(buf)), 1);
	/* modes cleaned: 0600 -> 0644, setuid 04755 -> 0755, dirs 0755 */
	CHECK_EQ(mode_of("model/weights.bin"), 0644);
	CHECK_EQ(mode_of("bin/run.sh"), 0755);
	CHECK_EQ(mode_of("model"), 0755);
	CHECK_EQ(mode_of("empty"), 0644);
	CHECK(only_dest_and_arc());
	cleanup();
}

TEST(good_tar) { good_with(AU_BUNDLE_NONE); }

TEST(utf8_pax_name)
{
	struct au_diag d = { "", 0 };
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	char p[600], buf[8];

	/* write in a UTF-8 locale, read in "C" as aiupdate does */
	fresh();
	REQUIRE(setlocale(LC_ALL, "C.UTF-8") != NULL);
	archive_write_set_format_pax(a);
	REQUIRE(archive_write_open_filename(a, arc) == ARCHIVE_OK);
	archive_entry_set_pathname(e, "caf\xc3\xa9.txt");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, 1);
	CHECK(archive_write_header(a, e) >= ARCHIVE_WARN);
	archive_write_data(a, "x", 1);
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
	REQUIRE(setlocale(LC_ALL, "C") != NULL);
	CHECK_EQ(au_bundle_extract(arc, AU_BUNDLE_NONE, dest, 100, 10, &d), 0);
	snprintf(p, sizeof(p), "%s/caf\xc3\xa9.txt", dest);
	CHECK_EQ(read_str(p, buf, sizeof(buf)), 1);
	cleanup();
}
TEST(good_tar_gz) { good_with(AU_BUNDLE_GZIP); }
TEST(good_tar_zst) { good_with(AU_BUNDLE_ZSTD); }

TEST(refuses_dotdot)
{
	static const struct spec s[] = { { "../x", 0, 0, "evil", 0, NULL, 0 } };
	static const struct spec s2[] = {
		{ "a/../../x", 0, 0, "evil", 0, NULL, 0 } };

	CHECK(H(s, "\"..\""));
	CHECK(H(s2, "\"..\""));
}

TEST(refuses_absolute)
{
	static char name[64];
	struct spec s[] = { { name, 0, 0, "evil", 0, NULL, 0 } };

	/* tmp-ok: the absolute name the hostile entry points at; must not appear */
	snprintf(name, sizeof(name), "/tmp/au-test-bundle-abs-%d",
	    (int)getpid());
	CHECK(hostile(s, 1, AU_BUNDLE_GZIP, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED,
	    AU_EART_UNSAFE, "absolute"));
	CHECK(access(name, F_OK) != 0);
}

TEST(refuses_symlink)
{
	static const struct spec s[] = {
		{ "lnk", AE_IFLNK, 0777, NULL, 0, "/etc", 0 },
		{ "lnk/passwd", 0, 0, "evil", 0, NULL, 0 } };

	CHECK(H(s, "symlink"));
}

TEST(refuses_hardlink)
{
	static const struct spec s[] = {
		{ "a", 0, 0, "x", 0, NULL, 0 },
		{ "b", AE_IFREG, 0, NULL, 0, "/etc/passwd", 1 } };

	CHECK(H(s, "hardlink"));
}

TEST(refuses_devices_and_fifo)
{
	static const struct spec c[] = {
	    { "null", AE_IFCHR, 0666, NULL, 0, NULL, 0 } };
	static const struct spec b[] = {
	    { "sda", AE_IFBLK, 0666, NULL, 0, NULL, 0 } };
	static const struct spec f[] = {
	    { "fifo", AE_IFIFO, 0666, NULL, 0, NULL, 0 } };

	CHECK(H(c, "character device"));
	CHECK(H(b, "block device"));
	CHECK(H(f, "fifo"));
}

TEST(refuses_duplicates_and_clashes)
{
	static const struct spec dup[] = {
		{ "a", 0, 0, "one", 0, NULL, 0 }, { "a", 0, 0, "two", 0, NULL, 0 } };
	static const struct spec dup2[] = {
		{ "a", 0, 0, "one", 0, NULL, 0 }, { "./a", 0, 0, "two", 0, NULL, 0 } };
	static const struct spec filedir[] = {
		{ "a", 0, 0, "one", 0, NULL, 0 }, { "a/b", 0, 0, "two", 0, NULL, 0 } };
	static const struct spec dirfile[] = {
		{ "a/b", 0, 0, "one", 0, NULL, 0 }, { "a", 0, 0, "two", 0, NULL, 0 } };
	static const struct spec dirdir[] = {
		{ "d/", AE_IFDIR, 0, NULL, 0, NULL, 0 },
		{ "d", AE_IFDIR, 0, NULL, 0, NULL, 0 } };

	CHECK(H(dup, "duplicate"));
	CHECK(H(dup2, "duplicate"));
	CHECK(H(filedir, "file is used as a directory"));
	CHECK(H(dirfile, "duplicate"));
	CHECK(H(dirdir, "duplicate"));
}

TEST(refuses_bad_names)
{
	static const struct spec bs[] = { { "a\\..\\x", 0, 0, "e", 0, NULL, 0 } };
	static const struct spec dbl[] = { { "a//b", 0, 0, "e", 0, NULL, 0 } };
	static const struct spec dot[] = { { "a/./b", 0, 0, "e", 0, NULL, 0 } };
	static const struct spec ctl[] = { { "a\nb", 0, 0, "e", 0, NULL, 0 } };
	static const struct spec rootfile[] = { { ".", 0, 0, "e", 0, NULL, 0 } };

	CHECK(H(bs, "backslash"));
	CHECK(H(dbl, "empty path component"));
	CHECK(H(dot, "\".\""));
	CHECK(H(ctl, "control"));
	CHECK(H(rootfile, "root entry"));
}

TEST(refuses_setuid_setgid_sticky)
{
	static const struct spec suid[] = {
		{ "suid", AE_IFREG, 04755, "x", 0, NULL, 0 } };
	static const struct spec sgid[] = {
		{ "sgid", AE_IFREG, 02755, "x", 0, NULL, 0 } };
	static const struct spec sticky[] = {
		{ "sticky", AE_IFDIR, 01777, NULL, 0, NULL, 0 } };
	static const struct spec modes[] = {
		{ "exec", AE_IFREG, 0700, "x", 0, NULL, 0 },
		{ "plain", AE_IFREG, 0600, "x", 0, NULL, 0 },
		{ "dir", AE_IFDIR, 0700, NULL, 0, NULL, 0 } };
	struct au_diag d = { "", 0 };

	CHECK(H(suid, "setuid"));
	CHECK(H(sgid, "setuid"));
	CHECK(H(sticky, "sticky"));
	/* other permissions are normalised to 0755/0644 */
	fresh();
	REQUIRE(mk(arc, AU_BUNDLE_NONE, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, modes, 3));
	CHECK_EQ(au_bundle_extract(arc, AU_BUNDLE_NONE, dest, 100, 10, &d), 0);
	CHECK_EQ(mode_of("exec"), 0755);
	CHECK_EQ(mode_of("plain"), 0644);
	CHECK_EQ(mode_of("dir"), 0755);
	cleanup();
}

/* The issue's list of hostile bundles, each refused with nothing outside dest. */
TEST(issue_hostile_list)
{
	static const struct spec dotdot[] = {
		{ "weights/../../x", 0, 0, "evil", 0, NULL, 0 } };
	static const struct spec etc[] = { { "/etc/x", 0, 0, "evil", 0, NULL, 0 } };
	static const struct spec via_link[] = {
		{ "w", AE_IFLNK, 0777, NULL, 0, "/etc", 0 },
		{ "w/x", 0, 0, "evil", 0, NULL, 0 } };
	static const struct spec shadow[] = {
		{ "shadow", AE_IFLNK, 0777, NULL, 0, "/etc/shadow", 0 } };
	static const struct spec hard[] = {
		{ "h", AE_IFREG, 0, NULL, 0, "/etc/shadow", 1 } };
	static const struct spec chr[] = {
		{ "tty", AE_IFCHR, 0666, NULL, 0, NULL, 0 } };
	static const struct spec twice[] = {
		{ "model/w.bin", 0, 0, "good", 0, NULL, 0 },
		{ "model/w.bin", 0, 0, "evil", 0, NULL, 0 } };
	struct stat sb;

	CHECK(H(dotdot, "\"..\""));
	CHECK(H(etc, "absolute"));
	CHECK(stat("/etc/x", &sb) != 0);
	CHECK(H(via_link, "symlink"));
	CHECK(H(shadow, "symlink"));
	CHECK(H(hard, "hardlink"));
	CHECK(H(chr, "character device"));
	CHECK(H(twice, "duplicate"));
}

/* A pax path= naming another file than the ustar header (POSIX pax). */
TEST(refuses_pax_path_differing_from_ustar_name)
{
	struct au_diag d = { "", 0 };
	char cmd[1024];
	int rc;

	fresh();
	snprintf(cmd, sizeof(cmd), "python3 -c \"import tarfile, io\n"
	    "t = tarfile.open('%s', 'w', format=tarfile.PAX_FORMAT)\n"
	    "i = tarfile.TarInfo('model/weights.bin')\n"
	    "i.pax_headers = {'path': 'model/other.bin'}\n"
	    "i.size = 4\n"
	    "t.addfile(i, io.BytesIO(b'evil'))\n"
	    "t.close()\"", arc);
	if (system(cmd) != 0) {
		fprintf(stderr, "  python3 tarfile not available: skipped\n");
		cleanup();
		return;
	}
	rc = au_bundle_extract(arc, AU_BUNDLE_NONE, dest, 1 << 20, 10, &d);
	CHECK_EQ(rc, AU_EART_UNSAFE);
	CHECK(strstr(d.msg, "pax path= differs") != NULL);
	CHECK(only_dest_and_arc());
	cleanup();
	/* the same path in both is fine */
	fresh();
	snprintf(cmd, sizeof(cmd), "python3 -c \"import tarfile, io\n"
	    "t = tarfile.open('%s', 'w', format=tarfile.PAX_FORMAT)\n"
	    "i = tarfile.TarInfo('model/weights.bin')\n"
	    "i.pax_headers = {'path': 'model/weights.bin', 'comment': 'x'}\n"
	    "i.size = 4\n"
	    "t.addfile(i, io.BytesIO(b'good'))\n"
	    "t.close()\"", arc);
	REQUIRE(system(cmd) == 0);
	CHECK_EQ(au_bundle_extract(arc, AU_BUNDLE_NONE, dest, 1 << 20, 10, &d), 0);
	cleanup();
}

TEST(refuses_gzip_bomb_at_budget)
{
	/* 64 MiB of zeros compress to about 64 KiB; the budget is 1 MiB. */
	static const struct spec s[] = {
		{ "bomb", 0, 0, NULL, 64u << 20, NULL, 0 } };
	static const struct spec many[] = {
		{ "a", 0, 0, NULL, 600u << 10, NULL, 0 },
		{ "b", 0, 0, NULL, 600u << 10, NULL, 0 } };
	struct stat sb;

	fresh();
	REQUIRE(mk(arc, AU_BUNDLE_GZIP, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, s, 1));
	CHECK(stat(arc, &sb) == 0 && sb.st_size < (1 << 20));
	cleanup();
	CHECK(H(s, "byte budget"));
	CHECK(H(many, "byte budget"));
}

TEST(refuses_too_many_entries)
{
	static struct spec s[120];
	static char names[120][16];
	size_t i;

	for (i = 0; i < 120; i++) {
		snprintf(names[i], sizeof(names[i]), "f%zu", i);
		s[i].name = names[i];
		s[i].data = "x";
	}
	CHECK(hostile(s, 120, AU_BUNDLE_GZIP, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED,
	    AU_EART_UNSAFE, "entry budget"));
	/* 100 paths fit (the budget passed by hostile() is 100) */
	CHECK(hostile(s, 100, AU_BUNDLE_GZIP, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED,
	    0, NULL));
}

TEST(refuses_zip_named_tar)
{
	static const struct spec s[] = { { "zipped", 0, 0, "data", 0, NULL, 0 } };

	CHECK(hostile(s, 1, AU_BUNDLE_NONE, ARCHIVE_FORMAT_ZIP, AU_EART_UNSAFE,
	    NULL));
}

TEST(refuses_wrong_filter)
{
	static const struct spec s[] = { { "f", 0, 0, "data", 0, NULL, 0 } };
	struct au_diag d = { "", 0 };

	/* gzip data named .tar.zst */
	fresh();
	REQUIRE(mk(arc, AU_BUNDLE_GZIP, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, s, 1));
	CHECK_EQ(au_bundle_extract(arc, AU_BUNDLE_ZSTD, dest, 100, 10, &d),
	    AU_EART_UNSAFE);
	CHECK_EQ(au_bundle_extract(arc, AU_BUNDLE_NONE, dest, 100, 10, &d),
	    AU_EART_UNSAFE);
	CHECK(only_dest_and_arc());
	cleanup();
	/* plain tar named .tar.gz: libarchive would read it as "none" */
	fresh();
	REQUIRE(mk(arc, AU_BUNDLE_NONE, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, s, 1));
	CHECK_EQ(au_bundle_extract(arc, AU_BUNDLE_GZIP, dest, 100, 10, &d),
	    AU_EART_UNSAFE);
	CHECK(strstr(d.msg, "compression") != NULL);
	CHECK(only_dest_and_arc());
	cleanup();
}

TEST(refuses_nested_compression)
{
	static const struct spec s[] = { { "f", 0, 0, "data", 0, NULL, 0 } };
	struct au_diag d = { "", 0 };

	/* tar | gzip | gzip named .tar.gz: one filter expected, two found */
	fresh();
	REQUIRE(mk(arc, GZIP_TWICE, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, s, 1));
	CHECK_EQ(au_bundle_extract(arc, AU_BUNDLE_GZIP, dest, 100, 10, &d),
	    AU_EART_UNSAFE);
	CHECK(strstr(d.msg, "compression") != NULL);
	CHECK(only_dest_and_arc());
	cleanup();
}

TEST(refuses_overlong_component_as_unsafe)
{
	static char name[300];
	static struct spec s[] = { { name, 0, 0, "data", 0, NULL, 0 } };
	struct au_diag d = { "", 0 };

	/* a 300-byte file name: an unsafe bundle (exit 13), not an I/O error */
	memset(name, 'n', sizeof(name) - 1);
	fresh();
	REQUIRE(mk(arc, AU_BUNDLE_NONE, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, s, 1));
	CHECK_EQ(au_bundle_extract(arc, AU_BUNDLE_NONE, dest, 100, 10, &d),
	    AU_EART_UNSAFE);
	CHECK(only_dest_and_arc());
	cleanup();
}

TEST(refuses_truncated_and_garbage)
{
	static const struct spec s[] = {
		{ "f", 0, 0, NULL, 100000, NULL, 0 } };
	struct au_diag d = { "", 0 };

	fresh();
	REQUIRE(mk(arc, AU_BUNDLE_NONE, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, s, 1));
	REQUIRE(truncate(arc, 50000) == 0);
	CHECK_EQ(au_bundle_extract(arc, AU_BUNDLE_NONE, dest, 1 << 20, 10, &d),
	    AU_EART_UNSAFE);
	cleanup();
	fresh();
	REQUIRE(mk(arc, AU_BUNDLE_GZIP, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, s, 1));
	REQUIRE(truncate(arc, 60) == 0);
	CHECK_EQ(au_bundle_extract(arc, AU_BUNDLE_GZIP, dest, 1 << 20, 10, &d),
	    AU_EART_UNSAFE);
	cleanup();
	fresh();
	{
		FILE *fp = fopen(arc, "wb");

		REQUIRE(fp != NULL);
		fputs("this is not an archive at all, just text\n", fp);
		fclose(fp);
	}
	CHECK_EQ(au_bundle_extract(arc, AU_BUNDLE_NONE, dest, 1 << 20, 10, &d),
	    AU_EART_UNSAFE);
	CHECK(only_dest_and_arc());
	cleanup();
}

TEST(missing_archive_is_io_error)
{
	struct au_diag d = { "", 0 };

	fresh();
	CHECK_EQ(au_bundle_extract(arc, AU_BUNDLE_NONE, dest, 100, 10, &d),
	    AU_EIO);
	CHECK_EQ(d.sys, ENOENT);
	cleanup();
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(kind_from_name);
	RUN(good_tar);
	RUN(utf8_pax_name);
	RUN(good_tar_gz);
	RUN(good_tar_zst);
	RUN(refuses_dotdot);
	RUN(refuses_absolute);
	RUN(refuses_symlink);
	RUN(refuses_hardlink);
	RUN(refuses_devices_and_fifo);
	RUN(refuses_duplicates_and_clashes);
	RUN(refuses_bad_names);
	RUN(refuses_setuid_setgid_sticky);
	RUN(issue_hostile_list);
	RUN(refuses_pax_path_differing_from_ustar_name);
	RUN(refuses_gzip_bomb_at_budget);
	RUN(refuses_too_many_entries);
	RUN(refuses_zip_named_tar);
	RUN(refuses_wrong_filter);
	RUN(refuses_nested_compression);
	RUN(refuses_overlong_component_as_unsafe);
	RUN(refuses_truncated_and_garbage);
	RUN(missing_archive_is_io_error);
	return harness_done();
}
