// Preload (`node --require`, which, unlike --import, also runs in every worker thread): writes one
// line to stderr each time a thread compiles WebAssembly from bytes, saying which thread it was. A
// module handed over already compiled is instantiated without compiling and writes nothing.
const { isMainThread } = require('node:worker_threads');

const where = isMainThread ? 'main' : 'worker';
const note = () => process.stderr.write(`wasm-compile ${where}\n`);
const api = globalThis.WebAssembly;
const { compile, instantiate, compileStreaming, instantiateStreaming, Module } = api;
api.compile = function (...args) {
  note();
  return compile.apply(api, args);
};
api.instantiate = function (source, ...rest) {
  if (!(source instanceof Module)) note();
  return instantiate.call(api, source, ...rest);
};
if (compileStreaming)
  api.compileStreaming = function (...args) {
    note();
    return compileStreaming.apply(api, args);
  };
if (instantiateStreaming)
  api.instantiateStreaming = function (...args) {
    note();
    return instantiateStreaming.apply(api, args);
  };
