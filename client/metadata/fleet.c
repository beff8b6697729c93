/* SPDX-License-Identifier: ISC */
/* client/metadata/fleet.c - device targeting and staged rollouts from signed custom. */
#include "client/metadata/fleet.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port/port.h"
#include "port/ban.h"

#define SEPARATORS " \t,"

int
au_fleet_name_check(const char *s, size_t len)
{
	return au_custom_name_ok(s, len) ? 0 : AU_EUSAGE;
}

int
au_fleet_list_check(const char *list, struct au_diag *diag)
{
	const char *p = list;
	size_t n, count = 0;

	for (;;) {
		p += strspn(p, SEPARATORS);
		n = strcspn(p, SEPARATORS);
		if (n == 0)
			return 0;
		if (++count > AU_FLEET_LIST_MAX)
			return au_diag_set(diag, AU_EUSAGE, "more than %d names",
			    AU_FLEET_LIST_MAX);
		if (au_fleet_name_check(p, n) != 0)
			return au_diag_set(diag, AU_EUSAGE, "'%.*s' is not a valid "
			    "name (1-%d characters of A-Z a-z 0-9 . _ -)",
			    (int)(n > 80 ? 80 : n), p, AU_FLEET_NAME_MAX);
		p += n;
	}
}

/* 1 when the separated list holds exactly the name s. */
static int
list_has(const char *list, const char *s)
{
	size_t len = strlen(s), n;
	const char *p = list;

	for (;;) {
		p += strspn(p, SEPARATORS);
		n = strcspn(p, SEPARATORS);
		if (n == 0)
			return 0;
		if (n == len && memcmp(p, s, n) == 0)
			return 1;
		p += n;
	}
}

unsigned
au_fleet_bucket(const char *device_id, const char *name)
{
	crypto_hash_sha256_state st;
	uint8_t d[crypto_hash_sha256_BYTES];
	uint64_t v = 0;
	size_t i;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const uint8_t *)device_id,
	    strlen(device_id));
	crypto_hash_sha256_update(&st, (const uint8_t *)"", 1);
	crypto_hash_sha256_update(&st, (const uint8_t *)name, strlen(name));
	crypto_hash_sha256_final(&st, d);
	for (i = 0; i < 8; i++)
		v = (v << 8) | d[i];
	return (unsigned)(v % 100);
}

/* 1 when the member is absent or one of its names is in the list have. */
static int
list_matches(const struct au_custom_list *l, const char *have)
{
	size_t i;

	if (!l->present)
		return 1;
	for (i = 0; i < l->n; i++)
		if (list_has(have, l->name[i]))
			return 1;
	return 0;
}

enum au_fleet_verdict
au_fleet_verdict(const struct au_custom *c, const char *name,
    const struct au_device *dev)
{
	if (!list_matches(&c->classes, dev->device_class))
		return AU_FLEET_WRONG_CLASS;
	if (!list_matches(&c->tags, dev->device_tags))
		return AU_FLEET_NO_TAG;
	if (c->rollout >= 0 && c->rollout < 100 && (dev->device_id[0] == '\0' ||
	    au_fleet_bucket(dev->device_id, name) >= (unsigned)c->rollout))
		return AU_FLEET_NOT_YET;
	return AU_FLEET_OK;
}

int
au_fleet_decide(const char *custom_json, const char *name,
    const struct au_device *dev, enum au_fleet_verdict *verdict,
    struct au_diag *diag)
{
	struct au_custom c;
	int rc = au_custom_parse(custom_json, &c, diag);

	if (rc == 0)
		*verdict = au_fleet_verdict(&c, name, dev);
	return rc;
}

const char *
au_fleet_verdict_name(enum au_fleet_verdict v)
{
	switch (v) {
	case AU_FLEET_OK: return "for-this-device";
	case AU_FLEET_WRONG_CLASS: return "other-device-class";
	case AU_FLEET_NO_TAG: return "other-device-tags";
	case AU_FLEET_NOT_YET: return "not-in-rollout-yet";
	default: return "unknown";
	}
}

static int
id_check(const char *id, size_t n, struct au_diag *diag)
{
	size_t i;

	if (n > AU_FLEET_ID_MAX)
		return au_diag_set(diag, AU_ECONFIG, "device id is longer than "
		    "%d bytes", AU_FLEET_ID_MAX);
	for (i = 0; i < n; i++)
		if ((unsigned char)id[i] < 0x20 || id[i] == 0x7f)
			return au_diag_set(diag, AU_ECONFIG, "device id contains "
			    "a control character");
	return 0;
}

int
au_fleet_device_id(const char *configured, const char *machine_id_path,
    char *buf, size_t size, struct au_diag *diag)
{
	const char *path = machine_id_path ? machine_id_path :
	    AU_FLEET_MACHINE_ID;
	uint8_t *data = NULL;
	struct au_diag d = { "", 0 };
	size_t len = 0, n;
	int rc;

	if (size <= AU_FLEET_ID_MAX)
		return au_diag_set(diag, AU_EINTERNAL, "device id buffer small");
	if (configured != NULL && configured[0] != '\0') {
		n = strlen(configured);
		if ((rc = id_check(configured, n, diag)) != 0)
			return rc;
		memcpy(buf, configured, n + 1);
		return 0;
	}
	rc = au_file_read_all(path, 4096, &data, &len, &d);
	if (rc == AU_EIO && d.sys == ENOENT) {
		buf[0] = '\0';
		return 0;
	}
	if (rc != 0)
		return au_diag_sys(diag, rc, d.sys, "device id: %s", d.msg);
	n = strcspn((const char *)data, "\r\n");
	rc = id_check((const char *)data, n, diag);
	if (rc == 0) {
		memcpy(buf, data, n);
		buf[n] = '\0';
	}
	free(data);
	return rc;
}
