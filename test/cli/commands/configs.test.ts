// mq configs (kafka-configs.sh): argument checks and parsing as ConfigCommand does them, Kafka's
// describe/alter text, and the command end to end in-process against a real broker (mq's Admin),
// including a change that survives a broker restart.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Admin, type ClientConfig, type ConfigEntry } from '../../../src/client/index.js';
import { completedMessage, configsPlan, parseAddConfig, renderDescribe, type ConfigsOptions } from '../../../src/cli/commands/configs.js';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { mq } from '../helpers.js';

describe('mq configs: argument checks (ConfigCommandOptions.checkArgs)', () => {
  const plan = (o: Partial<ConfigsOptions>) => () => configsPlan({ output: 'text', ...o });

  it('needs exactly one action and one entity type', () => {
    expect(plan({ topic: 't' })).toThrow('Command must include exactly one action: --describe, --alter');
    expect(plan({ describe: true, alter: true, topic: 't' })).toThrow('Command must include exactly one action: --describe, --alter');
    expect(plan({ describe: true })).toThrow('At least one entity type must be specified');
    expect(plan({ describe: true, entityType: 'things' })).toThrow(
      'Invalid entity type things, the entity type must be one of topics, clients, users, brokers, ips, client-metrics, groups, broker-loggers with a --bootstrap-server or --bootstrap-controller argument',
    );
    expect(plan({ describe: true, entityType: 'users' })).toThrow('entity type users is not supported');
    expect(plan({ describe: true, entityType: 'topics', topic: 't' })).toThrow('Duplicate entity type(s) specified: topics');
    expect(plan({ describe: true, topic: 't', broker: '1' })).toThrow("Only 'users' and 'clients' entity types may be specified together");
    expect(plan({ describe: true, entityName: 'x', topic: 't' })).toThrow('--entity-{type,name,default} should not be used in conjunction with specific entity flags');
  });

  it('resolves the shortcuts and the cluster default', () => {
    expect(configsPlan({ output: 'text', describe: true, topic: 'orders' })).toEqual({ action: 'describe', type: 'topics', name: 'orders' });
    expect(configsPlan({ output: 'text', describe: true, entityType: 'brokers', entityName: '1' })).toEqual({ action: 'describe', type: 'brokers', name: '1' });
    expect(configsPlan({ output: 'text', describe: true, brokerDefaults: true })).toEqual({ action: 'describe', type: 'brokers', name: null });
    expect(configsPlan({ output: 'text', describe: true, entityType: 'brokers', entityDefault: true })).toEqual({ action: 'describe', type: 'brokers', name: null });
    expect(configsPlan({ output: 'text', describe: true, entityType: 'topics' })).toEqual({ action: 'describe', type: 'topics', name: undefined });
  });

  it('checks broker ids and what --alter needs', () => {
    expect(plan({ describe: true, broker: 'one' })).toThrow('The entity name for brokers must be a valid integer broker id, but it is: one');
    expect(plan({ describe: true, entityType: 'topics', entityDefault: true })).toThrow('--entity-default must not be specified with --describe of topics');
    expect(plan({ alter: true, entityType: 'topics', addConfig: 'a=b' })).toThrow('An entity name must be specified with --alter of topics');
    expect(plan({ alter: true, entityType: 'brokers', addConfig: 'a=b' })).toThrow('An entity-name or default entity must be specified with --alter of users, clients, brokers or ips');
    expect(plan({ alter: true, topic: 't' })).toThrow('At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter');
    expect(plan({ alter: true, topic: 't', addConfig: 'a=b', addConfigFile: 'f' })).toThrow('Only one of --add-config or --add-config-file must be specified');
    expect(plan({ alter: true, entityType: 'brokers', entityName: '1', entityDefault: true, addConfig: 'a=b' })).toThrow('An entity name must be specified for every entity type');
    expect(configsPlan({ output: 'text', describe: true, entityType: 'brokers', entityName: '1', entityDefault: true })).toEqual({ action: 'describe', type: 'brokers', name: '1' });
    expect(plan({ describe: true, topic: 't', addConfig: 'a=b' })).toThrow('Option "[describe]" can\'t be used with option "[add-config]"');
  });
});

describe('--add-config parsing (ConfigCommand.parseConfigsToBeAdded)', () => {
  it('splits on commas outside brackets and drops the brackets', () => {
    expect(parseAddConfig('retention.ms=1000, cleanup.policy=[compact,delete],x = y')).toEqual({ 'retention.ms': '1000', 'cleanup.policy': 'compact,delete', x: 'y' });
    expect(parseAddConfig('empty=')).toEqual({ empty: '' });
  });
  it('refuses a pair without exactly one =', () => {
    expect(() => parseAddConfig('a=b,c')).toThrow(
      'requirement failed: Invalid entity config: all configs to be added must be in the format "key=val" or  "key=[val1,val2]" to group values which contain commas.',
    );
    expect(() => parseAddConfig('a b=1')).toThrow('Invalid character found for config key: a b');
    expect(() => parseAddConfig('a=b=c')).toThrow('requirement failed');
  });
});

describe('Kafka text', () => {
  const e = (name: string, value: string, synonyms: ConfigEntry['synonyms']): ConfigEntry => ({
    name, value, source: 'DYNAMIC_TOPIC_CONFIG', isSensitive: false, isReadOnly: false, synonyms, type: 'LONG', documentation: null,
  });
  it('prints the heading and one line per entry', () => {
    const text = renderDescribe({ type: 'topics', name: 't' }, [
      e('retention.ms', '1000', [{ name: 'retention.ms', value: '1000', source: 'DYNAMIC_TOPIC_CONFIG' }, { name: 'log.retention.ms', value: '5', source: 'STATIC_BROKER_CONFIG' }]),
    ], false);
    expect(text).toBe('Dynamic configs for topic t are:\n  retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000, STATIC_BROKER_CONFIG:log.retention.ms=5}\n');
    expect(renderDescribe({ type: 'brokers', name: '1' }, [], true)).toBe('All configs for broker 1 are:\n');
    expect(renderDescribe({ type: 'brokers', name: null }, [], false)).toBe('Default configs for brokers in the cluster are:\n');
  });
  it('confirms alters as Kafka does', () => {
    expect(completedMessage({ type: 'topics', name: 't' })).toBe('Completed updating config for topic t.');
    expect(completedMessage({ type: 'brokers', name: '1' })).toBe('Completed updating config for broker 1.');
    expect(completedMessage({ type: 'brokers', name: null })).toBe('Completed updating default config for brokers in the cluster.');
  });
});

describe('mq configs against a broker', () => {
  let b: TestBroker;
  afterEach(async () => {
    await b.close();
  });
  const clients = { admin: (c: ClientConfig) => new Admin(c) };
  const run = (args: string[], opts: { tty?: boolean } = {}) => mq(['configs', '--bootstrap-server', b.bootstrap, ...args], { clients, env: { NO_COLOR: '1' }, ...opts });

  it('alters a topic, describes it as Kafka does, and the change survives a restart', async () => {
    b = await startTestBroker();
    const admin = new Admin({ bootstrapServers: [b.bootstrap] });
    await admin.createTopics([{ name: 'orders', numPartitions: 1 }]);
    await admin.close();

    expect(await run(['--alter', '--topic', 'orders', '--add-config', 'retention.ms=1000,cleanup.policy=[compact,delete]'])).toEqual({
      code: 0, stdout: 'Completed updating config for topic orders.\n', stderr: '',
    });
    const dynamic = 'Dynamic configs for topic orders are:\n' +
      '  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}\n' +
      '  retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000}\n';
    expect(await run(['--describe', '--topic', 'orders'])).toEqual({ code: 0, stdout: dynamic, stderr: '' });

    const all = await run(['--describe', '--entity-type', 'topics', '--entity-name', 'orders', '--all']);
    expect(all.stdout).toContain('All configs for topic orders are:\n');
    expect(all.stdout).toContain('  segment.bytes=1073741824 sensitive=false synonyms={DEFAULT_CONFIG:log.segment.bytes=1073741824}\n');
    expect(all.stdout).toContain('  retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000}\n');

    await b.stop();
    b = await startTestBroker({}, b.dir);
    expect(await run(['--describe', '--topic', 'orders'])).toEqual({ code: 0, stdout: dynamic, stderr: '' });

    const file = join(b.dir, 'add.properties');
    writeFileSync(file, '# from a file\nsegment.ms=3600000\n');
    expect(await run(['--alter', '--topic', 'orders', '--add-config-file', file])).toMatchObject({ code: 0 });
    expect((await run(['--describe', '--topic', 'orders'])).stdout).toContain('  segment.ms=3600000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:segment.ms=3600000}\n');

    expect(await run(['--alter', '--topic', 'orders', '--delete-config', 'retention.ms'])).toMatchObject({ code: 0 });
    expect((await run(['--describe', '--topic', 'orders'])).stdout).not.toContain('retention.ms');
    expect(await run(['--alter', '--topic', 'orders', '--delete-config', 'retention.ms'])).toEqual({ code: 1, stdout: '', stderr: 'Invalid config(s): retention.ms\n' });
  });

  it('sets broker configs per node and as the cluster default', async () => {
    b = await startTestBroker();
    const node = String(b.broker.nodeId);
    expect(await run(['--alter', '--broker-defaults', '--add-config', 'log.retention.bytes=7000'])).toEqual({
      code: 0, stdout: 'Completed updating default config for brokers in the cluster.\n', stderr: '',
    });
    expect(await run(['--alter', '--broker', node, '--add-config', 'log.retention.bytes=9000'])).toEqual({
      code: 0, stdout: `Completed updating config for broker ${node}.\n`, stderr: '',
    });
    expect((await run(['--describe', '--broker-defaults'])).stdout).toBe(
      'Default configs for brokers in the cluster are:\n  log.retention.bytes=7000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.bytes=7000}\n',
    );
    expect((await run(['--describe', '--entity-type', 'brokers'])).stdout).toBe(
      `Dynamic configs for broker ${node} are:\n` +
        '  log.retention.bytes=9000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.retention.bytes=9000, DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.bytes=7000, DEFAULT_CONFIG:log.retention.bytes=-1}\n' +
        'Default configs for brokers in the cluster are:\n' +
        '  log.retention.bytes=7000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.bytes=7000}\n',
    );
    const json = JSON.parse((await run(['--describe', '--broker', node, '--output', 'json'])).stdout) as Array<{ entityName: string; configs: Array<{ name: string; source: string }> }>;
    expect(json[0]).toMatchObject({ entityType: 'brokers', entityName: node, configs: [{ name: 'log.retention.bytes', source: 'DYNAMIC_BROKER_CONFIG' }] });
    const table = await run(['--describe', '--broker', node], { tty: true });
    expect(table.stdout).toMatch(/│ log\.retention\.bytes │ 9000 +│ DYNAMIC_BROKER_CONFIG │ no +│/);
  });

  it('prints broker errors on one line and exits 1', async () => {
    b = await startTestBroker();
    await new Admin({ bootstrapServers: [b.bootstrap] }).createTopics([{ name: 't', numPartitions: 1 }]);
    const args = ['--alter', '--topic', 't', '--add-config', 'no.such=1'];
    expect(await run(args)).toEqual({
      code: 1,
      stdout: '',
      stderr: `Error while executing config command with args '--bootstrap-server ${b.bootstrap} ${args.join(' ')}': Unknown topic config name: no.such\n`,
    });
    expect((await run(['--alter', '--topic', 't', '--add-config', 'retention.ms=soon'])).stderr).toContain(': Invalid value soon for configuration retention.ms: Not a number of type LONG\n');
    expect(await run(['--describe', '--topic', 'nope'])).toEqual({ code: 0, stdout: "The topic 'nope' doesn't exist and doesn't have dynamic config.\n", stderr: '' });
    expect(await run(['--describe', '--broker', '77'])).toEqual({ code: 0, stdout: "The broker '77' doesn't exist and doesn't have dynamic config.\n", stderr: '' });
    expect((await run(['--describe', '--topic', 'nope', '--all'])).stderr).toMatch(/^Error while executing config command with args '.*': This server does not host this topic-partition\.\n$/);
    expect((await run(['--alter', '--topic', 'nope', '--add-config', 'retention.ms=1'])).stderr).toMatch(/': This server does not host this topic-partition\.\n$/);
    expect((await run(['--alter', '--broker-defaults', '--add-config', 'log.dirs=/x'])).stderr).toContain(
      ": Invalid config value for resource ConfigResource(type=BROKER, name=''): Cannot update these configs dynamically: Set(log.dirs)\n",
    );
  });
});
