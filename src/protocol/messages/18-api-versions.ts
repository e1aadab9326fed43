// ApiVersions (key 18), v0-3; v3 is flexible. The response always travels with response header
// v0 (frame.ts). Versions: v1 adds ThrottleTimeMs; v3 adds the client software name/version and
// the tagged feature fields (KIP-511, KIP-584).
import { api, array, field, message } from '../schema.js';

export interface ApiVersionsRequest {
  clientSoftwareName: string;
  clientSoftwareVersion: string;
}

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersionRange[];
  throttleTimeMs: number;
  /** v3+ tagged fields (KIP-584), declared in the spec below; absent = defaults, not written. */
  supportedFeatures?: Array<{ name: string; minVersion: number; maxVersion: number }>;
  finalizedFeaturesEpoch?: bigint;
  finalizedFeatures?: Array<{ name: string; maxVersionLevel: number; minVersionLevel: number }>;
  zkMigrationReady?: boolean;
}

export const ApiVersions = api(
  message('request', 18, 'ApiVersions', '0-3', '3+', [
    field('clientSoftwareName', 'string', '3+'),
    field('clientSoftwareVersion', 'string', '3+'),
  ]),
  message('response', 18, 'ApiVersions', '0-3', '3+', [
    field('errorCode', 'int16', '0+'),
    array('apiKeys', '0+', [field('apiKey', 'int16', '0+'), field('minVersion', 'int16', '0+'), field('maxVersion', 'int16', '0+')]),
    field('throttleTimeMs', 'int32', '1+'),
    array('supportedFeatures', '3+', [field('name', 'string', '3+'), field('minVersion', 'int16', '3+'), field('maxVersion', 'int16', '3+')], { tag: 0 }),
    field('finalizedFeaturesEpoch', 'int64', '3+', { tag: 1, default: -1n }),
    array('finalizedFeatures', '3+', [field('name', 'string', '3+'), field('maxVersionLevel', 'int16', '3+'), field('minVersionLevel', 'int16', '3+')], { tag: 2 }),
    field('zkMigrationReady', 'bool', '3+', { tag: 3 }),
  ]),
);
