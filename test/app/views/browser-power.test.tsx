import {cleanup, render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {BrowserView} from '../../../source/app/views/browser/BrowserView.js';
import {BrowserModel} from '../../../source/app/views/browser/use-browser-state.js';
import {AZURE_CLOUDS} from '../../../source/core/azure/cloud.js';
import {bastionPortalLink} from '../../../source/core/azure/portal-link.js';
import {fuzzyVmFilter} from '../../../source/core/inventory/fuzzy-filter.js';
import type {VmRecord} from '../../../source/core/inventory/model.js';
import {describeActivity} from '../../../source/core/inventory/power-control.js';

afterEach(() => cleanup());

const SUB = '3f2a6c1e-7d4b-4e8a-9c5f-1b2d3e4f5a6b';
const vm = (name: string, powerState: VmRecord['powerState']): VmRecord => ({
	id: `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/${name}`,
	name,
	subscriptionId: SUB,
	subscriptionName: 'Contoso Dev',
	resourceGroup: 'rg-web',
	location: 'eastus',
	powerState,
	tags: {},
});

function draw(vms: VmRecord[], activityOf: (vm: VmRecord) => string | undefined) {
	return render(
		<BrowserView
			model={new BrowserModel()}
			vms={vms}
			filter={fuzzyVmFilter()}
			hasProfile={() => false}
			activityOf={activityOf}
			onConnect={() => {}}
			hints={[]}
			sortKey="o"
			width={120}
			height={12}
			status="demo lab"
			isActive={false}
		/>,
	);
}

describe('VM power in the browser list (issue 13 §5)', () => {
	it('shows a running power action with its elapsed time in the state column, the others as they are', () => {
		const now = Date.now();
		const {lastFrame} = draw([vm('web-01', 'running'), vm('web-02', 'starting')], v =>
			v.name === 'web-02' ? describeActivity({action: 'start', doing: 'starting', startedAt: now - 12_300}, now) : undefined,
		);
		const frame = lastFrame() ?? '';
		expect(frame).toMatch(/web-01\s+running\s+rg-web/);
		expect(frame).toMatch(/web-02\s+starting… 12s\s+rg-web/);
	});

	it('words each action to fit the column, minutes past 99 s', () => {
		const start = 1_000_000;
		expect(describeActivity({action: 'deallocate', doing: 'deallocating', startedAt: start}, start + 5_000)).toBe('stopping… 5s');
		expect(describeActivity({action: 'restart', doing: 'starting', startedAt: start}, start + 61_000)).toBe('restart… 61s');
		expect(describeActivity({action: 'start', doing: 'starting', startedAt: start}, start + 185_000)).toBe('starting… 3m');
		for (const text of ['stopping… 99s', 'starting… 99s', 'restart… 99s']) expect(text.length).toBeLessThanOrEqual(13);
	});
});

describe('the portal link for a Basic-SKU VM', () => {
	const id = vm('legacy-01', 'running').id;
	it('is the VM’s bastionHost blade, in the tenant, on each cloud’s portal', () => {
		expect(bastionPortalLink(AZURE_CLOUDS.AzureCloud, id, 'contoso.onmicrosoft.com')).toBe(`https://portal.azure.com/#@contoso.onmicrosoft.com/resource${id}/bastionHost`);
		expect(bastionPortalLink(AZURE_CLOUDS.AzureUSGovernment, id)).toBe(`https://portal.azure.us/#@/resource${id}/bastionHost`);
		expect(bastionPortalLink(AZURE_CLOUDS.AzureChinaCloud, id, 't')).toBe(`https://portal.azure.cn/#@t/resource${id}/bastionHost`);
		expect(bastionPortalLink({portalUrl: 'https://portal.example.test/'}, id)).toBe(`https://portal.example.test/#@/resource${id}/bastionHost`);
	});
});
