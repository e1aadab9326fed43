// mq broker-api-versions — kafka-broker-api-versions.sh (AK BrokerApiVersionsCommand, whose text is
// clients/.../NodeApiVersions.java toString(true) after Node.toString). Piped, per broker:
//   localhost:9092 (id: 0 rack: null) -> (
//   \tProduce(0): 0 to 11 [usable: 11],
//   \tLeaderAndIsr(4): UNSUPPORTED,
//   ...
//   )
// or `<node> -> ERROR: <msg>` when the broker could not be asked.
// "Usable" is judged against the client running the tool, which here is mq's client: for an API
// mq's client speaks (src/protocol/messages) it is min(mq's max, the broker's max), with Kafka's
// `[unusable: node too new|old]` when the ranges do not meet. An API mq's client does not speak
// gets no marker, as Java prints APIs it does not know. APIs the broker does not advertise are
// listed as UNSUPPORTED from Kafka 4.0's ApiKeys.clientApis() (the broker-listener APIs), below.

import { Command } from 'commander';
import type { BrokerApiVersions } from '../../client/index.js';
import { apis } from '../../protocol/messages/index.js';
import { addSharedOptions, adminConfig, bootstrapServers, loadConfigFile, type AdminClient, type CliContext, type SharedOptions } from '../context.js';
import { unableTo } from '../errors.js';
import { colorsFor } from '../output/color.js';
import { toJson } from '../output/format.js';
import { withSpinner } from '../output/spinner.js';
import { renderTable } from '../output/table.js';

/** Kafka 4.0's ApiKeys.clientApis(): API key → ApiMessageType name (AK ApiKeys.java, *Request.json listeners). */
export const KAFKA_CLIENT_APIS: ReadonlyMap<number, string> = new Map(
  (
    [
      [0, 'Produce'], [1, 'Fetch'], [2, 'ListOffsets'], [3, 'Metadata'], [8, 'OffsetCommit'], [9, 'OffsetFetch'],
      [10, 'FindCoordinator'], [11, 'JoinGroup'], [12, 'Heartbeat'], [13, 'LeaveGroup'], [14, 'SyncGroup'],
      [15, 'DescribeGroups'], [16, 'ListGroups'], [17, 'SaslHandshake'], [18, 'ApiVersions'], [19, 'CreateTopics'],
      [20, 'DeleteTopics'], [21, 'DeleteRecords'], [22, 'InitProducerId'], [23, 'OffsetForLeaderEpoch'],
      [24, 'AddPartitionsToTxn'], [25, 'AddOffsetsToTxn'], [26, 'EndTxn'], [27, 'WriteTxnMarkers'], [28, 'TxnOffsetCommit'],
      [29, 'DescribeAcls'], [30, 'CreateAcls'], [31, 'DeleteAcls'], [32, 'DescribeConfigs'], [33, 'AlterConfigs'],
      [34, 'AlterReplicaLogDirs'], [35, 'DescribeLogDirs'], [36, 'SaslAuthenticate'], [37, 'CreatePartitions'],
      [38, 'CreateDelegationToken'], [39, 'RenewDelegationToken'], [40, 'ExpireDelegationToken'], [41, 'DescribeDelegationToken'],
      [42, 'DeleteGroups'], [43, 'ElectLeaders'], [44, 'IncrementalAlterConfigs'], [45, 'AlterPartitionReassignments'],
      [46, 'ListPartitionReassignments'], [47, 'OffsetDelete'], [48, 'DescribeClientQuotas'], [49, 'AlterClientQuotas'],
      [50, 'DescribeUserScramCredentials'], [51, 'AlterUserScramCredentials'], [55, 'DescribeQuorum'], [57, 'UpdateFeatures'],
      [60, 'DescribeCluster'], [61, 'DescribeProducers'], [64, 'UnregisterBroker'], [65, 'DescribeTransactions'],
      [66, 'ListTransactions'], [68, 'ConsumerGroupHeartbeat'], [69, 'ConsumerGroupDescribe'], [71, 'GetTelemetrySubscriptions'],
      [72, 'PushTelemetry'], [74, 'ListClientMetricsResources'], [75, 'DescribeTopicPartitions'], [76, 'ShareGroupHeartbeat'],
      [77, 'ShareGroupDescribe'], [78, 'ShareFetch'], [79, 'ShareAcknowledge'], [80, 'AddRaftVoter'], [81, 'RemoveRaftVoter'],
      [83, 'InitializeShareGroupState'], [84, 'ReadShareGroupState'], [85, 'WriteShareGroupState'], [86, 'DeleteShareGroupState'],
      [87, 'ReadShareGroupStateSummary'],
    ] as const
  ).map(([k, n]) => [k, n]),
);

export interface ApiVersionView {
  apiKey: number;
  name: string;
  /** null: the broker does not advertise it. */
  minVersion: number | null;
  maxVersion: number | null;
  /** The version mq's client would use; null when unsupported, unusable, or not spoken by mq. */
  usableVersion: number | null;
  /** Kafka's marker text: `[usable: 9]`, `[unusable: node too new]`, '' or 'UNSUPPORTED'. */
  note: string;
}

export interface BrokerApiVersionsView {
  broker: { id: number; host: string; port: number; rack: string | null };
  error: string | null;
  apis: ApiVersionView[];
}

function apiView(apiKey: number, advertised: { min: number; max: number } | undefined): ApiVersionView {
  const spec = apis.get(apiKey);
  const name = KAFKA_CLIENT_APIS.get(apiKey) ?? spec?.name ?? 'UNKNOWN';
  if (!advertised) return { apiKey, name, minVersion: null, maxVersion: null, usableVersion: null, note: 'UNSUPPORTED' };
  const view = { apiKey, name, minVersion: advertised.min, maxVersion: advertised.max, usableVersion: null as number | null, note: '' };
  if (!spec) return view;
  const oldest = Math.max(spec.request.valid.min, spec.response.valid.min);
  const latest = Math.min(spec.request.valid.max, spec.response.valid.max);
  if (latest < advertised.min) view.note = '[unusable: node too new]';
  else if (advertised.max < oldest) view.note = '[unusable: node too old]';
  else {
    view.usableVersion = Math.min(latest, advertised.max);
    view.note = `[usable: ${view.usableVersion}]`;
  }
  return view;
}

export function brokerView(b: BrokerApiVersions): BrokerApiVersionsView {
  const broker = { id: b.broker.nodeId, host: b.broker.host, port: b.broker.port, rack: b.broker.rack };
  if (b.versions instanceof Error) return { broker, error: b.versions.message, apis: [] };
  const advertised = b.versions;
  const keys = [...new Set([...advertised.keys(), ...KAFKA_CLIENT_APIS.keys()])].sort((x, y) => x - y);
  return { broker, error: null, apis: keys.map((k) => apiView(k, advertised.get(k))) };
}

/** NodeApiVersions.apiVersionToText: `Name(k): min to max [usable: n]`; `UNKNOWN(k): ..` for keys Kafka does not know. */
function apiText(a: ApiVersionView): string {
  const head = `${a.name}(${a.apiKey}): `;
  if (a.minVersion === null) return `${head}UNSUPPORTED`;
  const range = a.minVersion === a.maxVersion ? `${a.minVersion}` : `${a.minVersion} to ${a.maxVersion}`;
  return `${head}${range}${a.note === '' ? '' : ` ${a.note}`}`;
}

/** Node.toString: `host:port (id: 0 rack: null)`. */
function nodeText(b: BrokerApiVersionsView['broker']): string {
  return `${b.host}:${b.port} (id: ${b.id} rack: ${b.rack ?? 'null'})`;
}

export function renderBrokerApiVersions(views: readonly BrokerApiVersionsView[]): string {
  return views
    .map((v) => (v.error !== null ? `${nodeText(v.broker)} -> ERROR: ${v.error}\n` : `${nodeText(v.broker)} -> (\n\t${v.apis.map(apiText).join(',\n\t')}\n)\n`))
    .join('');
}

async function runBrokerApiVersions(ctx: CliContext, o: SharedOptions): Promise<void> {
  const props = await loadConfigFile(o.commandConfig);
  const config = adminConfig(ctx, bootstrapServers(ctx, o.bootstrapServer, props), props);
  let admin: AdminClient | undefined;
  try {
    admin = ctx.clients.admin(config);
    const views = (await withSpinner(ctx, 'asking brokers for their API versions', () => admin!.brokerApiVersions())).map(brokerView);
    if (o.output === 'json') ctx.stdout.write(`${toJson(views)}\n`);
    else if (ctx.isTTY.stdout) {
      const colors = colorsFor(ctx);
      for (const v of views) {
        ctx.stdout.write(`${colors.bold(nodeText(v.broker))}${v.error === null ? '' : ` ${colors.red(`ERROR: ${v.error}`)}`}\n`);
        if (v.error !== null) continue;
        const rows = v.apis.map((a) => [
          `${a.name}(${a.apiKey})`,
          a.minVersion === null ? colors.dim('UNSUPPORTED') : a.minVersion === a.maxVersion ? `${a.minVersion}` : `${a.minVersion} to ${a.maxVersion}`,
          a.usableVersion !== null ? colors.green(String(a.usableVersion)) : a.note.startsWith('[unusable') ? colors.red(a.note.slice(1, -1)) : '',
        ]);
        ctx.stdout.write(renderTable(colors, ['API', 'BROKER VERSIONS', 'USABLE'], rows));
      }
    } else ctx.stdout.write(renderBrokerApiVersions(views));
  } catch (err) {
    throw unableTo('get broker API versions', err);
  } finally {
    await admin?.close().catch(() => undefined);
  }
}

export function brokerApiVersionsCommand(ctx: CliContext): Command {
  const cmd = new Command('broker-api-versions').description('Print the API versions each broker supports (kafka-broker-api-versions.sh)');
  addSharedOptions(cmd, ['bootstrapServer', 'commandConfig', 'output', 'verbose']);
  return cmd.action((o: SharedOptions) => runBrokerApiVersions(ctx, o));
}
