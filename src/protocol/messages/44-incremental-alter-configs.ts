// IncrementalAlterConfigs (key 44), v0-1; v1 flexible (KIP-339). Each config carries its own
// operation: 0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT (the last two for list-typed configs).
import { api, array, field, message } from '../schema.js';

export interface IncrementalAlterableConfig {
  name: string;
  configOperation: number;
  value: string | null;
}

export interface IncrementalAlterConfigsResource {
  resourceType: number;
  resourceName: string;
  configs: IncrementalAlterableConfig[];
}

export interface IncrementalAlterConfigsRequest {
  resources: IncrementalAlterConfigsResource[];
  validateOnly: boolean;
}

export interface IncrementalAlterConfigsResourceResponse {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

export interface IncrementalAlterConfigsResponse {
  throttleTimeMs: number;
  responses: IncrementalAlterConfigsResourceResponse[];
}

export const IncrementalAlterConfigs = api(
  message('request', 44, 'IncrementalAlterConfigs', '0-1', '1+', [
    array('resources', '0+', [
      field('resourceType', 'int8', '0+'),
      field('resourceName', 'string', '0+'),
      array('configs', '0+', [
        field('name', 'string', '0+'),
        field('configOperation', 'int8', '0+'),
        field('value', 'string', '0+', { nullable: '0+' }),
      ]),
    ]),
    field('validateOnly', 'bool', '0+'),
  ]),
  message('response', 44, 'IncrementalAlterConfigs', '0-1', '1+', [
    field('throttleTimeMs', 'int32', '0+'),
    array('responses', '0+', [
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
      field('resourceType', 'int8', '0+'),
      field('resourceName', 'string', '0+'),
    ]),
  ]),
);
