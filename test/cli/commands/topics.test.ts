import { describe, expect, it } from 'vitest';
import { KafkaError, type ClientConfig, type TopicDescription } from '../../../src/client/index.js';
import { describeView, renderDescribe, renderList, topicFilter, topicsAction, type TopicsOptions } from '../../../src/cli/commands/topics.js';
import { mq, type AdminClient } from '../helpers.js';

const TOPIC_ALREADY_EXISTS = 36;
const INVALID_PARTITIONS = 37;

type Admin = AdminClient & { configs: ClientConfig[]; calls: string[]; closed: boolean };

/** An in-memory cluster of one broker (id 1) with Kafka's per-item results. */
function fakeAdmin(existing: Record<string, number> = {}): { admin: Admin; factory: (c: ClientConfig) => AdminClient } {
  const topics = new Map(Object.entries(existing));
  const admin: Admin = {
    configs: [],
    calls: [],
    closed: false,
    async createTopics(list) {
      admin.calls.push(`create ${JSON.stringify(list)}`);
      return list.map((t) => {
        if (topics.has(t.name)) {
          return { name: t.name, topicId: '', numPartitions: -1, replicationFactor: -1, error: new KafkaError(TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`) };
        }
        const n = t.numPartitions === undefined || t.numPartitions < 0 ? 1 : t.numPartitions;
        topics.set(t.name, n);
        return { name: t.name, topicId: 'kR3bZl1yQh2Q3ZnhS0Bsbw', numPartitions: n, replicationFactor: 1, error: null };
      });
    },
    async deleteTopics(names) {
      admin.calls.push(`delete ${names.join(',')}`);
      return names.map((name) => ({ name, error: topics.delete(name) ? null : new KafkaError(3) }));
    },
    async listTopics(options = {}) {
      admin.calls.push(`list internal=${options.includeInternal}`);
      return [...topics.keys()].sort();
    },
    async describeTopics(names) {
      return (names ?? [...topics.keys()]).map((name) => ({
        name,
        topicId: 'kR3bZl1yQh2Q3ZnhS0Bsbw',
        isInternal: name.startsWith('__'),
        partitions: Array.from({ length: topics.get(name) ?? 0 }, (_, p) => ({
          partition: p, leader: 1, replicas: [1], isr: [1], leaderEpoch: 0, offlineReplicas: [], errorCode: 0,
        })).reverse(),
        error: null,
      }));
    },
    async describeConfigs(resources) {
      // Kafka's Configs field keeps every source but DEFAULT_CONFIG, in the broker's order.
      return resources.map((resource) => ({
        resource,
        configs:
          resource.name === 'orders'
            ? [
                { name: 'cleanup.policy', value: 'delete', source: 'DEFAULT_CONFIG' as const, isSensitive: false, isReadOnly: false, synonyms: [], type: 'LIST' as const, documentation: null },
                { name: 'retention.ms', value: '1000', source: 'DYNAMIC_TOPIC_CONFIG' as const, isSensitive: false, isReadOnly: false, synonyms: [], type: 'LONG' as const, documentation: null },
                { name: 'segment.bytes', value: '2000', source: 'STATIC_BROKER_CONFIG' as const, isSensitive: false, isReadOnly: false, synonyms: [], type: 'INT' as const, documentation: null },
              ]
            : [],
        error: null,
      }));
    },
    async createPartitions(requests) {
      admin.calls.push(`partitions ${JSON.stringify(requests)}`);
      return requests.map(({ topic, count }) => {
        const current = topics.get(topic)!;
        if (count <= current) return { topic, error: new KafkaError(INVALID_PARTITIONS, `Topic currently has ${current} partitions, which is higher than the requested ${count}.`) };
        topics.set(topic, count);
        return { topic, error: null };
      });
    },
    async close() {
      admin.closed = true;
    },
  };
  return { admin, factory: (config) => (admin.configs.push(config), admin) };
}

async function topics(args: string[], existing: Record<string, number> = {}, env: Record<string, string> = {}) {
  const { admin, factory } = fakeAdmin(existing);
  const result = await mq(['topics', ...args], { clients: { admin: factory }, env });
  return { ...result, admin };
}

describe('mq topics: argument checks (TopicCommandOptions.checkArgs)', () => {
  const usage = (o: Partial<TopicsOptions>) => () => topicsAction({ output: 'text', ...o });

  it('needs exactly one action', async () => {
    const none = await topics(['--topic', 't']);
    expect(none).toMatchObject({ code: 1, stdout: '', stderr: 'Command must include exactly one action: --list, --describe, --create, --alter or --delete\n' });
    expect((await topics(['--list', '--describe'])).stderr).toBe(none.stderr);
  });

  it('needs --topic except for --list and --describe, and --partitions for --alter', () => {
    expect(usage({ create: true })).toThrow('Missing required argument "[topic]"');
    expect(usage({ delete: true })).toThrow('Missing required argument "[topic]"');
    expect(usage({ alter: true, topic: 't' })).toThrow('Missing required argument "[partitions]"');
    expect(usage({ describe: true, ifExists: true })).toThrow('--topic or --topic-id is required to describe a topic');
    expect(usage({ list: true })()).toBe('list');
  });

  it('refuses options that do not apply to the action', () => {
    expect(usage({ list: true, partitions: 3 })).toThrow('Option "[partitions]" can\'t be used with option "[list]"');
    expect(usage({ alter: true, topic: 't', partitions: 2, replicationFactor: 1 })).toThrow('Option "[replication-factor]" can\'t be used with option "[alter]"');
    expect(usage({ create: true, topic: 't', ifExists: true })).toThrow('Option "[if-exists]" can\'t be used with option "[create]"');
    expect(usage({ delete: true, topic: 't', ifNotExists: true })).toThrow('Option "[if-not-exists]" can\'t be used with option "[delete]"');
    expect(usage({ create: true, topic: 't', excludeInternal: true })).toThrow('Option "[exclude-internal]" can\'t be used with option "[create]"');
    expect(usage({ describe: true, config: ['a=b'] })).toThrow('Option "[config]" can\'t be used with option "[describe]"');
    expect(usage({ alter: true, topic: 't', partitions: 2, config: ['a=b'] })).toThrow(
      'Option "[config]" can\'t be used with option "[alter]" (To alter topic configurations, the kafka-configs tool can be used.)',
    );
  });

  it('prints one line for a bad flag value or an unknown flag, exit 1', async () => {
    expect(await topics(['--create', '--topic', 't', '--partitions', 'three'])).toMatchObject({
      code: 1,
      stderr: "error: option '--partitions <n>' argument 'three' is invalid. not an integer\n",
    });
    expect(await topics(['--list', '--nope'])).toMatchObject({ code: 1, stderr: "error: unknown option '--nope'\n" });
  });
});

describe('mq topics --create', () => {
  it('prints Kafka\'s line and sends partitions, replication factor and configs', async () => {
    const r = await topics(['--create', '--topic', 'orders', '--partitions', '3', '--replication-factor', '1', '--config', 'retention.ms = 1000', '--config', 'cleanup.policy=compact']);
    expect(r).toMatchObject({ code: 0, stdout: 'Created topic orders.\n', stderr: '' });
    expect(r.admin.calls).toEqual([
      'create [{"name":"orders","numPartitions":3,"replicationFactor":1,"configs":{"retention.ms":"1000","cleanup.policy":"compact"}}]',
    ]);
    expect(r.admin.closed).toBe(true);
  });

  it("leaves partitions and replication factor to the broker's defaults when not given", async () => {
    const r = await topics(['--create', '--topic', 'orders']);
    expect(r.admin.calls).toEqual(['create [{"name":"orders","numPartitions":-1,"replicationFactor":-1,"configs":{}}]']);
  });

  it("warns first when the name contains '.' or '_'", async () => {
    const r = await topics(['--create', '--topic', 'my.topic']);
    expect(r.stdout).toBe(
      "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\n" +
        'Created topic my.topic.\n',
    );
    expect((await topics(['--create', '--topic', 'my_topic'])).stdout).toMatch(/^WARNING: .*\nCreated topic my_topic\.\n$/);
  });

  it('reports an existing topic the Kafka way, on stdout, exit 1 — unless --if-not-exists', async () => {
    expect(await topics(['--create', '--topic', 'orders'], { orders: 1 })).toMatchObject({
      code: 1,
      stdout: "Error while executing topic command : Topic 'orders' already exists.\n",
      stderr: '',
    });
    expect(await topics(['--create', '--topic', 'orders', '--if-not-exists'], { orders: 1 })).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('validates like Kafka before calling the cluster', async () => {
    const rf = await topics(['--create', '--topic', 't', '--replication-factor', '0']);
    expect(rf).toMatchObject({ code: 1, stdout: '', stderr: 'The replication factor must be between 1 and 32767 inclusive\n' });
    expect(rf.admin.calls).toEqual([]);
    expect((await topics(['--create', '--topic', 't', '--partitions', '0'])).stderr).toBe('The partitions must be greater than 0\n');
    expect((await topics(['--create', '--topic', 't', '--config', 'a=b=c'])).stderr).toBe(
      'requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".\n',
    );
  });

  it('answers --output json with the result', async () => {
    expect((await topics(['--create', '--topic', 'a.b', '--partitions', '2', '--output', 'json'])).stdout).toBe(
      '{"topic":"a.b","created":true,"topicId":"kR3bZl1yQh2Q3ZnhS0Bsbw","partitions":2,"replicationFactor":1}\n',
    );
    expect((await topics(['--create', '--topic', 'a', '--if-not-exists', '--output', 'json'], { a: 1 })).stdout).toBe('{"topic":"a","created":false}\n');
  });
});

describe('mq topics --list', () => {
  it('prints sorted names, one per line, and a single empty line when there are none', async () => {
    expect((await topics(['--list'], { b: 1, a: 1, __consumer_offsets: 50 })).stdout).toBe('__consumer_offsets\na\nb\n');
    expect((await topics(['--list'])).stdout).toBe('\n');
    expect(renderList(['x'])).toBe('x\n');
  });

  it('filters by --topic as a whole-name regex and hides internal topics with --exclude-internal', async () => {
    const r = await topics(['--list', '--exclude-internal', '--topic', 'a.*'], { ab: 1, b: 1, a: 1, __consumer_offsets: 50 });
    expect(r.stdout).toBe('a\nab\n');
    expect(r.admin.calls).toEqual(['list internal=false']);
    expect((await topics(['--list', '--topic', 'a, b'], { a: 1, b: 1, c: 1 })).stdout).toBe('a\nb\n');
    expect((await topics(['--list', '--output', 'json'], { b: 1, a: 1 })).stdout).toBe('["a","b"]\n');
  });

  it('reports a broken regex the Kafka way', async () => {
    expect(await topics(['--list', '--topic', 'a('])).toMatchObject({ code: 1, stdout: 'Error while executing topic command : a( is an invalid regex.\n' });
    expect(topicFilter('"orders"')('orders')).toBe(true);
  });
});

describe('mq topics --describe', () => {
  const description = (over: Partial<TopicDescription> = {}): TopicDescription => ({
    name: 'orders',
    topicId: 'kR3bZl1yQh2Q3ZnhS0Bsbw',
    isInternal: false,
    partitions: [
      { partition: 1, leader: -1, replicas: [2, 3], isr: [3], leaderEpoch: 0, offlineReplicas: [], errorCode: 0 },
      { partition: 0, leader: 1, replicas: [1, 2], isr: [1, 2], leaderEpoch: 0, offlineReplicas: [], errorCode: 0 },
    ],
    ...over,
  });

  it('renders Kafka\'s TAB-separated text: sorted partitions, `none` for no leader, no zero TopicId', () => {
    const views = describeView([description(), description({ name: 'a', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [] })]);
    expect(renderDescribe(views)).toBe(
      'Topic: a\tPartitionCount: 0\tReplicationFactor: 0\tConfigs: \n' +
        'Topic: orders\tTopicId: kR3bZl1yQh2Q3ZnhS0Bsbw\tPartitionCount: 2\tReplicationFactor: 2\tConfigs: \n' +
        '\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2\tElr: N/A\tLastKnownElr: N/A\n' +
        '\tTopic: orders\tPartition: 1\tLeader: none\tReplicas: 2,3\tIsr: 3\tElr: N/A\tLastKnownElr: N/A\n',
    );
  });

  it('describes the matching topics, or all without --topic', async () => {
    const r = await topics(['--describe', '--topic', 'orders'], { orders: 2, other: 1 });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(
      'Topic: orders\tTopicId: kR3bZl1yQh2Q3ZnhS0Bsbw\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: retention.ms=1000,segment.bytes=2000\n' +
        '\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: N/A\tLastKnownElr: N/A\n' +
        '\tTopic: orders\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: N/A\tLastKnownElr: N/A\n',
    );
    expect((await topics(['--describe'], { b: 1, a: 1 })).stdout.match(/^Topic: \w+/gm)).toEqual(['Topic: a', 'Topic: b']);
  });

  it('fails for a missing topic on stderr unless --if-exists', async () => {
    expect(await topics(['--describe', '--topic', 'nope'])).toMatchObject({ code: 1, stdout: '', stderr: "Topic 'nope' does not exist as expected\n" });
    expect(await topics(['--describe', '--topic', 'nope', '--if-exists'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('draws tables on a terminal, without colour under NO_COLOR', async () => {
    const { factory } = fakeAdmin({ orders: 1 });
    const r = await mq(['topics', '--describe'], { clients: { admin: factory }, tty: true, env: { NO_COLOR: '1' } });
    expect(r.stdout).toContain('TOPIC');
    expect(r.stdout).toContain('REPLICATION FACTOR');
    expect(r.stdout).toMatch(/│ orders │ 0 +│ 1 +│ 1 +│ 1 +│/);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('answers --output json with the view', async () => {
    expect(JSON.parse((await topics(['--describe', '--output', 'json'], { t: 1 })).stdout)).toEqual([
      { name: 't', topicId: 'kR3bZl1yQh2Q3ZnhS0Bsbw', partitionCount: 1, replicationFactor: 1, configs: [], partitions: [{ partition: 0, leader: 1, replicas: [1], isr: [1] }] },
    ]);
  });
});

describe('mq topics --describe --topics-with-overrides', () => {
  it('prints only the topic line of topics with a non-default config', async () => {
    const r = await topics(['--describe', '--topics-with-overrides'], { orders: 2, plain: 1 });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('Topic: orders\tTopicId: kR3bZl1yQh2Q3ZnhS0Bsbw\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: retention.ms=1000,segment.bytes=2000\n');
    expect((await topics(['--list', '--topics-with-overrides'])).stderr).toBe('Option "[topics-with-overrides]" can\'t be used with option "[list]"\n');
  });
});

describe('mq topics --delete-config', () => {
  it('warns that it is no longer supported, as kafka-topics.sh 4.0 does, and changes nothing', async () => {
    const r = await topics(['--alter', '--topic', 'orders', '--partitions', '4', '--delete-config', 'retention.ms'], { orders: 1 });
    expect(r).toMatchObject({
      code: 0,
      stdout: '',
      stderr: 'delete-config option is no longer supported and deprecated since version 4.0. The config will be fully removed in future releases.\n',
    });
    expect(r.admin.calls.at(-1)).toBe('partitions [{"topic":"orders","count":4}]');
  });
});

describe('mq topics --alter and --delete', () => {
  it('alters every matching topic silently', async () => {
    const r = await topics(['--alter', '--topic', 'o.*', '--partitions', '4'], { orders: 1, other: 2, x: 1 });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(r.admin.calls.at(-1)).toBe('partitions [{"topic":"orders","count":4},{"topic":"other","count":4}]');
  });

  it("prints the broker's message when altering fails", async () => {
    expect(await topics(['--alter', '--topic', 'orders', '--partitions', '1'], { orders: 3 })).toMatchObject({
      code: 1,
      stdout: 'Error while executing topic command : Topic currently has 3 partitions, which is higher than the requested 1.\n',
    });
  });

  it('deletes every matching topic silently, and reports a missing one unless --if-exists', async () => {
    const r = await topics(['--delete', '--topic', 'a|b'], { a: 1, b: 1, c: 1 });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(r.admin.calls.at(-1)).toBe('delete a,b');
    expect(await topics(['--delete', '--topic', 'nope'])).toMatchObject({ code: 1, stderr: "Topic 'nope' does not exist as expected\n" });
    expect(await topics(['--delete', '--topic', 'nope', '--if-exists'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect((await topics(['--delete', '--topic', 'a', '--output', 'json'], { a: 1 })).stdout).toBe('{"deleted":["a"]}\n');
  });

  it('reports failures as `unable to` on stderr with --output json', async () => {
    expect(await topics(['--alter', '--topic', 'orders', '--partitions', '1', '--output', 'json'], { orders: 3 })).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'unable to alter topics: Topic currently has 3 partitions, which is higher than the requested 1.\n',
    });
  });
});

describe('mq topics: connecting', () => {
  it('uses --bootstrap-server, else the config file, else $MQ_BOOTSTRAP_SERVER, else localhost:9092', async () => {
    const servers = async (args: string[], env: Record<string, string> = {}) => (await topics(['--list', ...args], {}, env)).admin.configs[0]?.bootstrapServers;
    expect(await servers([])).toEqual(['localhost:9092']);
    expect(await servers([], { MQ_BOOTSTRAP_SERVER: 'env:1' })).toEqual(['env:1']);
    expect(await servers(['--bootstrap-server', 'a:1,b:2'], { MQ_BOOTSTRAP_SERVER: 'env:1' })).toEqual(['a:1', 'b:2']);
    expect((await topics(['--list', '--bootstrap-server', 'nohost'])).stderr).toBe('Please provide valid host:port like host1:9091,host2:9092\n');
  });

  it("reports an unreachable cluster in Kafka's words", async () => {
    const failing = () => ({ ...fakeAdmin().admin, listTopics: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9092')) });
    expect(await mq(['topics', '--list'], { clients: { admin: failing } })).toMatchObject({
      code: 1,
      stdout: 'Error while executing topic command : connect ECONNREFUSED 127.0.0.1:9092\n',
    });
  });
});
