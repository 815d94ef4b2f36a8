// Runs TF.js graph models from disk under Node.js and writes their outputs as raw little-endian
// binaries, for the ModelRefs TF.js converter tests and benchmark. No tfjs-node: the model is
// loaded through an in-memory IO handler that reads model.json and its weight shards with fs.
//
//   node run-tfjs.js jobs.json
//
// jobs.json: { "backend": "cpu" | "wasm", "jobs": [ {
//     "model": "/abs/model.json",
//     "inputs": [ { "name": "input", "dtype": "float32" | "int32" | "bool", "shape": [1,2], "file": "/abs/in0.bin" } ],
//     "outputs": [ "Identity" ],            // tensor names; optional (default: the model's outputs)
//     "outDir": "/abs/out",                // writes out<i>.bin and outputs.json
//     "benchmark": { "warmup": 5, "runs": 30 }   // optional: times execute, writes timings into outputs.json
// } ] }
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

function loadHandler(modelPath) {
  const json = JSON.parse(fs.readFileSync(modelPath, 'utf8'));
  const dir = path.dirname(modelPath);
  const specs = [];
  const buffers = [];
  for (const group of json.weightsManifest || []) {
    for (const p of group.paths) buffers.push(fs.readFileSync(path.join(dir, p)));
    specs.push(...group.weights);
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return {
    load: async () => ({
      modelTopology: json.modelTopology,
      weightSpecs: specs,
      weightData,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      signature: json.signature,
      userDefinedMetadata: json.userDefinedMetadata,
      modelInitializer: json.modelInitializer,
    }),
  };
}

function readInput(spec) {
  const buf = fs.readFileSync(spec.file);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  let values;
  if (spec.dtype === 'float32') values = new Float32Array(ab);
  else if (spec.dtype === 'int32') values = new Int32Array(ab);
  else if (spec.dtype === 'bool') values = new Uint8Array(ab);
  else if (spec.dtype === 'uint8') return tf.tensor(Int32Array.from(new Uint8Array(ab)), spec.shape, 'int32'); // tfjs has no uint8
  else throw new Error(`unsupported input dtype ${spec.dtype}`);
  return tf.tensor(values, spec.shape, spec.dtype);
}

async function runJob(job) {
  const model = await tf.loadGraphModel(loadHandler(job.model));
  const feeds = {};
  for (const spec of job.inputs) feeds[spec.name] = readInput(spec);
  const outputNames = job.outputs && job.outputs.length ? job.outputs : model.outputNodes;
  // Models with dynamic ops (control flow, non-max suppression) only run through executeAsync.
  let dynamic = false;
  const run = async () => {
    let r;
    if (!dynamic) {
      try {
        r = model.execute(feeds, outputNames);
      } catch (e) {
        if (!/executeAsync/.test(String(e && e.message))) throw e;
        dynamic = true;
      }
    }
    if (dynamic) r = await model.executeAsync(feeds, outputNames);
    return Array.isArray(r) ? r : [r];
  };
  const results = await run();
  fs.mkdirSync(job.outDir, { recursive: true });
  const meta = { outputs: [] };
  for (let i = 0; i < results.length; i++) {
    const t = results[i];
    let data = await t.data();
    // tfjs' CPU Cast int32 → float32 can keep the Int32Array: write the bytes of the declared dtype.
    if (t.dtype === 'float32' && !(data instanceof Float32Array)) data = Float32Array.from(data);
    if (t.dtype === 'int32' && !(data instanceof Int32Array)) data = Int32Array.from(data);
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const file = path.join(job.outDir, `out${i}.bin`);
    fs.writeFileSync(file, bytes);
    meta.outputs.push({ name: outputNames[i], dtype: t.dtype, shape: t.shape, file });
  }
  tf.dispose(results);
  if (job.benchmark) {
    const { warmup = 5, runs = 30 } = job.benchmark;
    for (let i = 0; i < warmup; i++) {
      const r = await run();
      await r[0].data();
      tf.dispose(r);
    }
    const times = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      const r = await run();
      for (const t of r) await t.data();
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      tf.dispose(r);
    }
    times.sort((a, b) => a - b);
    meta.benchmark = { runs, medianMs: times[Math.floor(times.length / 2)], minMs: times[0], timesMs: times };
  }
  tf.dispose(Object.values(feeds));
  model.dispose();
  fs.writeFileSync(path.join(job.outDir, 'outputs.json'), JSON.stringify(meta, null, 1));
}

async function main() {
  const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const backend = config.backend || 'cpu';
  if (backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    if (config.threads && wasm.setThreadsCount) wasm.setThreadsCount(config.threads);
  }
  await tf.setBackend(backend);
  await tf.ready();
  let failed = 0;
  for (const job of config.jobs) {
    try {
      await runJob(job);
    } catch (e) {
      failed++;
      fs.mkdirSync(job.outDir, { recursive: true });
      fs.writeFileSync(path.join(job.outDir, 'error.txt'), String(e && e.stack || e));
    }
  }
  process.stdout.write(`tfjs ${tf.version.tfjs} backend ${tf.getBackend()}: ${config.jobs.length - failed} ok, ${failed} failed\n`);
}

main().catch(e => { console.error(e); process.exit(1); });
