import {startLabHttpsServer, type LabHttpsServer} from '../https-server.js';
import {loadDemoTopology, type Topology} from '../topology/index.js';
import {LabArmFaults} from './faults.js';
import {createArmHandler} from './handler.js';
import {LabPowerOperations} from './power.js';
import type {LabArmConfig, LabArmRequest, LabArmState} from './state.js';
import {ARM_AUDIENCES, LabTokenIssuer, type LabIdentity, type LabIssuedToken} from './tokens.js';

export {LabArmFaults, type ActionDenyRule, type DenyRule, type ThrottleRule} from './faults.js';
export {DEFAULT_POWER_CONFIG, LabPowerOperations, POWER_ACTIONS, type LabPowerAction, type LabPowerConfig, type PowerFailureRule} from './power.js';
export {LabTokenIssuer, LAB_DEFAULT_IDENTITY, ARM_AUDIENCES, sameTenant, scopeToAudience, tokenIssuer, type LabIdentity, type LabIssuedToken, type LabTokenClaims} from './tokens.js';
export type {LabArmConfig, LabArmRequest} from './state.js';
export {parseGraphQuery} from './graph.js';

export interface LabArmOptions {
	/** The world to serve; defaults to the shipped demo topology. */
	topology?: Topology;
	/** Mount on this server (shared with the other stand-ins); otherwise a server is started. */
	server?: LabHttpsServer;
	/** Port for a server started here (0 = ephemeral). */
	port?: number;
	/** Share one issuer with the other stand-ins so one sign-in serves all of them. */
	tokens?: LabTokenIssuer;
	pageSize?: number;
	graphPageSize?: number;
	authority?: string;
}

export interface LabArm {
	/** The ARM endpoint to put in the cloud setting (`armEndpoint`). */
	url: string;
	/** The lab CA (PEM) the client must trust for this endpoint only. */
	ca: string;
	server: LabHttpsServer;
	topology: Topology;
	tokens: LabTokenIssuer;
	faults: LabArmFaults;
	/** VM power operations: their timings (`power.config`) and failures (`power.failNext`). */
	power: LabPowerOperations;
	/** Mutable: tests shrink the page sizes to exercise paging. */
	config: LabArmConfig;
	requests: LabArmRequest[];
	/** An ARM token for the lab's signed-in user (or another identity), for the home tenant unless `tenantId` is given. */
	issueToken(identity?: Partial<LabIdentity>, tenantId?: string): LabIssuedToken;
	/** Unmounts ARM, and closes the server when this call started it. */
	close(): Promise<void>;
}

/** Mounts the ARM and Resource Graph stand-in on an existing lab server. */
export function mountLabArm(server: LabHttpsServer, options: Omit<LabArmOptions, 'server' | 'port'> = {}): LabArm {
	const topology = options.topology ?? loadDemoTopology();
	// The lab's user is a member of every tenant of the world (a guest in all but the home one).
	const tokens = options.tokens ?? new LabTokenIssuer({tenantId: topology.tenantId, tenants: topology.tenants.map(tenant => tenant.tenantId)});
	const state: LabArmState = {
		topology,
		tokens,
		faults: new LabArmFaults(),
		config: {
			pageSize: options.pageSize ?? 1000,
			graphPageSize: options.graphPageSize ?? 1000,
			authority: options.authority ?? 'https://login.windows.net/',
			audiences: ARM_AUDIENCES,
		},
		power: new LabPowerOperations(),
		requests: [],
	};
	Object.assign(state.power.config.durationMs, topology.lab?.powerDurationMs);
	const handler = createArmHandler(state);
	const unmount = [server.mount('/subscriptions', handler), server.mount('/providers', handler), server.mount('/tenants', handler)];
	return {
		url: server.url,
		ca: server.ca,
		server,
		topology,
		tokens,
		faults: state.faults,
		power: state.power,
		config: state.config,
		requests: state.requests,
		issueToken: (identity, tenantId) => tokens.issue({audience: 'https://management.azure.com/', identity, ...(tenantId ? {tenantId} : {})}),
		close: async () => {
			for (const off of unmount) off();
		},
	};
}

/** Starts a lab HTTPS server (unless one is given) with ARM mounted on it. */
export async function startLabArm(options: LabArmOptions = {}): Promise<LabArm> {
	if (options.server) return mountLabArm(options.server, options);
	const server = await startLabHttpsServer({port: options.port});
	const arm = mountLabArm(server, options);
	return {
		...arm,
		close: async () => {
			await arm.close();
			await server.close();
		},
	};
}
