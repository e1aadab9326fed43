// DescribeConfigs (key 32), v0-4; v4 flexible. v1 adds IncludeSynonyms, ConfigSource and
// Synonyms (and drops IsDefault); v3 adds IncludeDocumentation, ConfigType and Documentation.
// An empty or null ConfigurationKeys asks for every config of the resource.
import { api, array, field, message } from '../schema.js';

export interface DescribeConfigsResource {
  resourceType: number;
  resourceName: string;
  configurationKeys: string[] | null;
}

export interface DescribeConfigsRequest {
  resources: DescribeConfigsResource[];
  includeSynonyms: boolean;
  includeDocumentation: boolean;
}

export interface DescribeConfigsSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface DescribeConfigsResourceResult {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** v0 only: true when the value is the default. */
  isDefault: boolean;
  /** v1+: ConfigSource (1 DYNAMIC_TOPIC_CONFIG ... 5 DEFAULT_CONFIG). */
  configSource: number;
  isSensitive: boolean;
  synonyms: DescribeConfigsSynonym[];
  /** v3+: ConfigType (1 BOOLEAN, 2 STRING, 3 INT, 4 SHORT, 5 LONG, 6 DOUBLE, 7 LIST, 8 CLASS, 9 PASSWORD). */
  configType: number;
  documentation: string | null;
}

export interface DescribeConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: DescribeConfigsResourceResult[];
}

export interface DescribeConfigsResponse {
  throttleTimeMs: number;
  results: DescribeConfigsResult[];
}

export const DescribeConfigs = api(
  message('request', 32, 'DescribeConfigs', '0-4', '4+', [
    array('resources', '0+', [
      field('resourceType', 'int8', '0+'),
      field('resourceName', 'string', '0+'),
      array('configurationKeys', '0+', 'string', { nullable: '0+' }),
    ]),
    field('includeSynonyms', 'bool', '1+', { default: false }),
    field('includeDocumentation', 'bool', '3+', { default: false }),
  ]),
  message('response', 32, 'DescribeConfigs', '0-4', '4+', [
    field('throttleTimeMs', 'int32', '0+'),
    array('results', '0+', [
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
      field('resourceType', 'int8', '0+'),
      field('resourceName', 'string', '0+'),
      array('configs', '0+', [
        field('name', 'string', '0+'),
        field('value', 'string', '0+', { nullable: '0+' }),
        field('readOnly', 'bool', '0+'),
        field('isDefault', 'bool', '0', { default: false }),
        field('configSource', 'int8', '1+', { default: -1 }),
        field('isSensitive', 'bool', '0+'),
        array('synonyms', '1+', [
          field('name', 'string', '1+'),
          field('value', 'string', '1+', { nullable: '0+' }),
          field('source', 'int8', '1+'),
        ], { default: [] }),
        field('configType', 'int8', '3+', { default: 0 }),
        field('documentation', 'string', '3+', { nullable: '0+', default: null }),
      ]),
    ]),
  ]),
);
