import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {bastionProfile, layout, named, startLayoutLab, type LayoutLab, type RawResource} from './layout-lab.js';

/**
 * Issue 14: Developer and QuickConnect Bastions are shared per region: several of them answer on one `dnsName`
 * (contracts §3) and `/api/connection` tells them apart by `bastionResourceId`. Here bas-dev (Developer) serves
 * dev-01 and a second Developer Bastion, bas-dev2, on the same dnsName serves jump-01's VNet; a QuickConnect
 * Bastion on that dnsName too serves legacy-01's. Each VM is listed with its own, and each connects through it.
 */

const shared = layout('three data-pod Bastions on one dnsName', resources => {
	const dev = named(resources, 'bas-dev');
	const dmz = named(resources, 'vnet-prod-dmz');
	const legacyVnet = named(resources, 'vnet-prod-legacy');
	const dataPod = (name: string, sku: string, vnet: RawResource): RawResource => ({
		...structuredClone(dev),
		id: dev.id.replace(/bas-dev$/, name),
		name,
		sku: {name: sku},
		properties: {...structuredClone(dev.properties), virtualNetwork: {id: vnet.id}},
	});
	// legacy-01's own Basic Bastion goes: a QuickConnect one serves its VNet instead.
	// jump-01 loses its public IP, so only its Bastion can reach it.
	const jumpNic = named(resources, 'jump-01-nic');
	delete ((jumpNic.properties!.ipConfigurations as RawResource[])[0]!.properties as Record<string, unknown>).publicIPAddress;
	return [
		...resources.filter(resource => resource.name !== 'bas-basic' && resource.name !== 'pip-jump-01'),
		dataPod('bas-dev2', 'Developer', dmz),
		dataPod('bas-quick', 'QuickConnect', legacyVnet),
	];
});

describe('Developer and QuickConnect Bastions sharing one dnsName', () => {
	let lab: LayoutLab;
	beforeAll(async () => {
		lab = await startLayoutLab(shared);
	}, 60_000);
	afterAll(() => lab?.close());

	test('each VM is listed with its own data-pod Bastion, QuickConnect included', () => {
		expect(lab.bastionCell('dev-01')).toBe('bas-dev · Developer');
		expect(lab.bastionCell('jump-01')).toBe('bas-dev2 · Developer');
		expect(lab.bastionCell('legacy-01')).toBe('bas-quick · QuickConnect');
		expect(lab.vm('jump-01').bastion?.dnsName).toBe(lab.vm('dev-01').bastion?.dnsName);
	});

	test.each(['dev-01', 'jump-01', 'legacy-01'])('%s connects through its own Bastion on the shared host', async name => {
		lab.save(bastionProfile(lab.vm(name)));
		expect(await lab.connect(name)).toMatchObject({kind: 'open'});
		const pods = lab.demo.azure.bastion!.dataPods().filter(pod => pod.vmId.toLowerCase() === lab.vm(name).id.toLowerCase());
		expect(pods.at(-1)?.bastionId.toLowerCase()).toBe(lab.vm(name).bastion!.id.toLowerCase());
	}, 60_000);

	test('the doctor passes for the QuickConnect VM (handled as Developer: port 22, one session)', async () => {
		lab.save(bastionProfile(lab.vm('legacy-01')));
		const report = await lab.doctor('legacy-01');
		const failed = report.checks.filter(check => check.status === 'fail');
		expect(failed).toEqual([]);
		expect(report.bastion).toMatchObject({name: 'bas-quick', sku: 'QuickConnect'});
	}, 60_000);
});
