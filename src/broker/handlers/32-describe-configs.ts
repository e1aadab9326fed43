// DescribeConfigs v0-4: the configs of topics, of this broker (resource name = node id) and of
// the cluster-wide broker default (empty name), each with its source (v1+), synonyms when
// IncludeSynonyms (v1+), and type and documentation when IncludeDocumentation (v3+). v0 has no
// source; it reports IsDefault instead. Errors are per resource (config-admin.ts).
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  DescribeConfigs,
  type DescribeConfigsRequest,
  type DescribeConfigsResourceResult,
  type DescribeConfigsResponse,
  type DescribeConfigsResult,
} from '../../protocol/messages/32-describe-configs.js';
import type { Broker } from '../broker.js';
import { describeConfigs, resourceError } from '../config-admin.js';
import { ConfigSource, type ConfigEntryView } from '../dynamic-config.js';
import { register, type RequestContext } from '../router.js';

function entry(e: ConfigEntryView, req: DescribeConfigsRequest): DescribeConfigsResourceResult {
  return {
    name: e.name,
    value: e.value,
    readOnly: e.readOnly,
    isDefault: e.source === ConfigSource.DEFAULT_CONFIG,
    configSource: e.source,
    isSensitive: e.sensitive,
    synonyms: req.includeSynonyms ? e.synonyms : [],
    configType: e.type,
    documentation: req.includeDocumentation ? e.doc : null,
  };
}

function handleDescribeConfigs(broker: Broker, _ctx: RequestContext, req: DescribeConfigsRequest): DescribeConfigsResponse {
  return {
    throttleTimeMs: 0,
    results: req.resources.map((r): DescribeConfigsResult => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      try {
        const configs = describeConfigs(broker, r.resourceType, r.resourceName, r.configurationKeys);
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs: configs.map((e) => entry(e, req)) };
      } catch (e) {
        return { ...base, ...resourceError(e), configs: [] };
      }
    }),
  };
}

register(DescribeConfigs, 0, 4, handleDescribeConfigs);
