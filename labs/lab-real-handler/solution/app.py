"""Python handler of lab-real-handler (runtime python3.12, handler app.handler).

Package it with:  zip function.zip app.py
The lab asks you to move the expensive setup out of the handler, into Init.
"""
import hashlib


def build_table():
    """Stands for expensive setup: loading a model, opening connections."""
    table = {}
    h = hashlib.sha256(b"seed").digest()
    for i in range(200000):
        h = hashlib.sha256(h).digest()
        if i % 782 == 0:
            table[h[:1].hex()] = h.hex()
    return table


# Built once, in Init, when the runtime imports this module: every
# invocation this environment serves reuses it.
TABLE = build_table()


def handler(event, context):
    key = (event or {}).get("key")
    if key not in TABLE:
        key = min(TABLE)
    return {"key": key, "value": TABLE[key]}
