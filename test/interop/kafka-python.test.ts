// kafka-python 2.0.2 (Debian package python3-kafka, for /usr/bin/python3) against a real mq
// broker. kafka-python picks protocol versions from a probe (ApiVersions v0 pipelined with
// Metadata v0), then uses fixed old versions: Metadata v1, Produce v7, Fetch v4, ListOffsets v1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { TOPIC_CONFIG_NAMES } from '../../src/storage/log-config.js';
import { spawnBroker } from '../helpers/broker-process.js';
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js';
import { run } from '../helpers/run.js';

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(() => b.close());

const python = (script: string) => run('/usr/bin/python3', ['-c', script], { timeoutMs: 60_000 });

describe('kafka-python', () => {
  it('runs the design documents\' producer/consumer example against `mq server-start`', async () => {
    // The broker as a user starts it, bound to every interface like the default listener, and the
    // example from the issue with only the port, the consumer's earliest reset and a consumer
    // timeout added so that the loop ends.
    const dir = tempDir();
    const broker = await spawnBroker(dir, { listeners: 'PLAINTEXT://:0' });
    try {
      const out = await python(`
from kafka import KafkaProducer, KafkaConsumer
producer = KafkaProducer(bootstrap_servers='localhost:${broker.port}')
producer.send('test', "Hello World!".encode('utf8'))
producer.flush()
consumer = KafkaConsumer('test', bootstrap_servers='localhost:${broker.port}', auto_offset_reset='earliest', consumer_timeout_ms=5000)
for msg in consumer:
    print((msg.value).decode('utf8'))
    break
`);
      expect(out.stderr).toBe('');
      expect(out.stdout).toBe('Hello World!\n');
    } finally {
      broker.child.kill('SIGTERM');
      await broker.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('produces keyed records with acks=all and reads them back with keys, offsets and headers', async () => {
    const out = await python(`
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic
admin = KafkaAdminClient(bootstrap_servers='${b.bootstrap}')
admin.create_topics([NewTopic(name='py-keyed', num_partitions=2, replication_factor=1)])
producer = KafkaProducer(bootstrap_servers='${b.bootstrap}', acks='all')
futures = [producer.send('py-keyed', key=('k%d' % (i % 4)).encode(), value=('v%d' % i).encode(), headers=[('h', b'x')]) for i in range(100)]
producer.flush()
meta = [f.get(timeout=10) for f in futures]
consumer = KafkaConsumer(bootstrap_servers='${b.bootstrap}', auto_offset_reset='earliest', consumer_timeout_ms=3000)
consumer.assign([TopicPartition('py-keyed', 0), TopicPartition('py-keyed', 1)])
got = {}
for msg in consumer:
    got[(msg.partition, msg.offset)] = (msg.key.decode(), msg.value.decode(), msg.headers)
    if len(got) == 100:
        break
ok = all(got[(m.partition, m.offset)][1] == 'v%d' % i for i, m in enumerate(meta))
keys_stick = all(len({p for (p, _), (k, _, _) in got.items() if k == key}) == 1 for key in ['k0', 'k1', 'k2', 'k3'])
print(len(got), ok, keys_stick, got[(meta[0].partition, meta[0].offset)][2])
`);
    expect(out.stderr).toBe('');
    expect(out.stdout.trim()).toBe("100 True True [('h', b'x')]");
  });

  it('lists and deletes topics through KafkaAdminClient', async () => {
    const out = await python(`
from kafka.admin import KafkaAdminClient, NewTopic
from kafka import KafkaConsumer
admin = KafkaAdminClient(bootstrap_servers='${b.bootstrap}')
admin.create_topics([NewTopic(name='py-admin', num_partitions=3, replication_factor=1)])
c = KafkaConsumer(bootstrap_servers='${b.bootstrap}')
print(sorted(c.partitions_for_topic('py-admin')))
admin.delete_topics(['py-admin'])
print('py-admin' in admin.list_topics())
`);
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe('[0, 1, 2]\nFalse\n');
  });
  it('alters and describes topic and broker configs with KafkaAdminClient (AlterConfigs v1, DescribeConfigs v2)', async () => {
    const out = await python(`
from kafka.admin import KafkaAdminClient, NewTopic, ConfigResource, ConfigResourceType
admin = KafkaAdminClient(bootstrap_servers='${b.bootstrap}')
admin.create_topics([NewTopic(name='py-cfg', num_partitions=1, replication_factor=1)])
for r in admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, 'py-cfg', configs={'retention.ms': '1234'})]).resources:
    print('alter', r[0], r[3])
for r in admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, 'py-cfg', configs={'no.such': '1'})]).resources:
    print('alter', r[0], r[1])
for resp in admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, 'py-cfg'), ConfigResource(ConfigResourceType.TOPIC, 'nope')], include_synonyms=True):
    for r in resp.resources:
        for e in r[4]:
            if e[0] == 'retention.ms':
                print('describe', r[3], e[0], e[1], e[3], e[5])
        print('describe', r[3], 'error', r[0], len(r[4]))
for resp in admin.describe_configs([ConfigResource(ConfigResourceType.BROKER, '${b.broker.nodeId}')]):
    for r in resp.resources:
        print('broker', r[3], r[0], [(e[0], e[1], e[2]) for e in r[4] if e[0] == 'log.retention.bytes'])
`);
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe(
      'alter 0 py-cfg\n' +
        'alter 40 Unknown topic config name: no.such\n' +
        "describe py-cfg retention.ms 1234 1 [('retention.ms', '1234', 1)]\n" +
        // Every topic config mq knows, each described once.
        `describe py-cfg error 0 ${TOPIC_CONFIG_NAMES.size}\n` +
        'describe nope error 3 0\n' +
        `broker ${b.broker.nodeId} 0 [('log.retention.bytes', '-1', False)]\n`,
    );
  });
});
