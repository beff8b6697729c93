/* SPDX-License-Identifier: ISC */
/* client/metadata/custom.c - a target's signed custom, parsed once (custom.h). */
#include "client/metadata/custom.h"

#include <string.h>

#include <jansson.h>

#include "manifest/json.h"
#include "port/ban.h"

int
au_custom_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > AU_CUSTOM_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* Integer member key in [min, max] into *val; absent leaves *val. */
static int
integer(const json_t *o, const char *key, json_int_t min, json_int_t max,
    const char *what, json_int_t *val, struct au_diag *diag)
{
	const json_t *v = json_object_get(o, key);

	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "custom.%s %s",
		    key, what);
	*val = json_integer_value(v);
	return 0;
}

static int
list(const json_t *o, const char *key, struct au_custom_list *l,
    struct au_diag *diag)
{
	const json_t *arr = json_object_get(o, key), *v;
	size_t i;

	l->present = arr != NULL;
	l->n = 0;
	if (arr == NULL)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > AU_CUSTOM_LIST_MAX)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "custom.%s must be "
		    "an array of at most %d names", key, AU_CUSTOM_LIST_MAX);
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);
		size_t n = s != NULL ? json_string_length(v) : 0;

		if (s == NULL || !au_custom_name_ok(s, n))
			return au_diag_set(diag, AU_EMETA_MALFORMED, "custom.%s "
			    "entry %zu is not a valid name", key, i);
		memcpy(l->name[l->n++], s, n + 1);
	}
	return 0;
}

/* "chunk_index": a target name under the one policy (manifest/tuf.h). */
static int
target_name(const json_t *o, const char *key, char *out, size_t size,
    struct au_diag *diag)
{
	const json_t *v = json_object_get(o, key);
	const char *s = json_string_value(v);
	struct au_diag nd;

	if (v == NULL)
		return 0;
	if (s == NULL || json_string_length(v) >= size ||
	    strlen(s) != json_string_length(v))
		return au_diag_set(diag, AU_EMETA_MALFORMED, "custom.%s is not "
		    "a target name of at most %zu bytes", key, size - 1);
	if (au_target_name_check(s, &nd) != 0)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "custom.%s: %s",
		    key, nd.msg);
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int
members(const json_t *o, struct au_custom *c, struct au_diag *diag)
{
	json_int_t minv = -1, bytes = 0, entries = 0, rollout = -1;
	int rc;

	if ((rc = integer(o, "min_version", 0, INT64_MAX,
	    "is not an integer >= 0", &minv, diag)) != 0 ||
	    (rc = integer(o, "bundle_max_bytes", 1, INT64_MAX,
	    "is not an integer >= 1", &bytes, diag)) != 0 ||
	    (rc = integer(o, "bundle_max_entries", 1, INT64_MAX,
	    "is not an integer >= 1", &entries, diag)) != 0 ||
	    (rc = list(o, "device_classes", &c->classes, diag)) != 0 ||
	    (rc = list(o, "device_tags", &c->tags, diag)) != 0 ||
	    (rc = integer(o, "rollout", 0, 100,
	    "must be an integer percentage 0..100", &rollout, diag)) != 0 ||
	    (rc = target_name(o, "chunk_index", c->chunk_index,
	    sizeof(c->chunk_index), diag)) != 0)
		return rc;
	c->min_version = (int64_t)minv;
	c->bundle_max_bytes = (uint64_t)bytes;
	c->bundle_max_entries = (uint64_t)entries;
	c->rollout = (int)rollout;
	return 0;
}

int
au_custom_parse(const char *custom_json, struct au_custom *out,
    struct au_diag *diag)
{
	struct au_custom c;
	json_t *o = NULL;
	size_t len;
	int rc;

	memset(&c, 0, sizeof(c));
	c.min_version = -1;
	c.rollout = -1;
	if (custom_json == NULL) {
		*out = c;
		return 0;
	}
	len = strlen(custom_json);
	if (len > AU_CUSTOM_MAX)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "custom metadata "
		    "over %d bytes", AU_CUSTOM_MAX);
	if (au_json_parse((const uint8_t *)custom_json, len, AU_CUSTOM_MAX, &o,
	    NULL) != 0)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "custom metadata "
		    "is not a JSON object");
	rc = members(o, &c, diag);
	json_decref(o);
	if (rc == 0)
		*out = c;
	return rc;
}
