/* SPDX-License-Identifier: ISC */
/*
 * client/metadata/fleet.h - device targeting and staged rollouts, decided on the
 * device from the signed "custom" object of a target (TUF 1.0 section 4.5:
 * "custom" is opaque to TUF; these members are this project's convention).
 *
 *   "device_classes": ["jetson-orin", "rpi5"]   only devices whose class
 *                                                is listed take the target
 *   "device_tags":    ["canary", "eu"]          only devices carrying at
 *                                                least one listed tag
 *   "rollout":        25                         integer percent 0..100; a
 *                                                device is in when its bucket
 *                                                (below) is < the percent
 *
 * A member that is absent does not restrict.  The bucket of a device for a
 * target is the first 8 bytes (big endian) of
 * SHA-256(device_id || 0x00 || target_name), modulo 100: deterministic,
 * uniform, independent per target name, and the set of devices in at p
 * percent is a subset of the set at any q > p (raising the percentage only
 * adds devices).  The decision is taken before any download.
 *
 * Class and tag names: 1..AU_FLEET_NAME_MAX bytes of [A-Za-z0-9._-].
 */
#ifndef AU_FLEET_H
#define AU_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include "client/metadata/custom.h"
#include "port/err.h"

#define AU_FLEET_NAME_MAX AU_CUSTOM_NAME_MAX	/* bytes of one class or tag name */
#define AU_FLEET_LIST_MAX AU_CUSTOM_LIST_MAX	/* names in one list (config or custom) */
#define AU_FLEET_ID_MAX 128		/* bytes of a device id */
#define AU_FLEET_MACHINE_ID "/etc/machine-id"	/* default device id source */

/* What a device is; every pointer borrowed, "" when not configured. */
struct au_device {
	const char *device_class;	/* one class name or "" */
	const char *device_tags;	/* names separated by spaces or commas */
	const char *device_id;		/* at most AU_FLEET_ID_MAX bytes */
};

enum au_fleet_verdict {
	AU_FLEET_OK = 0,		/* meant for this device */
	AU_FLEET_WRONG_CLASS,		/* device_classes does not list ours */
	AU_FLEET_NO_TAG,		/* device_tags names none of ours */
	AU_FLEET_NOT_YET,		/* outside the rollout percentage */
};

/*
 * Whether the target `name` with the parsed signed custom c
 * (client/metadata/custom.h) is meant for dev.  A rollout below 100 on a
 * device without an id is AU_FLEET_NOT_YET (fail closed).  Cannot fail.
 */
enum au_fleet_verdict au_fleet_verdict(const struct au_custom *c,
    const char *name, const struct au_device *dev);

/*
 * au_custom_parse(custom_json) then au_fleet_verdict(), for a caller that
 * has only the JSON (may be NULL: no restriction).  *verdict is written on
 * success.  Errors: those of au_custom_parse (AU_EMETA_MALFORMED: custom
 * not JSON, over AU_CUSTOM_MAX, device_classes/device_tags not an array of
 * valid names of at most AU_FLEET_LIST_MAX entries, rollout not an integer
 * 0..100, or another member of custom.h malformed).
 */
AU_NODISCARD int au_fleet_decide(const char *custom_json, const char *name,
    const struct au_device *dev, enum au_fleet_verdict *verdict,
    struct au_diag *diag);

/* The rollout bucket 0..99 of device_id for target name (see above). */
unsigned au_fleet_bucket(const char *device_id, const char *name);

/* Short text for a verdict ("for-this-device", "other-device-class", ...). */
const char *au_fleet_verdict_name(enum au_fleet_verdict v);

/*
 * Validate one class or tag name (1..AU_FLEET_NAME_MAX bytes of
 * [A-Za-z0-9._-]); AU_EUSAGE otherwise.
 */
AU_NODISCARD int au_fleet_name_check(const char *s, size_t len);

/*
 * Validate a list of names separated by spaces or commas (config
 * device_tags, aiupdate-repo --device-tags): at most AU_FLEET_LIST_MAX
 * names, each valid.  An empty list is valid.  AU_EUSAGE otherwise, with
 * diag naming the offending entry.
 */
AU_NODISCARD int au_fleet_list_check(const char *list, struct au_diag *diag);

/*
 * The device id: configured (non-empty `configured`, used as is) or the
 * first line of AU_FLEET_MACHINE_ID (machine_id_path when not NULL, for
 * tests).  Writes a NUL-terminated id into buf (at least AU_FLEET_ID_MAX + 1
 * bytes).  A missing or empty file gives "" and success (no id: partial
 * rollouts pass this device by).  Errors: AU_EIO (unreadable),
 * AU_ECONFIG (longer than AU_FLEET_ID_MAX or a control character).
 */
AU_NODISCARD int au_fleet_device_id(const char *configured,
    const char *machine_id_path, char *buf, size_t size,
    struct au_diag *diag);

#endif
