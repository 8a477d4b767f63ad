import type {Topology} from '../topology/index.js';
import type {LabArmFaults} from './faults.js';
import type {LabPowerOperations} from './power.js';
import type {LabTokenIssuer} from './tokens.js';

export interface LabArmConfig {
	/** Items per page on ARM list endpoints before a `nextLink` (ARM's own pages are up to 1000). */
	pageSize: number;
	/** Rows per Resource Graph page; the service caps `$top` at 1000. */
	graphPageSize: number;
	/** `authorization_uri` in 401 challenges. */
	authority: string;
	/** Token audiences ARM accepts. */
	audiences: readonly string[];
}

export interface LabArmRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	status?: number;
	/** Parsed JSON body for POSTs (Resource Graph). */
	body?: unknown;
}

export interface LabArmState {
	topology: Topology;
	tokens: LabTokenIssuer;
	faults: LabArmFaults;
	config: LabArmConfig;
	/** VM start/deallocate/powerOff/restart as long-running operations (power.ts). */
	power: LabPowerOperations;
	/** The most recent requests (newest last), so tests can check exactly what the SDKs sent. */
	requests: LabArmRequest[];
}
