#!/bin/sh
# SPDX-License-Identifier: ISC
# The demo's health check: real inference with the newly installed model.
# aiupdate runs it after each switch with AIUPDATE_TARGET, AIUPDATE_VERSION,
# AIUPDATE_PATH (the new version's directory) and AIUPDATE_PREVIOUS_PATH.
# DEMO_IMAGE is a PNG whose text is DEMO_TEXT.
set -u
case "$AIUPDATE_TARGET" in
models/*.traineddata)
	lang=$(basename "$AIUPDATE_TARGET" .traineddata)
	got=$(tesseract "$DEMO_IMAGE" - -l "$lang" --tessdata-dir "$AIUPDATE_PATH" 2>/dev/null | tr -s ' \n' ' ' | sed 's/ *$//')
	if [ "$got" != "$DEMO_TEXT" ]; then
		echo "OCR with $AIUPDATE_TARGET v$AIUPDATE_VERSION read '$got', expected '$DEMO_TEXT'" >&2
		exit 1
	fi
	echo "  health: OCR with $AIUPDATE_TARGET v$AIUPDATE_VERSION read '$got'" >&2
	;;
policy/*)
	[ -f "$AIUPDATE_PATH/policy/guard.conf" ] || { echo "policy/guard.conf missing" >&2; exit 1; }
	echo "  health: policy bundle v$AIUPDATE_VERSION has policy/guard.conf" >&2
	;;
esac
exit 0
