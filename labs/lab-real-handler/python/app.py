"""Python handler of the real-handler lab (labs/lab-real-handler/README.md).

Package it with:  cloudlab endpoint package labs/lab-real-handler/python -o function.zip
Deploy it with runtime python3.12 and handler app.handler.

Step 3 of the lab asks you to move the expensive setup out of the handler,
into Init: build TABLE once at module level.
"""
import hashlib
import os


def build_table():
    """Stands for expensive setup: loading a model, opening connections."""
    rounds = 2000 if os.environ.get("LAB_LIGHT") else 500000
    table = {}
    h = hashlib.sha256(b"seed").digest()
    for i in range(rounds):
        h = hashlib.sha256(h).digest()
        if i % (rounds // 256 + 1) == 0:
            table[h[:1].hex()] = h.hex()
    return table


def handler(event, context):
    table = build_table()  # expensive, and repeated on every invocation: move it to Init
    key = (event or {}).get("key")
    if key not in table:
        key = min(table)
    return {"key": key, "value": table[key]}
