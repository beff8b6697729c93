#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# tests/tools/report_schema.py FILE.jsonl - validate the body of every report
# in FILE (lines of tests/interop/webhook_receiver.mjs: {"body": "..."}) against
# docs/report-schema.json with python3-jsonschema.  Exit 0 when all pass.
import json
import os
import sys

import jsonschema

here = os.path.dirname(os.path.abspath(__file__))
schema = json.load(open(os.path.join(here, "..", "..", "docs", "report-schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
bad = 0
for n, line in enumerate(open(sys.argv[1]), 1):
    body = json.loads(json.loads(line)["body"])
    for e in v.iter_errors(body):
        print("report %d: %s at %s" % (n, e.message, list(e.absolute_path)))
        bad += 1
sys.exit(1 if bad else 0)
