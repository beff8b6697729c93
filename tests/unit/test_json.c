/* SPDX-License-Identifier: ISC */
/* tests/unit/test_json.c - strict JSON intake and canonical JSON (manifest/json.h). */
#include "manifest/json.h"

#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"
#include "port/ban.h"

static int
parse_str(const char *s, size_t max, json_t **out)
{
	return au_json_parse((const uint8_t *)s, strlen(s), max, out, NULL);
}

/* Parse s, canonicalize, compare with want. */
static void
canon_is(const char *s, const char *want)
{
	json_t *v = NULL;
	char *c = NULL;
	size_t len = 0;

	CHECK_EQ(parse_str(s, 1 << 20, &v), AU_OK);
	if (v == NULL)
		return;
	CHECK_EQ(au_json_canonical(v, &c, &len, NULL), AU_OK);
	CHECK_STR(c, want);
	if (c != NULL)
		CHECK_EQ(len, strlen(want));
	free(c);
	json_decref(v);
}

TEST(canonical_sorted_keys)
{
	canon_is("{ \"b\" : 1, \"a\" : { \"d\": [3, 2, 1], \"c\": null } }",
	    "{\"a\":{\"c\":null,\"d\":[3,2,1]},\"b\":1}");
	/* byte order: 'B' < '_' < 'a' < 'z' < U+00E9 (0xC3 0xA9) */
	canon_is("{\"z\":1,\"\\u00e9\":2,\"a\":3,\"B\":4,\"_type\":5}",
	    "{\"B\":4,\"_type\":5,\"a\":3,\"z\":1,\"\xc3\xa9\":2}");
	/* a prefix sorts first */
	canon_is("{\"ab\":1,\"a\":2}", "{\"a\":2,\"ab\":1}");
}

TEST(canonical_escapes_only_backslash_and_quote)
{
	/* \n, \t and \u0001 come out as raw bytes; / stays; " and \ escaped */
	canon_is("{\"k\":\"a\\\"b\\\\c\\nd\\te\\/f\\u0001\"}",
	    "{\"k\":\"a\\\"b\\\\c\nd\te/f\x01\"}");
	/* non-ASCII written raw, never \u-escaped */
	canon_is("{\"k\":\"\\u20ac \xe2\x82\xac\"}",
	    "{\"k\":\"\xe2\x82\xac \xe2\x82\xac\"}");
}

TEST(canonical_scalars)
{
	canon_is("{\"t\":true,\"f\":false,\"n\":null,\"i\":-42,\"z\":0,"
	    "\"big\":9223372036854775807,\"e\":[],\"o\":{}}",
	    "{\"big\":9223372036854775807,\"e\":[],\"f\":false,\"i\":-42,"
	    "\"n\":null,\"o\":{},\"t\":true,\"z\":0}");
}

TEST(canonical_refuses_real)
{
	json_t *v = NULL;
	char *c = NULL;
	size_t len = 0;
	struct au_diag d = { "", 0 };

	REQUIRE(parse_str("{\"a\":[1,{\"b\":1.5}]}", 1000, &v) == AU_OK);
	CHECK_EQ(au_json_canonical(v, &c, &len, &d), AU_EMETA_MALFORMED);
	CHECK(c == NULL);
	CHECK(strstr(d.msg, "real") != NULL);
	json_decref(v);
	REQUIRE(parse_str("{\"a\":1e2}", 1000, &v) == AU_OK);
	CHECK_EQ(au_json_canonical(v, &c, &len, NULL), AU_EMETA_MALFORMED);
	json_decref(v);
}

TEST(canonical_of_built_value)
{
	json_t *v = json_pack("{s:s, s:i}", "keytype", "ed25519", "a", 7);
	char *c = NULL;
	size_t len = 0;

	REQUIRE(v != NULL);
	CHECK_EQ(au_json_canonical(v, &c, &len, NULL), AU_OK);
	CHECK_STR(c, "{\"a\":7,\"keytype\":\"ed25519\"}");
	free(c);
	json_decref(v);
}

TEST(parse_refuses_duplicate_keys)
{
	json_t *v = NULL;
	struct au_diag d = { "", 0 };

	CHECK_EQ(au_json_parse((const uint8_t *)"{\"a\":1,\"a\":2}", 13, 100,
	    &v, &d), AU_EMETA_MALFORMED);
	CHECK(v == NULL);
	CHECK(strstr(d.msg, "line 1") != NULL);
	/* nested duplicates too */
	CHECK_EQ(parse_str("{\"x\":{\"k\":1,\"k\":1}}", 100, &v), AU_EMETA_MALFORMED);
}

TEST(parse_size_cap)
{
	json_t *v = NULL;
	const char *s = "{\"a\":1}";	/* 7 bytes */

	CHECK_EQ(parse_str(s, 6, &v), AU_EMETA_TOOBIG);
	CHECK(v == NULL);
	CHECK_EQ(parse_str(s, 7, &v), AU_OK);
	json_decref(v);
	/* over the cap is refused even when it is not JSON at all */
	CHECK_EQ(parse_str("garbage", 3, &v), AU_EMETA_TOOBIG);
}

TEST(parse_refuses_nul)
{
	json_t *v = NULL;
	const uint8_t raw[] = { '{', '"', 'a', '"', ':', '"', 'x', 0, '"', '}' };

	CHECK_EQ(au_json_parse(raw, sizeof(raw), 100, &v, NULL), AU_EMETA_MALFORMED);
	CHECK_EQ(parse_str("{\"a\":\"x\\u0000y\"}", 100, &v), AU_EMETA_MALFORMED);
	CHECK(v == NULL);
}

TEST(parse_depth_cap)
{
	char buf[256];
	size_t i, n = 0;
	json_t *v = NULL;

	/* {"a":[[...]]}: AU_JSON_MAX_DEPTH levels in all, accepted */
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "{\"a\":");
	for (i = 1; i < AU_JSON_MAX_DEPTH; i++)
		buf[n++] = '[';
	for (i = 1; i < AU_JSON_MAX_DEPTH; i++)
		buf[n++] = ']';
	buf[n++] = '}';
	buf[n] = '\0';
	CHECK_EQ(parse_str(buf, sizeof(buf), &v), AU_OK);
	json_decref(v);
	v = NULL;
	/* one more level: refused */
	n = 0;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "{\"a\":");
	for (i = 0; i < AU_JSON_MAX_DEPTH; i++)
		buf[n++] = '[';
	for (i = 0; i < AU_JSON_MAX_DEPTH; i++)
		buf[n++] = ']';
	buf[n++] = '}';
	buf[n] = '\0';
	CHECK_EQ(parse_str(buf, sizeof(buf), &v), AU_EMETA_MALFORMED);
	/* brackets inside strings do not count */
	CHECK_EQ(parse_str("{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}",
	    1000, &v), AU_OK);
	json_decref(v);
}

TEST(parse_refuses_non_objects_and_garbage)
{
	json_t *v = NULL;

	CHECK_EQ(parse_str("[1,2]", 100, &v), AU_EMETA_MALFORMED);
	CHECK_EQ(parse_str("\"s\"", 100, &v), AU_EMETA_MALFORMED);
	CHECK_EQ(parse_str("{\"a\":1} x", 100, &v), AU_EMETA_MALFORMED);
	CHECK_EQ(parse_str("{\"a\":1", 100, &v), AU_EMETA_MALFORMED);
	CHECK_EQ(parse_str("", 100, &v), AU_EMETA_MALFORMED);
	CHECK_EQ(parse_str("{\"a\":\"\xc3\x28\"}", 100, &v), AU_EMETA_MALFORMED);
	CHECK_EQ(parse_str("{\"a\":99999999999999999999}", 100, &v),
	    AU_EMETA_MALFORMED);
	CHECK(v == NULL);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(canonical_sorted_keys);
	RUN(canonical_escapes_only_backslash_and_quote);
	RUN(canonical_scalars);
	RUN(canonical_refuses_real);
	RUN(canonical_of_built_value);
	RUN(parse_refuses_duplicate_keys);
	RUN(parse_size_cap);
	RUN(parse_refuses_nul);
	RUN(parse_depth_cap);
	RUN(parse_refuses_non_objects_and_garbage);
	return harness_done();
}
