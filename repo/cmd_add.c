/* SPDX-License-Identifier: ISC */
/*
 * repo/cmd_add.c - `aiupdate-repo add DIR FILE --name NAME [--custom JSON]
 * [--device-class LIST] [--device-tags LIST] [--rollout PERCENT]
 * [--oms-bundle FILE [--oms-publisher NAME]] [--chunked | --no-chunk]
 * [--chunk-above SIZE] [--chunk-index FILE]`.
 * The chunk options: repo/chunked.c (issue 13).
 * The fleet options write custom.device_classes, custom.device_tags and
 * custom.rollout as client/metadata/fleet.h reads them.
 */
#include "repo/repo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/metadata/budget.h"
#include "client/install/bundle.h"
#include "client/metadata/fleet.h"
#include "manifest/json.h"
#include "manifest/oms.h"
#include "manifest/tuf.h"
#include "port/port.h"

#include "port/ban.h"

/* The version of the existing entry for a name (0 if none). */
static int64_t
prev_version(const json_t *entry)
{
	return json_integer_value(json_object_get(json_object_get(entry, "custom"),
	    "version"));
}

/* Parse --custom (NULL: empty) into a new object. */
static int
parse_custom(const char *text, json_t **out, struct au_diag *diag)
{
	char *canon = NULL;
	size_t len = 0;
	json_t *c = NULL;

	if (text == NULL)
		text = "{}";
	if (au_json_parse((const uint8_t *)text, strlen(text), AU_REPO_CUSTOM_MAX,
	    &c, diag) != 0)
		return au_diag_set(diag, AU_EUSAGE, "--custom must be a JSON object of "
		    "at most %d bytes, without duplicate keys", AU_REPO_CUSTOM_MAX);
	if (au_json_canonical(c, &canon, &len, diag) != 0) {
		json_decref(c);
		return au_diag_set(diag, AU_EUSAGE, "--custom must not contain real "
		    "numbers (canonical JSON has integers only)");
	}
	free(canon);
	*out = c;
	return 0;
}

/* custom[key] = the names of list as an array (validated as the client
 * does, client/metadata/fleet.h). */
static int
set_list(json_t *custom, const char *key, const char *opt, const char *list,
    struct au_diag *diag)
{
	json_t *arr = json_array();
	struct au_diag d = { "out of memory", 0 };
	const char *p = list;
	size_t n;

	if (arr == NULL || au_fleet_list_check(list, &d) != 0) {
		json_decref(arr);
		return au_diag_set(diag, AU_EUSAGE, "%s \"%s\": %s", opt, list,
		    d.msg);
	}
	for (;;) {
		p += strspn(p, " \t,");
		n = strcspn(p, " \t,");
		if (n == 0)
			break;
		if (json_array_append_new(arr, json_stringn(p, n)) != 0)
			break;
		p += n;
	}
	if (json_array_size(arr) == 0) {
		json_decref(arr);
		return au_diag_set(diag, AU_EUSAGE, "%s needs at least one name",
		    opt);
	}
	if (json_object_set_new(custom, key, arr) != 0)
		return au_diag_set(diag, AU_ENOMEM, "building custom failed");
	return 0;
}

static int
set_rollout(json_t *custom, const char *text, struct au_diag *diag)
{
	char *end = NULL;
	long v;

	v = strtol(text, &end, 10);
	if (end == text || *end != '\0' || v < 0 || v > 100)
		return au_diag_set(diag, AU_EUSAGE, "--rollout \"%s\": give an "
		    "integer percentage 0..100", text);
	if (json_object_set_new(custom, "rollout", json_integer(v)) != 0)
		return au_diag_set(diag, AU_ENOMEM, "building custom failed");
	return 0;
}

/* What devices will read: the fleet members of custom (also when they came
 * through --custom) must be what client/metadata/fleet.h accepts.  Only
 * those: the other members are the publisher's to sign (the tests sign a
 * malformed min_version on purpose, to see devices refuse it). */
static int
check_fleet(const json_t *custom, struct au_diag *diag)
{
	static const char *const fleet[] = { "device_classes", "device_tags",
	    "rollout" };
	static const struct au_device any = { "", "", "" };
	enum au_fleet_verdict v;
	struct au_diag d = { "", 0 };
	json_t *only = json_object();
	char *canon = NULL;
	size_t len = 0, i;
	int rc = only != NULL ? 0 : -1;

	for (i = 0; rc == 0 && i < sizeof(fleet) / sizeof(fleet[0]); i++)
		if (json_object_get(custom, fleet[i]) != NULL)
			rc = json_object_set(only, fleet[i],
			    json_object_get(custom, fleet[i]));
	if (rc != 0) {
		json_decref(only);
		return au_diag_set(diag, AU_ENOMEM, "building custom failed");
	}
	rc = au_json_canonical(only, &canon, &len, diag);
	json_decref(only);
	if (rc != 0)
		return au_diag_set(diag, AU_EUSAGE, "custom is not canonical JSON");
	rc = au_fleet_decide(canon, "check", &any, &v, &d);
	free(canon);
	if (rc != 0)
		return au_diag_set(diag, AU_EUSAGE, "devices would refuse this "
		    "custom: %s", d.msg);
	return 0;
}

/* The fleet options (opts[2..4]) into custom. */
static int
apply_fleet(json_t *custom, const struct au_repo_opt *opts,
    struct au_diag *diag)
{
	int rc = 0;

	if (opts[2].value != NULL)
		rc = set_list(custom, "device_classes", "--device-class",
		    opts[2].value, diag);
	if (rc == 0 && opts[3].value != NULL)
		rc = set_list(custom, "device_tags", "--device-tags",
		    opts[3].value, diag);
	if (rc == 0 && opts[4].value != NULL)
		rc = set_rollout(custom, opts[4].value, diag);
	if (rc == 0)
		rc = check_fleet(custom, diag);
	return rc;
}

/* Set custom.version: custom's own (never backwards) or previous + 1. */
static int
set_version(json_t *custom, int64_t prev, int64_t *version,
    struct au_diag *diag)
{
	json_t *v = json_object_get(custom, "version");
	int64_t n = prev + 1;

	if (v != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			return au_diag_set(diag, AU_EUSAGE, "custom \"version\" must be "
			    "an integer >= 1");
		n = json_integer_value(v);
		if (n < prev)
			return au_diag_set(diag, AU_EUSAGE, "custom \"version\" %" PRId64
			    " is lower than the staged version %" PRId64, n, prev);
	}
	if (json_object_set_new(custom, "version", json_integer(n)) != 0)
		return au_diag_set(diag, AU_ENOMEM, "building custom failed");
	*version = n;
	return 0;
}

/* Copy file into DIR/staged/SHA256 (path[AU_REPO_PATH_MAX]); h gets its
 * length and hashes, *fresh whether that staged file is new (it is then
 * removed again if the add is refused). */
static int
stage_file(const char *dir, const char *file, struct au_repo_hashes *h,
    char *path, int *fresh, struct au_diag *diag)
{
	char tmp[AU_REPO_PATH_MAX], rel[80];
	struct au_stat st;
	int rc;

	if ((rc = au_stat(file, &st, diag)) != 0)
		return rc;
	if (st.type != AU_FT_FILE)
		return au_diag_set(diag, AU_EUSAGE, "%s %s", file, st.type == AU_FT_NONE ?
		    "does not exist" : "is not a regular file");
	if ((rc = au_repo_path(tmp, sizeof(tmp), dir, "staged/incoming", diag)) != 0 ||
	    (rc = au_repo_copy(file, tmp, NULL, h, diag)) != 0)
		return rc;
	if (snprintf(rel, sizeof(rel), "staged/%s", h->sha256) >= (int)sizeof(rel))
		return au_diag_set(diag, AU_EINTERNAL, "staged name too long");
	if ((rc = au_repo_path(path, AU_REPO_PATH_MAX, dir, rel, diag)) != 0 ||
	    (rc = au_stat(path, &st, diag)) != 0)
		return rc;
	*fresh = st.type == AU_FT_NONE;
	if ((rc = au_rename(tmp, path, diag)) != 0 ||
	    (rc = au_repo_path(tmp, sizeof(tmp), dir, "staged", diag)) != 0)
		return rc;
	return au_dir_sync(tmp, diag);
}

/* Build the repo.json entry for a staged file. */
static json_t *
make_entry(const struct au_repo_hashes *h, json_t *custom)
{
	char rel[80];

	if (snprintf(rel, sizeof(rel), "staged/%s", h->sha256) >= (int)sizeof(rel))
		return NULL;
	/* SHA-256 only: devices check every listed hash, and one hash keeps
	 * each byte hashed once on the device (keys/digest.h). */
	return json_pack("{s:s, s:I, s:{s:s}, s:O}", "file", rel,
	    "length", (json_int_t)h->length, "hashes", "sha256", h->sha256,
	    "custom", custom);
}

/* Same version with other content would make devices see two files as one. */
static int
check_same_version(const json_t *prev, int64_t version,
    const struct au_repo_hashes *h, const char *name, struct au_diag *diag)
{
	const char *old = json_string_value(json_object_get(json_object_get(prev,
	    "hashes"), "sha256"));

	if (prev == NULL || version != prev_version(prev) ||
	    (old != NULL && strcmp(old, h->sha256) == 0))
		return 0;
	return au_diag_set(diag, AU_EUSAGE, "%s version %" PRId64 " is already "
	    "staged with other content; a new file needs a higher version",
	    name, version);
}

/*
 * A bundle devices would refuse (client/install/bundle.h: links, devices, "..",
 * duplicates, over its budget, the wrong compression...) is refused here,
 * before anything is signed: extracted with the client's own code into a
 * scratch directory under DIR/staged, under the budget devices will apply
 * (custom's bundle_max_bytes / bundle_max_entries, else the maximums).
 */
static int skip_bundle_check;	/* add --unsafe-allow-invalid (tests only) */

static int
check_bundle(const char *dir, const struct au_repo_hashes *h, const char *name,
    const json_t *custom, struct au_diag *diag)
{
	char path[AU_REPO_PATH_MAX], dest[AU_REPO_PATH_MAX], rel[96];
	uint64_t bb = AU_BUNDLE_MAX_BYTES, be = AU_BUNDLE_MAX_ENTRIES;
	struct au_diag d = { "", 0 };
	int kind = au_bundle_kind(name), rc;
	char *cj;

	if (kind < 0 || skip_bundle_check)
		return 0;
	cj = json_dumps(custom, JSON_COMPACT);
	rc = au_budget_from_custom(cj, &bb, &be, diag);
	free(cj);
	if (rc != 0)
		return au_diag_set(diag, AU_EUSAGE, "%s: custom: %s", name,
		    diag ? diag->msg : "bad bundle budget");
	(void)snprintf(rel, sizeof(rel), "staged/%s", h->sha256);
	if ((rc = au_repo_path(path, sizeof(path), dir, rel, diag)) != 0)
		return rc;
	(void)snprintf(rel, sizeof(rel), "staged/check-%s", h->sha256);
	if ((rc = au_repo_path(dest, sizeof(dest), dir, rel, diag)) != 0)
		return rc;
	if ((rc = au_remove_tree(dest, diag)) != 0 ||
	    (rc = au_mkdir(dest, 0700, diag)) != 0)
		return rc;
	rc = au_bundle_extract(path, (enum au_bundle_filter)kind, dest, bb, be,
	    &d);
	if (au_remove_tree(dest, NULL) != 0 && rc == 0)
		rc = au_diag_set(&d, AU_EIO, "cannot remove %s", dest);
	if (rc != 0)
		return au_diag_set(diag, rc, "%s: devices would refuse this "
		    "bundle: %s", name, d.msg);
	return 0;
}

/* Validate, stage and record one target (and its chunk index when ck says
 * so; NULL: none); the state is saved by the caller. */
static int
add_target(const char *dir, json_t *state, const char *file, const char *name,
    json_t *custom, const struct au_repo_chunking *ck, struct au_diag *diag)
{
	json_t *targets = json_object_get(state, "targets");
	json_t *prev = json_object_get(targets, name);
	char staged[AU_REPO_PATH_MAX];
	struct au_repo_hashes h;
	int64_t version = 0;
	int rc, fresh = 0;

	if ((rc = set_version(custom, prev_version(prev), &version, diag)) != 0 ||
	    (rc = stage_file(dir, file, &h, staged, &fresh, diag)) != 0)
		return rc;
	if ((rc = check_bundle(dir, &h, name, custom, diag)) != 0 ||
	    (rc = check_same_version(prev, version, &h, name, diag)) != 0 ||
	    (rc = au_repo_chunk_target(dir, state, name, &h, custom, ck,
	    diag)) != 0) {
		/* refused: a file staged by this add goes again (repo.json
		 * never named it) */
		if (fresh && au_unlink(staged, NULL) != 0) {
			/* keep the refusal; a stray staged file is harmless */
		}
		return rc;
	}
	if (json_object_set_new(targets, name, make_entry(&h, custom)) != 0)
		return au_diag_set(diag, AU_ENOMEM, "building repo.json failed");
	return 0;
}

/*
 * --oms-bundle FILE [--oms-publisher NAME] (opts[6], opts[7]): FILE, an OMS
 * v1.0 bundle (manifest/oms.h; parsed here as devices will), is staged as
 * its own target NAME.sig and named in the model's custom.oms, with the
 * pinned publisher when given (client/install/provenance.h).
 */
static int
add_oms(const char *dir, json_t *state, const char *name,
    const struct au_repo_opt *opts, json_t *custom, struct au_diag *diag)
{
	char bname[AU_TARGET_NAME_MAX + 8];
	struct au_oms_bundle *b = NULL;
	uint8_t *buf = NULL;
	json_t *bcustom, *oms;
	size_t len;
	int rc;

	if (opts[6].value == NULL)
		return opts[7].value == NULL ? 0 : au_diag_set(diag, AU_EUSAGE,
		    "--oms-publisher needs --oms-bundle");
	rc = au_file_read_all(opts[6].value, AU_OMS_BUNDLE_MAX, &buf, &len, diag);
	if (rc == 0 && (rc = au_oms_parse(buf, len, &b, NULL, diag)) != 0)
		rc = au_diag_set(diag, AU_EUSAGE, "--oms-bundle %s: %s",
		    opts[6].value, diag != NULL ? diag->msg : "not an OMS bundle");
	au_oms_bundle_free(b);
	free(buf);
	if (rc != 0)
		return rc;
	if (snprintf(bname, sizeof(bname), "%s.sig", name) >= AU_TARGET_NAME_MAX)
		return au_diag_set(diag, AU_EUSAGE, "target name too long for "
		    "its .sig");
	if ((bcustom = json_object()) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	rc = add_target(dir, state, opts[6].value, bname, bcustom, NULL, diag);
	json_decref(bcustom);
	if (rc != 0)
		return rc;
	oms = opts[7].value != NULL ? json_pack("{s:s, s:s}", "bundle", bname,
	    "publisher", opts[7].value) : json_pack("{s:s}", "bundle", bname);
	if (oms == NULL || json_object_set_new(custom, "oms", oms) != 0)
		return au_diag_set(diag, AU_ENOMEM, "building custom failed");
	return 0;
}

/* NAME.cidx is the chunk index of NAME, written by --chunked only. */
static int
check_not_index(const char *name, struct au_diag *diag)
{
	size_t n = strlen(name), k = strlen(AU_REPO_CIDX_SUFFIX);

	if (n >= k && strcmp(name + n - k, AU_REPO_CIDX_SUFFIX) == 0)
		return au_diag_set(diag, AU_EUSAGE, "target names ending in %s "
		    "are the chunk indexes of chunked targets (add --chunked "
		    "writes them)", AU_REPO_CIDX_SUFFIX);
	return 0;
}

static void
print_entry(const json_t *state, const char *name)
{
	const json_t *e = json_object_get(json_object_get(state, "targets"), name);

	printf("name=%s version=%" PRId64 " length=%" PRId64 " sha256=%s\n", name,
	    prev_version(e), (int64_t)json_integer_value(json_object_get(e, "length")),
	    json_string_value(json_object_get(json_object_get(e, "hashes"), "sha256")));
}

int
au_repo_cmd_add(int argc, char **argv, struct au_diag *diag)
{
	struct au_repo_opt opts[] = { { "--name", 1, NULL }, { "--custom", 1, NULL },
	    { "--device-class", 1, NULL }, { "--device-tags", 1, NULL },
	    { "--rollout", 1, NULL }, { "--unsafe-allow-invalid", 0, NULL },
	    { "--oms-bundle", 1, NULL }, { "--oms-publisher", 1, NULL },
	    { "--chunked", 0, NULL }, { "--no-chunk", 0, NULL },
	    { "--chunk-above", 1, NULL }, { "--chunk-index", 1, NULL } };
	struct au_repo_chunking ck;
	const char *pos[2];
	json_t *state = NULL, *custom = NULL;
	struct au_diag nd;
	int rc;

	if ((rc = au_repo_args(argc, argv, opts, 12, pos, 2, 2, diag)) != 0)
		return rc;
	skip_bundle_check = opts[5].value != NULL;	/* a testing aid */
	if (skip_bundle_check)
		fprintf(stderr, "aiupdate-repo add: WARNING: --unsafe-allow-invalid: "
		    "the bundle is not checked; devices may refuse it\n");
	if (opts[0].value == NULL)
		return au_diag_set(diag, AU_EUSAGE, "add needs --name NAME");
	/* The one name policy (manifest/tuf.h): what no device could track or
	 * install is refused here, not downloaded by every device in vain. */
	if (au_target_name_check(opts[0].value, &nd) != 0)
		return au_diag_set(diag, AU_EUSAGE, "%s: no device could install "
		    "it", nd.msg);
	if (strpbrk(opts[0].value, " ,") != NULL)
		return au_diag_set(diag, AU_EUSAGE, "target name \"%s\" has a space "
		    "or a comma: devices list their targets separated by those "
		    "([repository] targets), so none could track it", opts[0].value);
	if ((rc = check_not_index(opts[0].value, diag)) != 0 ||
	    (rc = au_repo_state_load(pos[0], &state, diag)) != 0)
		return rc;
	rc = au_repo_chunking_init(&ck, state, opts[0].value, opts[8].value,
	    opts[9].value, opts[10].value, opts[11].value, diag);
	if (rc == 0)
		rc = parse_custom(opts[1].value, &custom, diag);
	if (rc == 0 && json_object_get(custom, "chunk_index") != NULL)
		rc = au_diag_set(diag, AU_EUSAGE, "custom \"chunk_index\" is "
		    "written by --chunked (with the index it names), not given");
	if (rc == 0)
		rc = apply_fleet(custom, opts, diag);
	if (rc == 0)
		rc = add_oms(pos[0], state, opts[0].value, opts, custom, diag);
	if (rc == 0)
		rc = add_target(pos[0], state, pos[1], opts[0].value, custom, &ck,
		    diag);
	if (rc == 0)
		rc = au_repo_state_save(pos[0], state, diag);
	if (rc == 0 && opts[6].value != NULL)
		print_entry(state, json_string_value(json_object_get(
		    json_object_get(custom, "oms"), "bundle")));
	if (rc == 0 && json_object_get(custom, "chunk_index") != NULL)
		print_entry(state, json_string_value(json_object_get(custom,
		    "chunk_index")));
	if (rc == 0)
		print_entry(state, opts[0].value);
	json_decref(custom);
	json_decref(state);
	return rc;
}
