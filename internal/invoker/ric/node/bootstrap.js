// cloudlab's runtime interface client for nodejs*.x (Node.js built-ins only).
//
// It loads the handler named by _HANDLER (file.function) from
// LAMBDA_TASK_ROOT (.js, .cjs or .mjs), then loops on the Lambda Runtime API
// (2018-06-01): GET next, call the handler, POST its response or error.
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
'use strict';
const http = require('http');
const path = require('path');
const fs = require('fs');
const { pathToFileURL } = require('url');

const [HOST, PORT] = (() => {
  const api = process.env.AWS_LAMBDA_RUNTIME_API;
  const i = api.lastIndexOf(':');
  return [api.slice(0, i), Number(api.slice(i + 1))];
})();
const BASE = '/2018-06-01/runtime';
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(method, p, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: HOST, port: PORT, path: BASE + p, method, agent, headers: headers || {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function errorDoc(err, type) {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    errorType: type || e.name || 'Error',
    errorMessage: e.message,
    trace: String(e.stack || '').split('\n'),
  };
}

function postJSON(p, doc, headers) {
  return request('POST', p, JSON.stringify(doc), Object.assign({ 'Content-Type': 'application/json' }, headers || {}));
}

async function loadHandler() {
  const spec = process.env._HANDLER || '';
  const dot = spec.lastIndexOf('.');
  if (dot < 0) throw Object.assign(new Error(`Bad handler ${spec}`), { lambdaType: 'Runtime.MalformedHandlerName' });
  const base = path.join(process.env.LAMBDA_TASK_ROOT || '.', spec.slice(0, dot));
  const name = spec.slice(dot + 1);
  let mod;
  const file = ['.js', '.mjs', '.cjs'].map((x) => base + x).find((f) => fs.existsSync(f));
  if (!file) throw Object.assign(new Error(`Cannot find module '${spec.slice(0, dot)}'`), { lambdaType: 'Runtime.ImportModuleError' });
  try {
    if (file.endsWith('.mjs')) {
      mod = await import(pathToFileURL(file).href);
    } else {
      try {
        mod = require(file);
      } catch (e) {
        if (e.code !== 'ERR_REQUIRE_ESM') throw e;
        mod = await import(pathToFileURL(file).href);
      }
    }
  } catch (e) {
    e.lambdaType = 'Runtime.ImportModuleError';
    throw e;
  }
  const fn = mod[name] || (mod.default && mod.default[name]);
  if (typeof fn !== 'function') {
    throw Object.assign(new Error(`${spec} is undefined or not exported`), { lambdaType: 'Runtime.HandlerNotFound' });
  }
  return fn;
}

function context(h) {
  const deadline = Number(h['lambda-runtime-deadline-ms'] || 0);
  return {
    awsRequestId: h['lambda-runtime-aws-request-id'],
    invokedFunctionArn: h['lambda-runtime-invoked-function-arn'],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: h['lambda-runtime-client-context'] ? JSON.parse(h['lambda-runtime-client-context']) : undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    callbackWaitsForEmptyEventLoop: true,
  };
}

function callHandler(fn, event, ctx) {
  return new Promise((resolve, reject) => {
    let done = false;
    const cb = (err, res) => {
      if (done) return;
      done = true;
      if (err) reject(err); else resolve(res);
    };
    try {
      const r = fn(event, ctx, cb);
      if (r && typeof r.then === 'function') r.then((v) => cb(null, v), (e) => cb(e));
      else if (fn.length < 3) cb(null, r);
    } catch (e) {
      cb(e);
    }
  });
}

async function main() {
  let fn;
  try {
    fn = await loadHandler();
  } catch (e) {
    const doc = errorDoc(e, e.lambdaType);
    console.error(`${doc.errorType}: ${doc.errorMessage}`);
    await postJSON('/init/error', doc, { 'Lambda-Runtime-Function-Error-Type': doc.errorType });
    process.exit(1);
  }
  for (;;) {
    const next = await request('GET', '/invocation/next');
    if (next.status !== 200) {
      await new Promise((r) => setTimeout(r, 10));
      continue;
    }
    const rid = next.headers['lambda-runtime-aws-request-id'];
    try {
      const event = next.body.length ? JSON.parse(next.body.toString()) : null;
      const result = await callHandler(fn, event, context(next.headers));
      const out = JSON.stringify(result === undefined ? null : result);
      await request('POST', `/invocation/${rid}/response`, out, { 'Content-Type': 'application/json' });
    } catch (e) {
      const doc = errorDoc(e);
      console.error(`${new Date().toISOString()}\t${rid}\tERROR\tInvoke Error \t${JSON.stringify(doc)}`);
      await postJSON(`/invocation/${rid}/error`, doc, { 'Lambda-Runtime-Function-Error-Type': doc.errorType });
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
