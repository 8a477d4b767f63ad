import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {DEFAULT_POWER_CONFIG, startLabArm} from '../../../source/lab/arm/index.js';
import {DEMO_TOPOLOGY_PATH, parseTopology} from '../../../source/lab/topology/index.js';

/** A topology file's `lab` settings: how long the lab's power operations run (so a VM can be caught in transit). */
const demo = () => JSON.parse(readFileSync(DEMO_TOPOLOGY_PATH, 'utf8')) as Record<string, unknown>;

describe("a topology file's lab settings", () => {
	test('powerDurationMs sets the durations given and keeps the defaults of the others', async () => {
		const arm = await startLabArm({topology: parseTopology({...demo(), lab: {powerDurationMs: {deallocate: 8000}}}, 'slow deallocate')});
		try {
			expect(arm.power.config.durationMs).toEqual({...DEFAULT_POWER_CONFIG.durationMs, deallocate: 8000});
		} finally {
			await arm.close();
		}
	});

	test('a wrong value is named with its field', () => {
		expect(() => parseTopology({...demo(), lab: {powerDurationMs: {start: -1}}}, 'bad')).toThrow(/lab\.powerDurationMs\.start/);
		expect(() => parseTopology({...demo(), lab: {powerDuration: {}}}, 'bad')).toThrow(/lab/);
	});
});
