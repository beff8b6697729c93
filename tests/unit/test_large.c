/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_large.c - sizes are 64-bit everywhere (issue 4), checked
 * where it matters: in the 32-bit builds (tests/cross/run.sh runs this for
 * armhf under qemu and i686 natively).  HTTP lengths and ranges past 4 GiB,
 * JSON integers past 2^32, and the port/ file layer appending to and
 * reporting the size of a sparse file past 4 GiB (a 32-bit build without
 * 64-bit file offsets fails these with EFBIG/EOVERFLOW).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <jansson.h>

#include "client/transport/http.h"
#include "manifest/json.h"
#include "port/port.h"
#include "tests/unit/harness.h"
#include "port/ban.h"

#define FOUR_GIB 4294967296ULL

static struct au_diag diag;

static int
head(const char *s, struct au_http_head *h)
{
	size_t used = 0;
	int rc;

	memset(&diag, 0, sizeof(diag));
	rc = au_http_parse_head((const uint8_t *)s, strlen(s), h, &used, &diag);
	return rc == 0 && used == strlen(s) ? 0 : (rc ? rc : -1);
}

TEST(offsets_are_64_bit)
{
	CHECK_EQ(sizeof(off_t), 8);
	CHECK_EQ(sizeof(uint64_t), 8);
}

TEST(content_length_past_4gib)
{
	struct au_http_head h;

	REQUIRE(head("HTTP/1.1 200 OK\r\nContent-Length: 4294971392\r\n\r\n", &h) == 0);
	CHECK_EQ(h.framing, AU_HTTP_FRAME_LENGTH);
	CHECK(h.length == FOUR_GIB + 4096);
	/* 2^64 does not fit: refused, not wrapped */
	CHECK(head("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n",
	    &h) != 0);
}

TEST(content_range_past_4gib)
{
	struct au_http_head h;

	REQUIRE(head("HTTP/1.1 206 Partial Content\r\nContent-Length: 4097\r\n"
	    "Content-Range: bytes 4294967295-4294971391/4294971392\r\n\r\n", &h) == 0);
	CHECK_EQ(h.has_range, 1);
	CHECK(h.range_first == FOUR_GIB - 1);
	CHECK(h.range_last == FOUR_GIB + 4095);
	CHECK(h.range_total == FOUR_GIB + 4096);
	CHECK(h.length == 4097);
}

TEST(json_integer_past_4gib)
{
	static const char doc[] = "{\"length\":4294971392}";
	json_t *v = NULL;

	memset(&diag, 0, sizeof(diag));
	REQUIRE(au_json_parse((const uint8_t *)doc, sizeof(doc) - 1, 1024, &v,
	    &diag) == 0);
	CHECK((uint64_t)json_integer_value(json_object_get(v, "length")) ==
	    FOUR_GIB + 4096);
	json_decref(v);
}

/* Append past the 4 GiB mark of a sparse file through port/ and stat it. */
TEST(port_append_past_4gib)
{
	char dir[256], path[300];
	struct au_file *f = NULL;
	struct au_stat st;
	int fd;

	REQUIRE(harness_tmpdir(dir, sizeof(dir), "aiu-large") != NULL);
	snprintf(path, sizeof(path), "%s/f", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	REQUIRE(fd >= 0);
	close(fd);
	if (truncate(path, (off_t)FOUR_GIB) != 0) {
		CHECK(!"truncate to 4 GiB");
		CHECK(au_remove_tree(dir, NULL) == 0);
		return;
	}
	memset(&diag, 0, sizeof(diag));
	CHECK(au_file_open_append(path, &f, &diag) == 0);
	if (f != NULL) {
		CHECK(au_file_write(f, "tail", 4, &diag) == 0);
		CHECK(au_file_writeback(f, FOUR_GIB, 4, &diag) == 0);
		CHECK_EQ(au_file_close(f), 0);
	}
	CHECK(au_stat(path, &st, &diag) == 0);
	CHECK_EQ(st.type, AU_FT_FILE);
	CHECK(st.size == FOUR_GIB + 4);
	CHECK(au_remove_tree(dir, NULL) == 0);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(offsets_are_64_bit);
	RUN(content_length_past_4gib);
	RUN(content_range_past_4gib);
	RUN(json_integer_past_4gib);
	RUN(port_append_past_4gib);
	return harness_done();
}
