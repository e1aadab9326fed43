// ApiVersions v0-3. The answer is built from the handler registry, so it lists exactly the
// APIs and versions this broker implements. v3 requests carry the client's software name and
// version (KIP-511); Kafka rejects malformed ones with INVALID_REQUEST, and so do we, because a
// client that sends garbage there has mis-encoded the flexible request. Unsupported versions are
// answered in connection.ts before the body is decoded.
import { ErrorCode } from '../../protocol/error-codes.js';
import { ApiVersions, type ApiVersionsRequest, type ApiVersionsResponse } from '../../protocol/messages/18-api-versions.js';
import { register, supportedApis } from '../router.js';

const SOFTWARE_NAME_OR_VERSION = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

function handleApiVersions(_broker: unknown, ctx: { apiVersion: number }, req: ApiVersionsRequest): ApiVersionsResponse {
  const valid =
    ctx.apiVersion < 3 || (SOFTWARE_NAME_OR_VERSION.test(req.clientSoftwareName) && SOFTWARE_NAME_OR_VERSION.test(req.clientSoftwareVersion));
  return { errorCode: valid ? ErrorCode.NONE : ErrorCode.INVALID_REQUEST, apiKeys: supportedApis(), throttleTimeMs: 0 };
}

register(ApiVersions, 0, 3, handleApiVersions);
