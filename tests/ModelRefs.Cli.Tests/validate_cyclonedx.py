"""Validates a CycloneDX JSON document against the official schema files with python3-jsonschema.

usage: validate_cyclonedx.py <schema folder> <bom-1.6 schema file> <document>

The bom schema refers to spdx.SNAPSHOT.schema.json and jsf-0.82.SNAPSHOT.schema.json by relative
references while those files declare other $ids, so every schema of the folder is registered under
both its $id and the URL its file name resolves to: the references resolve locally, nothing is
fetched and no schema is changed. Prints every error; exit 1 when there is one."""
import json
import os
import sys
from urllib.parse import urljoin

import jsonschema

folder, main_name, document_path = sys.argv[1:4]
with open(os.path.join(folder, main_name), encoding="utf-8") as f:
    main = json.load(f)
store = {}
for name in os.listdir(folder):
    if not name.endswith(".schema.json"):
        continue
    with open(os.path.join(folder, name), encoding="utf-8") as f:
        schema = json.load(f)
    store[urljoin(main["$id"], name)] = schema
    if "$id" in schema:
        store[schema["$id"]] = schema
with open(document_path, encoding="utf-8") as f:
    document = json.load(f)

cls = jsonschema.validators.validator_for(main)
cls.check_schema(main)
resolver = jsonschema.RefResolver(base_uri=main["$id"], referrer=main, store=store)
validator = cls(main, resolver=resolver, format_checker=jsonschema.FormatChecker())
errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
for error in errors:
    print("/".join(str(p) for p in error.absolute_path) + ": " + error.message)
print(f"{len(errors)} error(s)")
sys.exit(1 if errors else 0)
