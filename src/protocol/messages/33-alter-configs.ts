// AlterConfigs (key 33), v0-2; v2 flexible. Replaces the whole set of dynamic configs of each
// resource: names left out of Configs are removed (IncrementalAlterConfigs is the partial form).
import { api, array, field, message } from '../schema.js';

export interface AlterConfigsResource {
  resourceType: number;
  resourceName: string;
  configs: Array<{ name: string; value: string | null }>;
}

export interface AlterConfigsRequest {
  resources: AlterConfigsResource[];
  validateOnly: boolean;
}

export interface AlterConfigsResourceResponse {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

export interface AlterConfigsResponse {
  throttleTimeMs: number;
  responses: AlterConfigsResourceResponse[];
}

export const AlterConfigs = api(
  message('request', 33, 'AlterConfigs', '0-2', '2+', [
    array('resources', '0+', [
      field('resourceType', 'int8', '0+'),
      field('resourceName', 'string', '0+'),
      array('configs', '0+', [field('name', 'string', '0+'), field('value', 'string', '0+', { nullable: '0+' })]),
    ]),
    field('validateOnly', 'bool', '0+'),
  ]),
  message('response', 33, 'AlterConfigs', '0-2', '2+', [
    field('throttleTimeMs', 'int32', '0+'),
    array('responses', '0+', [
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
      field('resourceType', 'int8', '0+'),
      field('resourceName', 'string', '0+'),
    ]),
  ]),
);
