/* SPDX-License-Identifier: ISC */
/* tests/unit/test_text.c - hex, path joining and percent-encoding (port/text.h). */
#include "port/text.h"

#include <string.h>

#include "tests/unit/harness.h"
#include "port/ban.h"

TEST(hex_round_trip)
{
	const uint8_t in[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	uint8_t back[sizeof(in)];
	char hex[2 * sizeof(in) + 1];

	au_hex_encode(in, sizeof(in), hex);
	CHECK_STR(hex, "00017f80abff");
	CHECK_EQ(au_hex_decode(hex, back, sizeof(back)), AU_OK);
	CHECK(memcmp(in, back, sizeof(in)) == 0);
	CHECK_EQ(au_hex_decode("00017F80ABFF", back, sizeof(back)), AU_OK);
	CHECK(memcmp(in, back, sizeof(in)) == 0);
	au_hex_encode(in, 0, hex);
	CHECK_STR(hex, "");
}

TEST(hex_decode_refuses)
{
	uint8_t b[2];

	CHECK_EQ(au_hex_decode(NULL, b, 2), AU_EMETA_MALFORMED);
	CHECK_EQ(au_hex_decode("abc", b, 2), AU_EMETA_MALFORMED);
	CHECK_EQ(au_hex_decode("abcdef", b, 2), AU_EMETA_MALFORMED);
	CHECK_EQ(au_hex_decode("abcg", b, 2), AU_EMETA_MALFORMED);
	CHECK_EQ(au_hex_decode("ab d", b, 2), AU_EMETA_MALFORMED);
}

TEST(path_join_fits_or_refuses)
{
	char buf[8];

	CHECK_EQ(au_path_join(buf, sizeof(buf), "a", "bc"), AU_OK);
	CHECK_STR(buf, "a/bc");
	CHECK_EQ(au_path_join(buf, sizeof(buf), "abc", "def"), AU_OK);
	CHECK_STR(buf, "abc/def");	/* 7 bytes and the NUL: exactly full */
	CHECK_EQ(au_path_join(buf, sizeof(buf), "abc", "defg"), AU_ETOOBIG);
	CHECK_EQ(au_path_join(buf, sizeof(buf), "/", "x"), AU_OK);
	CHECK_STR(buf, "//x");		/* nothing dropped */
}

/* As Python's urllib.parse.quote(s, safe). */
TEST(pct_encode_as_urllib_quote)
{
	char buf[64];

	CHECK_EQ(au_pct_encode(buf, sizeof(buf), 0, "a/b c", ""), AU_OK);
	CHECK_STR(buf, "a%2Fb%20c");
	CHECK_EQ(au_pct_encode(buf, sizeof(buf), 0, "a/b c", "/"), AU_OK);
	CHECK_STR(buf, "a/b%20c");
	CHECK_EQ(au_pct_encode(buf, sizeof(buf), 0, "\xc3\xa9~_-.%", NULL),
	    AU_OK);
	CHECK_STR(buf, "%C3%A9~_-.%25");
	CHECK_EQ(au_pct_encode(buf, sizeof(buf), 0, "1.a%2Fb.json", "%"), AU_OK);
	CHECK_STR(buf, "1.a%2Fb.json");
	memcpy(buf, "/m/", 4);
	CHECK_EQ(au_pct_encode(buf, sizeof(buf), 3, "x y", "/"), AU_OK);
	CHECK_STR(buf, "/m/x%20y");
}

TEST(pct_encode_refuses_what_does_not_fit)
{
	char buf[4];

	CHECK_EQ(au_pct_encode(buf, sizeof(buf), 0, "abc", ""), AU_OK);
	CHECK_STR(buf, "abc");
	CHECK_EQ(au_pct_encode(buf, sizeof(buf), 0, "abcd", ""), AU_ETOOBIG);
	CHECK_EQ(au_pct_encode(buf, sizeof(buf), 0, " ", ""), AU_OK);
	CHECK_STR(buf, "%20");
	CHECK_EQ(au_pct_encode(buf, sizeof(buf), 1, " ", ""), AU_ETOOBIG);
	CHECK_EQ(au_pct_encode(buf, sizeof(buf), 4, "", ""), AU_ETOOBIG);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(hex_round_trip);
	RUN(hex_decode_refuses);
	RUN(path_join_fits_or_refuses);
	RUN(pct_encode_as_urllib_quote);
	RUN(pct_encode_refuses_what_does_not_fit);
	return harness_done();
}
