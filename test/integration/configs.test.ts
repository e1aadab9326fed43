// DescribeConfigs / AlterConfigs / IncrementalAlterConfigs against a real broker through mq's
// Admin: values, sources and synonyms as Kafka reports them, changes that take effect on the
// live logs at once (max.message.bytes refusing a batch, LogAppendTime stamping it) and that
// survive a restart, and Kafka's per-resource error codes.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Admin, Producer, type AlterConfigOp, type ConfigEntry, type KafkaError } from '../../src/client/index.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

let b: TestBroker;
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await b.close();
});

async function start(config: Record<string, string> = {}, dir?: string): Promise<Admin> {
  b = await startTestBroker(config, dir);
  const a = new Admin({ bootstrapServers: [b.bootstrap] });
  closers.push(() => a.close());
  return a;
}

function producer(config: Partial<ConstructorParameters<typeof Producer>[0]> = {}): Producer {
  const p = new Producer({ bootstrapServers: [b.bootstrap], retries: 0, ...config });
  closers.push(() => p.close());
  return p;
}

async function topicConfigs(a: Admin, topic: string): Promise<Map<string, ConfigEntry>> {
  const [d] = await a.describeConfigs([{ type: 'topic', name: topic }], { includeSynonyms: true });
  expect(d!.error).toBeNull();
  return new Map(d!.configs.map((c) => [c.name, c]));
}

describe('topic configs', () => {
  it('describes every topic config with its source, value and synonyms, as Kafka does', async () => {
    const a = await start({ 'log.segment.bytes': '2000000', 'log.retention.hours': '24' });
    await a.createTopics([{ name: 't', numPartitions: 1, configs: { 'retention.ms': '1000' } }]);
    const c = await topicConfigs(a, 't');
    expect(c.get('retention.ms')).toMatchObject({
      value: '1000',
      source: 'DYNAMIC_TOPIC_CONFIG',
      isReadOnly: false,
      isSensitive: false,
      type: 'LONG',
      // log.retention.hours comes before log.retention.ms in no list: Kafka drops it (ConfigHelper.configSynonyms).
      synonyms: [{ name: 'retention.ms', value: '1000', source: 'DYNAMIC_TOPIC_CONFIG' }],
    });
    expect(c.get('segment.bytes')).toMatchObject({
      value: '2000000',
      source: 'STATIC_BROKER_CONFIG',
      type: 'INT',
      synonyms: [
        { name: 'log.segment.bytes', value: '2000000', source: 'STATIC_BROKER_CONFIG' },
        { name: 'log.segment.bytes', value: '1073741824', source: 'DEFAULT_CONFIG' },
      ],
    });
    expect(c.get('cleanup.policy')).toMatchObject({ value: 'delete', source: 'DEFAULT_CONFIG', type: 'LIST' });
    expect(c.get('flush.ms')).toMatchObject({ value: '9223372036854775807', source: 'DEFAULT_CONFIG', synonyms: [] });
    expect([...c.keys()]).toEqual([...c.keys()].sort());
  });

  it('alters a topic config that takes effect on the live log at once and survives a restart', async () => {
    let a = await start();
    await a.createTopics([{ name: 'live', numPartitions: 1 }]);
    const big = 'x'.repeat(3000);
    const p = producer();
    await p.send({ topic: 'live', value: big });

    const [r] = await a.incrementalAlterConfigs([
      { resource: { type: 'topic', name: 'live' }, ops: [{ name: 'max.message.bytes', op: 'set', value: '1000' }, { name: 'message.timestamp.type', op: 'set', value: 'LogAppendTime' }] },
    ]);
    expect(r!.error).toBeNull();
    await expect(p.send({ topic: 'live', value: big })).rejects.toMatchObject({ errorCode: ErrorCode.MESSAGE_TOO_LARGE });
    const stamped = await p.send({ topic: 'live', value: 'small', timestamp: 1000n });
    expect(stamped.timestamp).not.toBe(1000n);

    await a.close();
    const dir = b.dir;
    await b.stop();
    a = await start({}, dir);
    const c = await topicConfigs(a, 'live');
    expect(c.get('max.message.bytes')).toMatchObject({ value: '1000', source: 'DYNAMIC_TOPIC_CONFIG' });
    await expect(producer().send({ topic: 'live', value: big })).rejects.toMatchObject({ errorCode: ErrorCode.MESSAGE_TOO_LARGE });

    // AlterConfigs replaces the whole set: max.message.bytes goes back to its default.
    const [r2] = await a.alterConfigs([{ resource: { type: 'topic', name: 'live' }, configs: { 'retention.ms': '60000' } }]);
    expect(r2!.error).toBeNull();
    const after = await topicConfigs(a, 'live');
    expect(after.get('max.message.bytes')).toMatchObject({ value: '1048588', source: 'DEFAULT_CONFIG' });
    expect(after.get('message.timestamp.type')).toMatchObject({ value: 'CreateTime', source: 'DEFAULT_CONFIG' });
    await expect(producer().send({ topic: 'live', value: big })).resolves.toMatchObject({ partition: 0 });
  });

  it('appends to and subtracts from a list config', async () => {
    const a = await start();
    await a.createTopics([{ name: 'l', numPartitions: 1 }]);
    const topic = { type: 'topic' as const, name: 'l' };
    expect((await a.incrementalAlterConfigs([{ resource: topic, ops: [{ name: 'cleanup.policy', op: 'append', value: 'compact' }] }]))[0]!.error).toBeNull();
    expect((await topicConfigs(a, 'l')).get('cleanup.policy')!.value).toBe('delete,compact');
    expect((await a.incrementalAlterConfigs([{ resource: topic, ops: [{ name: 'cleanup.policy', op: 'subtract', value: 'delete' }] }]))[0]!.error).toBeNull();
    expect((await topicConfigs(a, 'l')).get('cleanup.policy')!.value).toBe('compact');
    // Not a list: for a topic the controller's INVALID_CONFIG (unknown keys included), for a broker INVALID_REQUEST.
    const notList = async (resource: { type: 'topic' | 'broker'; name: string }, name: string, op: 'append' | 'subtract') =>
      (await a.incrementalAlterConfigs([{ resource, ops: [{ name, op, value: '1' }] }]))[0]!.error;
    expect(await notList(topic, 'retention.ms', 'append')).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, brokerMessage: "Can't APPEND to key retention.ms because its type is not LIST." });
    expect(await notList(topic, 'retention.ms', 'subtract')).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, brokerMessage: "Can't SUBTRACT to key retention.ms because its type is not LIST." });
    expect(await notList(topic, 'no.such', 'append')).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, brokerMessage: "Can't APPEND to key no.such because its type is not LIST." });
    expect(await notList({ type: 'broker', name: '' }, 'log.retention.ms', 'append')).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      brokerMessage: 'Config value append is not allowed for config key: log.retention.ms',
    });
  });

  it('answers min.insync.replicas above the single ISR with NOT_ENOUGH_REPLICAS for acks=all only', async () => {
    const a = await start();
    await a.createTopics([{ name: 'isr', numPartitions: 1 }]);
    await a.incrementalAlterConfigs([{ resource: { type: 'topic', name: 'isr' }, ops: [{ name: 'min.insync.replicas', op: 'set', value: '2' }] }]);
    await expect(producer({ acks: -1 }).send({ topic: 'isr', value: 'v' })).rejects.toMatchObject({ errorCode: ErrorCode.NOT_ENOUGH_REPLICAS });
    await expect(producer({ acks: 1, idempotence: false }).send({ topic: 'isr', value: 'v' })).resolves.toMatchObject({ offset: 0n });
  });

  it('reports errors per resource with Kafka codes, and validateOnly changes nothing', async () => {
    const a = await start();
    await a.createTopics([{ name: 'ok', numPartitions: 1 }]);
    const alter = async (name: string, ops: AlterConfigOp[]) => (await a.incrementalAlterConfigs([{ resource: { type: 'topic', name }, ops }]))[0]!.error as KafkaError;
    const errs = [
      await alter('ok', [{ name: 'no.such.config', op: 'set', value: '1' }]),
      await alter('ok', [{ name: 'retention.ms', op: 'set', value: 'soon' }]),
      await alter('missing', [{ name: 'retention.ms', op: 'set', value: '1' }]),
    ];
    expect(errs[0]).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, brokerMessage: 'Unknown topic config name: no.such.config' });
    expect(errs[1]).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, brokerMessage: 'Invalid value soon for configuration retention.ms: Not a number of type LONG' });
    expect(errs[2]).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
    // Kafka topic configs mq does not implement: refused as such, not as unknown names.
    expect(await alter('ok', [{ name: 'segment.jitter.ms', op: 'set', value: '1' }])).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      brokerMessage: 'Topic config segment.jitter.ms is not supported by mq',
    });
    const [created] = await a.createTopics([{ name: 'unclean', numPartitions: 1, configs: { 'unclean.leader.election.enable': 'true' } }]);
    expect(created!.error).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, brokerMessage: 'Topic config unclean.leader.election.enable is not supported by mq' });
    const [d] = await a.describeConfigs([{ type: 'topic', name: 'missing' }]);
    expect(d!.error).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });

    const [v] = await a.incrementalAlterConfigs([{ resource: { type: 'topic', name: 'ok' }, ops: [{ name: 'retention.ms', op: 'set', value: '5' }] }], { validateOnly: true });
    expect(v!.error).toBeNull();
    expect((await topicConfigs(a, 'ok')).get('retention.ms')!.source).toBe('DEFAULT_CONFIG');
  });
});

describe('broker configs', () => {
  it('sets a cluster default and a per-broker value with Kafka precedence, live and after a restart', async () => {
    let a = await start({ 'log.retention.bytes': '5000' });
    await a.createTopics([{ name: 'follow', numPartitions: 2 }]);
    const nodeId = String(b.broker.nodeId);
    const def = { type: 'broker' as const, name: '' };
    const node = { type: 'broker' as const, name: nodeId };

    expect((await a.incrementalAlterConfigs([{ resource: def, ops: [{ name: 'log.retention.bytes', op: 'set', value: '7000' }] }]))[0]!.error).toBeNull();
    expect((await topicConfigs(a, 'follow')).get('retention.bytes')).toMatchObject({ value: '7000', source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' });
    expect((await a.incrementalAlterConfigs([{ resource: node, ops: [{ name: 'log.retention.bytes', op: 'set', value: '9000' }] }]))[0]!.error).toBeNull();

    const check = async () => {
      const [d] = await a.describeConfigs([node], { includeSynonyms: true });
      expect(d!.configs.find((c) => c.name === 'log.retention.bytes')).toMatchObject({
        value: '9000',
        source: 'DYNAMIC_BROKER_CONFIG',
        isReadOnly: false,
        synonyms: [
          { name: 'log.retention.bytes', value: '9000', source: 'DYNAMIC_BROKER_CONFIG' },
          { name: 'log.retention.bytes', value: '7000', source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' },
          { name: 'log.retention.bytes', value: '5000', source: 'STATIC_BROKER_CONFIG' },
          { name: 'log.retention.bytes', value: '-1', source: 'DEFAULT_CONFIG' },
        ],
      });
      expect(d!.configs.find((c) => c.name === 'log.dirs')).toMatchObject({ source: 'STATIC_BROKER_CONFIG', isReadOnly: true });
      expect(d!.configs.find((c) => c.name === 'log.retention.ms')).toMatchObject({ value: null, source: 'DEFAULT_CONFIG' });
      const [dd] = await a.describeConfigs([def], { includeSynonyms: true });
      expect(dd!.configs).toEqual([
        expect.objectContaining({ name: 'log.retention.bytes', value: '7000', source: 'DYNAMIC_DEFAULT_BROKER_CONFIG', synonyms: [{ name: 'log.retention.bytes', value: '7000', source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' }] }),
      ]);
      const t = await topicConfigs(a, 'follow');
      expect(t.get('retention.bytes')).toMatchObject({ value: '9000', source: 'DYNAMIC_BROKER_CONFIG' });
    };
    await check();

    await a.close();
    const dir = b.dir;
    await b.stop();
    a = await start({ 'log.retention.bytes': '5000' }, dir);
    await check();
  });

  it('refuses configs that cannot change at runtime, other brokers and bad values with INVALID_REQUEST', async () => {
    const a = await start();
    const nodeId = b.broker.nodeId;
    const results = [
      ...(await a.incrementalAlterConfigs([{ resource: { type: 'broker', name: '' }, ops: [{ name: 'log.dirs', op: 'set', value: '/tmp/x' }] }])),
      ...(await a.incrementalAlterConfigs([{ resource: { type: 'broker', name: '' }, ops: [{ name: 'message.max.bytes', op: 'set', value: 'big' }] }])),
    ];
    expect(results[0]!.error).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      brokerMessage: "Invalid config value for resource ConfigResource(type=BROKER, name=''): Cannot update these configs dynamically: Set(log.dirs)",
    });
    expect(results[1]!.error).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      brokerMessage: "Invalid config value for resource ConfigResource(type=BROKER, name=''): Invalid value big for configuration message.max.bytes: Not a number of type INT",
    });
    const [policy] = await a.incrementalAlterConfigs([{ resource: { type: 'broker', name: String(nodeId) }, ops: [{ name: 'log.cleanup.policy', op: 'set', value: 'forever' }] }]);
    expect(policy!.error!.brokerMessage).toBe(
      `Invalid config value for resource ConfigResource(type=BROKER, name='${nodeId}'): Invalid value forever for configuration log.cleanup.policy: String must be one of: delete, compact`,
    );
    const [d] = await a.describeConfigs([{ type: 'broker', name: String(nodeId + 1) }]);
    expect(d!.error).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST });
  });
});

describe('request shape', () => {
  it('refuses a repeated resource, repeated keys and null values with INVALID_REQUEST, as ConfigAdminManager does', async () => {
    const a = await start();
    await a.createTopics([{ name: 's', numPartitions: 1 }, { name: 'u', numPartitions: 1 }]);
    const results = await a.incrementalAlterConfigs([
      { resource: { type: 'topic', name: 's' }, ops: [{ name: 'retention.ms', op: 'set', value: '1' }] },
      { resource: { type: 'topic', name: 's' }, ops: [{ name: 'segment.ms', op: 'set', value: '1' }] },
      { resource: { type: 'topic', name: 'u' }, ops: [{ name: 'retention.ms', op: 'set', value: '1' }, { name: 'retention.ms', op: 'delete' }] },
    ]);
    expect(results.map((r) => [r.error?.errorCode, r.error?.brokerMessage])).toEqual([
      [ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.'],
      [ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.'],
      [ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys'],
    ]);
    const [nulls] = await a.incrementalAlterConfigs([{ resource: { type: 'topic', name: 'u' }, ops: [{ name: 'retention.ms', op: 'set' }, { name: 'cleanup.policy', op: 'append' }] }]);
    expect(nulls!.error).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, brokerMessage: 'Null value not supported for : retention.ms, cleanup.policy' });
    expect((await topicConfigs(a, 's')).get('retention.ms')!.source).toBe('DEFAULT_CONFIG');
  });
});

describe('persistence failures', () => {
  it('answers KAFKA_STORAGE_ERROR for the resource and changes nothing when the file cannot be written', async () => {
    const a = await start();
    await a.createTopics([{ name: 'p', numPartitions: 1 }]);
    // A directory where the temp file goes makes the temp-then-rename write fail (the tests run as root,
    // so permissions would not).
    mkdirSync(join(b.dir, 'mq-topics.json.tmp'));
    mkdirSync(join(b.dir, 'mq-broker-configs.json.tmp'));
    const [topic] = await a.incrementalAlterConfigs([{ resource: { type: 'topic', name: 'p' }, ops: [{ name: 'retention.ms', op: 'set', value: '1' }] }]);
    expect(topic!.error).toMatchObject({ errorCode: ErrorCode.KAFKA_STORAGE_ERROR });
    const [def] = await a.incrementalAlterConfigs([{ resource: { type: 'broker', name: '' }, ops: [{ name: 'log.retention.ms', op: 'set', value: '1' }] }]);
    expect(def!.error).toMatchObject({ errorCode: ErrorCode.KAFKA_STORAGE_ERROR });
    expect((await topicConfigs(a, 'p')).get('retention.ms')).toMatchObject({ value: '604800000', source: 'DEFAULT_CONFIG' });
  });
});
