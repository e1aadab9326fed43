// IncrementalAlterConfigs v0-1 (KIP-339): changes named configs of each resource and leaves the
// rest alone. SET sets, DELETE returns a config to its default, APPEND and SUBTRACT add or remove
// elements of a list config (starting from Kafka's default when the resource has no value of
// its own, as AK ConfigAdminManager.prepareIncrementalConfigs does). Resources, validation and
// effects as in AlterConfigs (config-admin.ts).
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  IncrementalAlterConfigs,
  type IncrementalAlterableConfig,
  type IncrementalAlterConfigsRequest,
  type IncrementalAlterConfigsResourceResponse,
  type IncrementalAlterConfigsResponse,
} from '../../protocol/messages/44-incremental-alter-configs.js';
import type { Broker } from '../broker.js';
import { alterConfigs, ConfigResourceError, repeatedResourceError, repeatedResources, resourceError } from '../config-admin.js';
import { ResourceType, type ConfigInfo, type Props } from '../dynamic-config.js';
import { register } from '../router.js';

const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;
const OP_NAMES = ['set', 'delete', 'append', 'subtract'];

const list = (value: string | null | undefined): string[] => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** The request's shape, checked before anything else (AK ConfigAdminManager.preprocess). */
function checkShape(ops: readonly IncrementalAlterableConfig[]): void {
  const names = ops.map((o) => o.name);
  if (new Set(names).size !== names.length) throw new ConfigResourceError(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys');
  const nulls = ops.filter((o) => o.configOperation !== DELETE && o.value === null).map((o) => o.name);
  if (nulls.length > 0) throw new ConfigResourceError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${nulls.join(', ')}`);
}

function apply(resourceType: number, ops: readonly IncrementalAlterableConfig[], current: Props, info: (name: string) => ConfigInfo): Record<string, string> {
  const next: Record<string, string> = { ...current };
  for (const op of ops) {
    switch (op.configOperation) {
      case SET:
        next[op.name] = op.value!;
        break;
      case DELETE:
        delete next[op.name];
        break;
      case APPEND:
      case SUBTRACT: {
        const { type, default: dflt } = info(op.name);
        if (type !== 'LIST') {
          // Topics are the controller's (AK ConfigurationControlManager.incrementalAlterConfigResource,
          // an unknown key included); broker configs the broker's own (ConfigAdminManager).
          if (resourceType === ResourceType.TOPIC) {
            throw new ConfigResourceError(ErrorCode.INVALID_CONFIG, `Can't ${OP_NAMES[op.configOperation]!.toUpperCase()} to key ${op.name} because its type is not LIST.`);
          }
          throw new ConfigResourceError(ErrorCode.INVALID_REQUEST, `Config value ${OP_NAMES[op.configOperation]} is not allowed for config key: ${op.name}`);
        }
        const values = list(next[op.name] ?? dflt);
        const given = list(op.value);
        next[op.name] = (op.configOperation === APPEND ? [...values, ...given.filter((v) => !values.includes(v))] : values.filter((v) => !given.includes(v))).join(',');
        break;
      }
      default:
        throw new ConfigResourceError(ErrorCode.INVALID_REQUEST, `Unknown alter config operation ${op.configOperation} for config key: ${op.name}`);
    }
  }
  return next;
}

function handleIncrementalAlterConfigs(broker: Broker, _ctx: unknown, req: IncrementalAlterConfigsRequest): IncrementalAlterConfigsResponse {
  const repeated = repeatedResources(req.resources);
  return {
    throttleTimeMs: 0,
    responses: req.resources.map((r): IncrementalAlterConfigsResourceResponse => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      try {
        if (repeated(r)) throw repeatedResourceError();
        checkShape(r.configs);
        alterConfigs(broker, r.resourceType, r.resourceName, (current, info) => apply(r.resourceType, r.configs, current, info), req.validateOnly);
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: null };
      } catch (e) {
        return { ...base, ...resourceError(e) };
      }
    }),
  };
}

register(IncrementalAlterConfigs, 0, 1, handleIncrementalAlterConfigs);
