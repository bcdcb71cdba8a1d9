"""cloudlab's runtime interface client for python3.x (standard library only).

It loads the handler named by _HANDLER (module.function) from
LAMBDA_TASK_ROOT, then loops on the Lambda Runtime API (2018-06-01):
GET next, call the handler, POST its response or error.
https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
"""
import http.client
import importlib
import json
import os
import sys
import time
import traceback

API = os.environ["AWS_LAMBDA_RUNTIME_API"]
HOST, PORT = API.rsplit(":", 1)
BASE = "/2018-06-01/runtime"
_conn = None


def _request(method, path, body=None, headers=None):
    global _conn
    for attempt in range(2):
        if _conn is None:
            _conn = http.client.HTTPConnection(HOST, int(PORT))
        try:
            _conn.request(method, BASE + path, body=body, headers=headers or {})
            resp = _conn.getresponse()
            return resp, resp.read()
        except (http.client.HTTPException, OSError):
            _conn.close()
            _conn = None
            if attempt == 1:
                raise


def _error_doc(exc, error_type=None):
    return {
        "errorMessage": str(exc),
        "errorType": error_type or type(exc).__name__,
        "requestId": "",
        "stackTrace": traceback.format_tb(exc.__traceback__),
    }


def _post_json(path, doc, headers=None):
    body = json.dumps(doc).encode()
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    _request("POST", path, body, h)


class Context:
    def __init__(self, headers):
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn", "")
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms", "0") or 0)
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        cc = headers.get("Lambda-Runtime-Client-Context")
        self.client_context = json.loads(cc) if cc else None
        ci = headers.get("Lambda-Runtime-Cognito-Identity")
        self.identity = json.loads(ci) if ci else None

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


def _load_handler():
    spec = os.environ.get("_HANDLER", "")
    if "." not in spec:
        raise ValueError("Bad handler '%s': not enough values to unpack (expected 2, got 1)" % spec)
    module_name, func_name = spec.rsplit(".", 1)
    sys.path.insert(0, os.environ.get("LAMBDA_TASK_ROOT", "."))
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except Exception as exc:  # noqa: BLE001 - reported to the Runtime API
        return None, _error_doc(exc, "Runtime.ImportModuleError")
    func = getattr(module, func_name, None)
    if func is None:
        err = AttributeError("Handler '%s' missing on module '%s'" % (func_name, module_name))
        return None, _error_doc(err, "Runtime.HandlerNotFound")
    return func, None


def main():
    handler, err = _load_handler()
    if err is not None:
        print("[ERROR] %s: %s" % (err["errorType"], err["errorMessage"]), flush=True)
        _post_json("/init/error", err, {"Lambda-Runtime-Function-Error-Type": err["errorType"]})
        sys.exit(1)
    while True:
        resp, body = _request("GET", "/invocation/next")
        if resp.status != 200:
            time.sleep(0.01)
            continue
        headers = {k: v for k, v in resp.getheaders()}
        ctx = Context(headers)
        rid = ctx.aws_request_id
        try:
            event = json.loads(body) if body else None
            result = handler(event, ctx)
            out = json.dumps(result).encode()
        except Exception as exc:  # noqa: BLE001 - the handler's error
            doc = _error_doc(exc)
            doc["requestId"] = rid
            print("[ERROR] %s: %s" % (doc["errorType"], doc["errorMessage"]), flush=True)
            _post_json("/invocation/%s/error" % rid, doc, {"Lambda-Runtime-Function-Error-Type": doc["errorType"]})
            continue
        _request("POST", "/invocation/%s/response" % rid, out, {"Content-Type": "application/json"})


if __name__ == "__main__":
    main()
