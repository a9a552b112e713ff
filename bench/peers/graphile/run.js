// Peer for P3: the same fetch + signed callback per job, queued in PostgreSQL by graphile-worker.
// Adds --jobs jobs in bulk (addJobs, 1,000 per call), each of which GETs --target and POSTs the job
// object, signed as Standard Webhooks do, to --callback. Waits on the bench receiver's /await and
// prints {"jobs","submitSeconds","seconds","rate"}: first add to last callback received.
"use strict";
const crypto = require("node:crypto");
const { run, makeWorkerUtils } = require("graphile-worker");

const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
const jobs = Number(args.jobs);
const secret = Buffer.from("bench-peer-secret-0123456789abcdef");

async function work({ i }) {
  const page = await fetch(`${args.target}?i=${i}`);
  const body = await page.text();
  const payload = JSON.stringify({ id: String(i), status: "finished", url: args.target,
    response: { statusCode: page.status, body } });
  const msgId = `msg_${i}`;
  const ts = Math.floor(Date.now() / 1000);
  const signature = crypto.createHmac("sha256", secret).update(`${msgId}.${ts}.${payload}`).digest("base64");
  const resp = await fetch(args.callback, {
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

  const t0 = Date.now();
  for (let s = 0; s < jobs; s += 1000) {
    const specs = [];
    for (let i = s; i < Math.min(jobs, s + 1000); i++) specs.push({ identifier: "work", payload: { i } });
    await utils.addJobs(specs);
  }
  const enqueued = Date.now();

  const done = await (await fetch(`${args.receiver}/await?tag=${args.tag}&count=${jobs}&timeout=900000`)).json();
  if (done.count < jobs) throw new Error(`only ${done.count} of ${jobs} callbacks arrived`);
  const seconds = (done.lastMs - t0) / 1000;
  console.log(JSON.stringify({ jobs, submitSeconds: (enqueued - t0) / 1000, seconds, rate: jobs / seconds }));
  await runner.stop();
  await utils.release();
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(2); });
