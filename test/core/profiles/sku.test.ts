import {describe, expect, it} from 'vitest';
import type {BastionFlags, BastionSku} from '../../../source/core/inventory/model.js';
import {NO_BASTION_FLAGS} from '../../../source/core/inventory/model.js';
import {ProfileSchema, type Profile, type ProfileInput} from '../../../source/core/profiles/schema.js';
import {
	blockingProblems,
	capabilities,
	checkProfileAgainstSku,
	lockedPortLabel,
	maxConcurrentSessions,
	portEditable,
	SKU_RULES,
	type BastionCapabilities,
} from '../../../source/core/profiles/sku.js';
import {bastion, profile} from './helpers.js';

const SKUS: BastionSku[] = ['Developer', 'QuickConnect', 'Basic', 'Standard', 'Premium'];
const ALL_ON: BastionFlags = Object.fromEntries(Object.keys(NO_BASTION_FLAGS).map(key => [key, true])) as unknown as BastionFlags;

/**
 * DESIGN §4 transcribed independently of the code: for every capability and SKU, either a fixed answer or
 * the flag it depends on ('flag:<name>'), so each cell is checked with that flag off and on.
 */
type Cell = boolean | number | `flag:${keyof BastionFlags}`;
const DESIGN_TABLE: Record<string, Record<BastionSku, Cell>> = {
	// QuickConnect is handled like Developer (contracts §3); both reach the VM through a data pod.
	dataPod: {Developer: true, QuickConnect: true, Basic: false, Standard: false, Premium: false},
	vmuxSession: {Developer: true, QuickConnect: true, Basic: false, Standard: 'flag:enableTunneling', Premium: 'flag:enableTunneling'},
	portEditable: {Developer: false, QuickConnect: false, Basic: false, Standard: true, Premium: true},
	maxConcurrentSessions: {Developer: 1, QuickConnect: 1, Basic: Infinity, Standard: Infinity, Premium: Infinity},
	peeredVnets: {Developer: false, QuickConnect: false, Basic: true, Standard: true, Premium: true},
	ipConnect: {Developer: false, QuickConnect: false, Basic: false, Standard: 'flag:enableIpConnect', Premium: 'flag:enableIpConnect'},
	entraOverIp: {Developer: false, QuickConnect: false, Basic: false, Standard: false, Premium: false},
	keyVault: {Developer: true, QuickConnect: true, Basic: true, Standard: true, Premium: true},
	fileCopy: {Developer: false, QuickConnect: false, Basic: false, Standard: 'flag:enableFileCopy', Premium: 'flag:enableFileCopy'},
	sessionRecording: {Developer: false, QuickConnect: false, Basic: false, Standard: false, Premium: 'flag:enableSessionRecording'},
};

const cells = Object.entries(DESIGN_TABLE).flatMap(([capability, row]) =>
	SKUS.map(sku => ({capability: capability as keyof BastionCapabilities, sku, cell: row[sku]})),
);

describe('SKU rules table (DESIGN §4), every cell', () => {
	it.each(cells)('$capability on $sku', ({capability, sku, cell}) => {
		if (typeof cell === 'string') {
			const flag = cell.slice('flag:'.length) as keyof BastionFlags;
			expect(capabilities(sku, {...NO_BASTION_FLAGS, [flag]: true})[capability]).toBe(true);
			// Every other flag on, this one off: only this flag opens the gate.
			expect(capabilities(sku, {...ALL_ON, [flag]: false})[capability]).toBe(false);
			// A flag missing from ARM means false.
			expect(capabilities(sku, {})[capability]).toBe(false);
		} else {
			// Fixed cells ignore the flags entirely.
			expect(capabilities(sku, NO_BASTION_FLAGS)[capability]).toBe(cell);
			expect(capabilities(sku, ALL_ON)[capability]).toBe(cell);
		}
	});

	it('covers exactly the capabilities of the code table', () => {
		const codeKeys = Object.keys(SKU_RULES.Standard).filter(key => key !== 'fixedPort' && key !== 'ipConnectPorts');
		expect(codeKeys.sort()).toEqual(Object.keys(DESIGN_TABLE).sort());
	});

	it.each([
		['Developer', 22, []],
		['QuickConnect', 22, []],
		['Basic', 22, []],
		['Standard', undefined, [22]],
		['Premium', undefined, [22]],
	] as const)('%s: fixed port %s, IP-connect ports %j', (sku, fixedPort, ipPorts) => {
		expect(capabilities(sku).fixedPort).toBe(fixedPort);
		expect(capabilities(sku, ALL_ON).ipConnectPorts).toEqual(ipPorts);
	});

	it.each([
		['Developer', false, 1],
		['QuickConnect', false, 1],
		['Basic', false, Infinity],
		['Standard', true, Infinity],
		['Premium', true, Infinity],
	] as const)('%s: portEditable %s, maxConcurrentSessions %s', (sku, editable, sessions) => {
		expect(portEditable(sku)).toBe(editable);
		expect(maxConcurrentSessions(sku)).toBe(sessions);
	});

	it('labels the locked Connection Settings line on Developer and Basic only', () => {
		expect(lockedPortLabel('Basic')).toBe('SSH · port 22 — fixed by the Basic SKU');
		expect(lockedPortLabel('Developer')).toBe('SSH · port 22 — fixed by the Developer SKU');
		expect(lockedPortLabel('Standard')).toBeUndefined();
		expect(lockedPortLabel('Premium')).toBeUndefined();
	});
});

function check(input: ProfileInput, context = {}) {
	const parsed: Profile = ProfileSchema.parse(input);
	return checkProfileAgainstSku(parsed, context);
}

function codes(input: ProfileInput, context = {}) {
	return check(input, context).map(problem => `${problem.severity}:${problem.code}`);
}

describe('checkProfileAgainstSku', () => {
	it('finds nothing for a Standard Bastion with native client support on port 2222', () => {
		expect(check(profile({transport: bastion('Standard', {enableTunneling: true}), port: 2222}))).toEqual([]);
	});

	it('finds nothing for direct and jump transports, whatever the port', () => {
		expect(check(profile({transport: {kind: 'direct'}, port: 2222}))).toEqual([]);
		expect(check(profile({transport: {kind: 'jump', via: 'jump-01'}, port: 2200}))).toEqual([]);
	});

	it.each(['Developer', 'Basic'] as const)('refuses port 2222 on %s and says what to do', sku => {
		const problems = check(profile({transport: bastion(sku, {enableTunneling: true}), port: 2222}));
		const port = problems.find(problem => problem.code === 'port-fixed');
		expect(port).toMatchObject({severity: 'error', field: 'port'});
		expect(port?.message).toContain(`The ${sku} SKU fixes the connection to SSH on port 22`);
		expect(port?.message).toMatch(/set the port to 22, upgrade .* to Standard or Premium .*or use a direct or jump transport/);
	});

	it.each(['Developer', 'Basic'] as const)('accepts port 22 on %s', sku => {
		expect(codes(profile({transport: bastion(sku), port: 22}))).not.toContain('error:port-fixed');
	});

	it('Basic cannot carry vmux sessions at all, even with tunneling set, and offers the alternatives', () => {
		const problems = check(profile({transport: bastion('Basic', {enableTunneling: true})}));
		const portal = problems.find(problem => problem.code === 'portal-only');
		expect(portal?.severity).toBe('error');
		expect(portal?.message).toMatch(/only serves connections from the Azure portal/);
		expect(portal?.message).toMatch(/upgrade bas-basic to Standard or Premium and enable native client support/);
		expect(portal?.message).toMatch(/use a direct or jump transport, or open the VM's Bastion page in the Azure portal/);
	});

	it.each(['Standard', 'Premium'] as const)('%s without enableTunneling warns with the Azure CLI sentence', sku => {
		const problems = check(profile({transport: bastion(sku, {})}));
		expect(problems.map(problem => problem.code)).toEqual(['native-client-disabled']);
		expect(problems[0].severity).toBe('warning');
		expect(problems[0].message).toContain('Bastion Host SKU must be Standard or Premium and Native Client must be enabled.');
		expect(problems[0].message).toContain('enable native client support (enableTunneling)');
	});

	it('Developer needs no tunneling flag (data-pod flow) but carries its one-session limit', () => {
		expect(codes(profile({transport: bastion('Developer')}))).toEqual(['info:single-session']);
		expect(check(profile({transport: bastion('Developer')}))[0].message).toMatch(/one session at a time through bas-developer/);
	});

	it.each(['Developer', 'Basic'] as const)('%s cannot connect by IP address', sku => {
		const problems = codes(profile({target: {kind: 'host', host: '10.0.0.4'}, transport: bastion(sku, ALL_ON)}));
		expect(problems).toContain('error:ip-connect-unsupported');
	});

	it.each(['Standard', 'Premium'] as const)('%s connects by IP only with enableIpConnect, on port 22 only', sku => {
		const target = {kind: 'host' as const, host: '10.0.0.4'};
		expect(codes(profile({target, transport: bastion(sku, {enableTunneling: true, enableIpConnect: true})}))).toEqual([]);
		expect(codes(profile({target, transport: bastion(sku, {enableTunneling: true})}))).toEqual(['warning:ip-connect-disabled']);
		const port = check(profile({target, port: 2222, transport: bastion(sku, {enableTunneling: true, enableIpConnect: true})}));
		expect(port.map(problem => problem.code)).toEqual(['ip-connect-port']);
		expect(port[0].message).toMatch(/Custom ports are not allowed for IP-based connections/);
	});

	it('IP-based connections need an IP address, not a host name', () => {
		const target = {kind: 'host' as const, host: 'db.internal.contoso.com'};
		expect(codes(profile({target, transport: bastion('Standard', {enableTunneling: true, enableIpConnect: true})}))).toEqual([
			'error:ip-connect-needs-ip',
		]);
	});

	it.each(SKUS)('refuses Entra ID over an IP-based connection on %s', sku => {
		const problems = check(profile({target: {kind: 'host', host: '10.0.0.4'}, transport: bastion(sku, ALL_ON), auth: {type: 'entra'}}));
		const entra = problems.find(problem => problem.code === 'entra-over-ip');
		expect(entra).toMatchObject({severity: 'error', field: 'auth'});
		expect(entra?.message).toMatch(/Microsoft Entra ID login is not available over IP-based Bastion connections/);
	});

	it('allows Entra ID when the target is the VM itself', () => {
		expect(check(profile({auth: {type: 'entra'}, username: undefined}))).toEqual([]);
	});

	it('Developer does not reach peered VNets; Basic and above do', () => {
		expect(codes(profile({transport: bastion('Developer')}), {via: 'peered-vnet'})).toContain('error:peered-vnet');
		expect(codes(profile({transport: bastion('Developer')}), {via: 'same-vnet'})).not.toContain('error:peered-vnet');
		for (const sku of ['Basic', 'Standard', 'Premium'] as const) {
			expect(codes(profile({transport: bastion(sku, {enableTunneling: true})}), {via: 'peered-vnet'})).not.toContain('error:peered-vnet');
		}
	});

	it('shows session recording on Premium when enabled, never on Standard', () => {
		const premium = check(profile({transport: bastion('Premium', {enableTunneling: true, enableSessionRecording: true}, 'bas-prem')}));
		expect(premium).toEqual([
			expect.objectContaining({code: 'session-recording', severity: 'info', message: expect.stringMatching(/Sessions through bas-prem are recorded/)}),
		]);
		expect(check(profile({transport: bastion('Premium', {enableTunneling: true})}))).toEqual([]);
		expect(check(profile({transport: bastion('Standard', {enableTunneling: true, enableSessionRecording: true})}))).toEqual([]);
	});

	it('blockingProblems keeps only errors', () => {
		const problems = check(profile({transport: bastion('Developer'), port: 2200}));
		expect(blockingProblems(problems).map(problem => problem.code)).toEqual(['port-fixed']);
	});
});
