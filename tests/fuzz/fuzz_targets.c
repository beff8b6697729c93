/* SPDX-License-Identifier: ISC */
/*
 * tests/fuzz/fuzz_targets.c - libFuzzer target: targets and delegated
 * targets verification, target lookup, delegation matching (TUF 5.6).
 */
#include "tests/fuzz/fuzz_tuf.h"
#include "port/ban.h"

static struct blob ts0, sn0, tg0;	/* chain whose targets delegate "team" (D1, "*") */

static void
setup(void)
{
	json_t *meta;

	if (ts0.p != NULL)
		return;
	tg0 = seal(tgd_signed(1, FUT, NULL, NULL, delegations(D1, -1, -1,
	    json_pack("[o]", deleg_role("team", 1, D1, -1, json_pack("[s,s]", "*",
	    "*/*"), 0)))), TG, -1);
	meta = json_pack("{s:o, s:o}", "targets.json", metafile(1, NULL),
	    "team.json", metafile(1, NULL));
	sn0 = seal(snm_signed(1, FUT, meta), SN, -1);
	ts0 = seal(ts_signed(1, FUT, 1, NULL), TS, -1);
}

static struct au_trusted *
chain(void)
{
	struct au_trusted *t = trusted(&base.root);

	if (t == NULL || upd_ts(t, &ts0, NULL) != 0 || upd_sn(t, &sn0) != 0)
		abort();
	return t;
}

static void
lookups(struct au_trusted *t, const char *role, const char *delegator)
{
	static const char *const names[] = { "models/eng.traineddata", "a",
	    "only-unknown.bin", "a/b/c" };
	struct au_delegation kids[8];
	struct au_target tg;
	size_t i, n;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (au_trusted_role_target(t, role, delegator, names[i], &tg,
		    NULL) == 0)
			au_target_clear(&tg);
		(void)au_trusted_role_delegations(t, role, names[i], kids, 8, &n);
	}
}

static void
feed(const uint8_t *p, size_t n, int as_delegated)
{
	struct au_trusted *t = chain();

	if (as_delegated) {
		if (upd_tg(t, &tg0) != 0)
			abort();
		if (au_trusted_update_delegated(t, "team", "targets", p, n, NOW,
		    NULL) == 0)
			lookups(t, "team", "targets");
	} else if (au_trusted_update_targets(t, p, n, NOW, NULL) == 0) {
		lookups(t, "targets", NULL);
	}
	au_trusted_free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blob b;
	char pat[64], name[64];
	size_t k;

	fuzz_init();
	setup();
	feed(data, size, 0);
	b = resigned(data, size, AU_TARGETS_MAX_BYTES, TG);
	if (b.p != NULL)
		feed(b.p, b.len, 0);
	blob_free(&b);
	b = resigned(data, size, AU_TARGETS_MAX_BYTES, D1);
	if (b.p != NULL)
		feed(b.p, b.len, 1);
	blob_free(&b);
	/* pattern and name from the first bytes */
	k = size < 2 * (sizeof(pat) - 1) ? size / 2 : sizeof(pat) - 1;
	memcpy(pat, data, k);
	pat[k] = '\0';
	memcpy(name, data + k, k);
	name[k] = '\0';
	(void)au_tuf_path_match(pat, name);
	return 0;
}
