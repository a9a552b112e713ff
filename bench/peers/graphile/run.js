// Peer for P3: the same fetch + signed callback per job, queued in PostgreSQL by graphile-worker.
// Adds --jobs jobs in bulk (addJobs, 1,000 per call), each of which GETs --target and POSTs the job
// object, signed as Standard Webhooks do, to --callback. Waits on the bench receiver's /await and
// prints {"jobs","submitSeconds","seconds","rate"}: first add to last callback received.
// --warmup N first runs N untimed jobs the same way (calling back --callback + "-warmup").
"use strict";
const crypto = require("node:crypto");
const { run, makeWorkerUtils } = require("graphile-worker");

const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
const jobs = Number(args.jobs);
const secret = Buffer.from("bench-peer-secret-0123456789abcdef");

async function work({ i, callback }) {
  const page = await fetch(`${args.target}?i=${i}`);
  const body = await page.text();
  const payload = JSON.stringify({ id: String(i), status: "finished", url: args.target,
    response: { statusCode: page.status, body } });
  const msgId = `msg_${i}`;
  const ts = Math.floor(Date.now() / 1000);
  const signature = crypto.createHmac("sha256", secret).update(`${msgId}.${ts}.${payload}`).digest("base64");
  const resp = await fetch(callback, {
    method: "POST",
    headers: { "content-type": "application/json", "webhook-id": msgId,
      "webhook-timestamp": String(ts), "webhook-signature": `v1,${signature}` },
    body: payload,
  });
  await resp.arrayBuffer();
  if (resp.status < 200 || resp.status > 299) throw new Error(`callback answered ${resp.status}`);
}

async function main() {
  const connectionString = args["db-url"];
  const maxPoolSize = Number(args.pool || 32);
  const utils = await makeWorkerUtils({ connectionString, maxPoolSize });
  await utils.migrate();
  const runner = await run({ connectionString, maxPoolSize, concurrency: Number(args.concurrency || 32),
    pollInterval: 1000, noHandleSignals: true, taskList: { work } });

  // One round: n jobs numbered from `first`, first add to last callback received at `tag`.
  async function round(first, n, callback, tag) {
    const t0 = Date.now();
    for (let s = first; s < first + n; s += 1000) {
      const specs = [];
      for (let i = s; i < Math.min(first + n, s + 1000); i++) specs.push({ identifier: "work", payload: { i, callback } });
      await utils.addJobs(specs);
    }
    const enqueued = Date.now();
    const done = await (await fetch(`${args.receiver}/await?tag=${tag}&count=${n}&timeout=900000`)).json();
    if (done.count < n) throw new Error(`only ${done.count} of ${n} callbacks arrived`);
    return { submitSeconds: (enqueued - t0) / 1000, seconds: (done.lastMs - t0) / 1000 };
  }

  const warmup = Number(args.warmup || 0);
  if (warmup > 0) await round(-warmup, warmup, `${args.callback}-warmup`, `${args.tag}-warmup`);
  const { submitSeconds, seconds } = await round(0, jobs, args.callback, args.tag);
  console.log(JSON.stringify({ jobs, submitSeconds, seconds, rate: jobs / seconds }));
  await runner.stop();
  await utils.release();
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(2); });
