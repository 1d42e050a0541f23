// KafkaJS scenarios for Potok's compatibility tests (io.potok.it.compat.KafkaJsCompatTest).
//
//   NODE_PATH=<dir with node_modules> node kafkajs-client.js BOOTSTRAP SCENARIO ARGS...
//
// KafkaJS is installed by .ci/install-client-tools into potok-it/target/compat-node. Each scenario
// prints plain facts, one per line, words separated by single spaces; the Java test asserts on
// them. Errors are printed as lines ("error WHAT TYPE MESSAGE"), never thrown past main, so the test
// sees what the client saw. KAFKAJS_LOG=debug turns on KafkaJS's protocol log (on stderr), from which
// the test tells which requests the broker never answered.
//
// Scenarios:
//   versions
//   admin TOPIC PARTITIONS          createTopics (twice), fetchTopicMetadata, send 5 messages, fetchTopicOffsets,
//                                   deleteTopics, listTopics
//   produce TOPIC PARTITIONS N      one send() of N keyed messages with headers, gzip, over the partitions
//   group TOPIC GROUP N             consumer.run() in a group from the beginning until N messages arrived
'use strict';

const { Kafka, logLevel, CompressionTypes } = require('kafkajs');

const [bootstrap, scenario, ...args] = process.argv.slice(2);
const TIMEOUT_MS = 20000;

function out(...words) {
  process.stdout.write(words.map(String).join(' ') + '\n');
}

function oneWord(s) {
  return String(s).replace(/\s+/g, '_');
}

function kafka() {
  const level = process.env.KAFKAJS_LOG === 'debug' ? logLevel.DEBUG : logLevel.NOTHING;
  return new Kafka({
    clientId: 'potok-compat-kafkajs',
    brokers: [bootstrap],
    connectionTimeout: 5000,
    requestTimeout: 5000,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1000 },
    logLevel: level,
    logCreator: () => ({ namespace, level: l, label, log }) => {
      const { message, ...extra } = log;
      process.stderr.write(`[kafkajs ${label} ${namespace}] ${message} ${JSON.stringify(extra)}\n`);
    },
  });
}

async function step(what, fn) {
  try {
    return await fn();
  } catch (e) {
    out('error', what, oneWord(e.type || e.name), oneWord(e.message));
    return undefined;
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} did not finish in ${ms} ms`),
      { type: 'TEST_TIMEOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function admin(topic, partitions) {
  const a = kafka().admin();
  await a.connect();
  try {
    const created = await step('createTopics', () => withTimeout(a.createTopics({
      topics: [{ topic, numPartitions: Number(partitions), replicationFactor: 1 }],
      waitForLeaders: true,
      timeout: 10000,
    }), TIMEOUT_MS, 'createTopics'));
    out('created', topic, created);
    const again = await step('createTopics-again', () => withTimeout(a.createTopics({
      topics: [{ topic, numPartitions: Number(partitions), replicationFactor: 1 }],
    }), TIMEOUT_MS, 'createTopics'));
    out('created-again', topic, again);
    const md = await step('fetchTopicMetadata', () => withTimeout(a.fetchTopicMetadata({ topics: [topic] }),
      TIMEOUT_MS, 'fetchTopicMetadata'));
    if (md) {
      for (const t of md.topics) {
        out('metadata', t.name, 'partitions', t.partitions.length);
        for (const p of [...t.partitions].sort((x, y) => x.partitionId - y.partitionId)) {
          out('partition', t.name, p.partitionId, 'leader', p.leader, 'replicas', p.replicas.join(','),
            'isr', p.isr.join(','), 'error', p.partitionErrorCode);
        }
      }
    }
    // Some data, so that the offsets below are not all zero: message i goes to partition i % PARTITIONS.
    const p = kafka().producer({ allowAutoTopicCreation: false });
    await p.connect();
    const sent = await step('send', () => withTimeout(p.send({
      topic,
      acks: -1,
      messages: [0, 1, 2, 3, 4].map((i) => ({ key: `k${i}`, value: `v${i}`, partition: i % Number(partitions) })),
    }), TIMEOUT_MS, 'send'));
    out('sent', topic, sent ? sent.length : 'failed');
    await p.disconnect();
    const offsets = await step('fetchTopicOffsets', () => withTimeout(a.fetchTopicOffsets(topic),
      TIMEOUT_MS, 'fetchTopicOffsets'));
    if (offsets) {
      for (const o of [...offsets].sort((x, y) => x.partition - y.partition)) {
        out('offsets', topic, o.partition, 'low', o.low, 'high', o.high, 'offset', o.offset);
      }
    }
    // deleteTopics resolves to nothing: 'ok' marks that it did resolve.
    const deleted = await step('deleteTopics', async () => {
      await withTimeout(a.deleteTopics({ topics: [topic], timeout: 10000 }), TIMEOUT_MS, 'deleteTopics');
      return 'ok';
    });
    out('deleted', topic, deleted || 'failed');
    const listed = await step('listTopics', () => withTimeout(a.listTopics(), TIMEOUT_MS, 'listTopics'));
    if (listed) {
      out('listed', topic, listed.includes(topic) ? 'present' : 'absent');
    }
  } finally {
    await a.disconnect();
  }
}

async function produce(topic, partitions, n) {
  const p = kafka().producer({ allowAutoTopicCreation: false, idempotent: false });
  await p.connect();
  try {
    const messages = [];
    for (let i = 0; i < Number(n); i++) {
      messages.push({
        key: `k${i}`,
        value: `v${i}-` + 'compressible-'.repeat(20),
        partition: i % Number(partitions),
        headers: { h: `x${i}`, trace: 'potok' },
      });
    }
    const result = await step('send', () => withTimeout(p.send({
      topic, messages, acks: -1, compression: CompressionTypes.GZIP, timeout: 10000,
    }), TIMEOUT_MS, 'send'));
    if (result) {
      for (const r of [...result].sort((x, y) => x.partition - y.partition)) {
        out('sent', r.topicName, r.partition, 'error', r.errorCode, 'baseOffset', r.baseOffset);
      }
    }
  } finally {
    await p.disconnect();
  }
}

async function group(topic, groupId, n) {
  const c = kafka().consumer({
    groupId, sessionTimeout: 10000, rebalanceTimeout: 10000, heartbeatInterval: 1000,
    maxWaitTimeInMs: 500, retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 2000 },
  });
  let got = 0;
  const crashed = new Promise((resolve) => c.on(c.events.CRASH, (e) => resolve(e.payload.error)));
  await step('connect', () => c.connect());
  try {
    await step('subscribe', () => c.subscribe({ topics: [topic], fromBeginning: true }));
    let done;
    const all = new Promise((resolve) => { done = resolve; });
    await step('run', () => c.run({
      autoCommit: true,
      eachMessage: async ({ topic: t, partition, message }) => {
        const headers = Object.entries(message.headers || {}).map(([k, v]) => `${k}=${v}`).sort().join(',');
        out('message', t, partition, message.offset, message.key.toString(), message.value.toString().split('-')[0],
          headers);
        if (++got >= Number(n)) done();
      },
    }));
    const result = await Promise.race([
      all.then(() => 'all'),
      crashed.then((e) => { out('error', 'crash', oneWord(e && (e.type || e.name)), oneWord(e && e.message)); return 'crash'; }),
      new Promise((resolve) => setTimeout(() => resolve('timeout'), TIMEOUT_MS)),
    ]);
    out('consumed', got, result);
  } finally {
    // disconnect() commits the consumed offsets and leaves the group.
    await withTimeout(c.disconnect(), 10000, 'disconnect').catch((e) => out('error', 'disconnect', oneWord(e.message)));
  }
  if (got > 0) {
    const a = kafka().admin();
    await a.connect();
    const committed = await step('fetchOffsets', () => withTimeout(a.fetchOffsets({ groupId, topics: [topic] }),
      TIMEOUT_MS, 'fetchOffsets'));
    if (committed) {
      for (const t of committed) {
        for (const p of [...t.partitions].sort((x, y) => x.partition - y.partition)) {
          out('committed', t.topic, p.partition, p.offset);
        }
      }
    }
    await a.disconnect();
  }
}

async function main() {
  switch (scenario) {
    case 'versions':
      out('kafkajs', require('kafkajs/package.json').version, 'node', process.versions.node);
      break;
    case 'admin':
      await admin(...args);
      break;
    case 'produce':
      await produce(...args);
      break;
    case 'group':
      await group(...args);
      break;
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
}

main().then(() => process.exit(0), (e) => {
  out('error', 'main', oneWord(e.type || e.name), oneWord(e.message));
  process.exit(1);
});
