export {
	DEMO_TOPOLOGY_PATH,
	loadDemoTopology,
	loadTopologyFile,
	parseTopology,
	TopologyError,
	type ArmJson,
	type Topology,
	type TopologyIssue,
	type TopologyResource,
	type TopologySubscription,
	type TopologyTenant,
} from './load.js';
export {RESOURCE_TYPES, type ResourceType} from './schema.js';
export {withoutSystemAssignedIdentity} from './edits.js';
export {labVmAddress, labVmAddresses, type LabVmAddress} from './addresses.js';
export {readLabWorld} from './world.js';
