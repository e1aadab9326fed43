// DescribeCluster v0-1: the cluster id, controller and brokers, as Metadata reports them. A
// broker only describes brokers: v1's endpoint type 2 (controllers) is refused the way Kafka's
// brokers refuse it, and any other type is unsupported (KIP-919).
import { ErrorCode } from '../../protocol/error-codes.js';
import { AUTHORIZED_OPERATIONS_OMITTED } from '../../protocol/messages/03-metadata.js';
import { DescribeCluster, type DescribeClusterRequest, type DescribeClusterResponse } from '../../protocol/messages/60-describe-cluster.js';
import type { Broker } from '../broker.js';
import { register } from '../router.js';

const BROKERS = 1;
const CONTROLLERS = 2;

function handleDescribeCluster(broker: Broker, _ctx: unknown, req: DescribeClusterRequest): DescribeClusterResponse {
  const base = { throttleTimeMs: 0, endpointType: req.endpointType, clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED };
  if (req.endpointType !== BROKERS) {
    const [errorCode, errorMessage] =
      req.endpointType === CONTROLLERS
        ? [ErrorCode.MISMATCHED_ENDPOINT_TYPE, 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER']
        : [ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, `Unsupported endpoint type ${req.endpointType}`];
    return { ...base, errorCode, errorMessage, clusterId: '', controllerId: -1, brokers: [] };
  }
  return {
    ...base,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    clusterId: broker.clusterId,
    controllerId: broker.nodeId,
    brokers: [{ brokerId: broker.nodeId, host: broker.advertised.host, port: broker.advertised.port, rack: null }],
  };
}

register(DescribeCluster, 0, 1, handleDescribeCluster);
