// AlterConfigs v0-2: replaces all dynamic configs of each resource with the ones given (a name
// left out returns to its default). Topics and brokers as in DescribeConfigs; ValidateOnly
// checks without changing anything. Changes apply at once and persist (config-admin.ts).
import {
  AlterConfigs,
  type AlterConfigsRequest,
  type AlterConfigsResourceResponse,
  type AlterConfigsResponse,
} from '../../protocol/messages/33-alter-configs.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { Broker } from '../broker.js';
import { alterConfigs, ConfigResourceError, repeatedResourceError, repeatedResources, resourceError } from '../config-admin.js';
import { register } from '../router.js';

function handleAlterConfigs(broker: Broker, _ctx: unknown, req: AlterConfigsRequest): AlterConfigsResponse {
  const repeated = repeatedResources(req.resources);
  return {
    throttleTimeMs: 0,
    responses: req.resources.map((r): AlterConfigsResourceResponse => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      try {
        if (repeated(r)) throw repeatedResourceError();
        const nulls = r.configs.filter((c) => c.value === null).map((c) => c.name);
        if (nulls.length > 0) throw new ConfigResourceError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${nulls.join(', ')}`);
        const configs = Object.fromEntries(r.configs.map((c) => [c.name, c.value!]));
        alterConfigs(broker, r.resourceType, r.resourceName, () => configs, req.validateOnly);
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: null };
      } catch (e) {
        return { ...base, ...resourceError(e) };
      }
    }),
  };
}

register(AlterConfigs, 0, 2, handleAlterConfigs);
