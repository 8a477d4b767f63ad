import {stripVTControlCharacters} from 'node:util';
import {cleanup, render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {DialogView} from '../../../source/app/dialogs/DialogView.js';
import {Dialogs} from '../../../source/app/dialogs/dialogs.js';
import {ConnectFlow} from '../../../source/app/flows/connect-flow.js';
import {PowerFlow} from '../../../source/app/flows/power-flow.js';
import {UiState} from '../../../source/app/focus/ui-state.js';
import {BrowserView} from '../../../source/app/views/browser/BrowserView.js';
import {BrowserModel} from '../../../source/app/views/browser/use-browser-state.js';
import {fuzzyVmFilter} from '../../../source/core/inventory/fuzzy-filter.js';
import type {VmRecord} from '../../../source/core/inventory/model.js';
import {describeActivity, type PowerActivity, type PowerControl} from '../../../source/core/inventory/power-control.js';
import type {PowerWaitGoal, PowerWaitOutcome} from '../../../source/core/inventory/power-wait.js';

/**
 * Issue 14, VMs in transit, as drawn: the question Enter asks (PowerFlow.offerWait, in the dialog view), the row while
 * vmux waits (`waiting… 7s`), and the answer that starts the wait. The PowerControl here is a recording stand-in:
 * the real one polls the lab's ARM in test/lab/layouts/power-in-transit.test.ts.
 */

afterEach(() => cleanup());

const SUB = '3f2a6c1e-7d4b-4e8a-9c5f-1b2d3e4f5a6b';
const vm = (name: string, powerState: VmRecord['powerState']): VmRecord => ({
	id: `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.Compute/virtualMachines/${name}`,
	name,
	subscriptionId: SUB,
	subscriptionName: 'Contoso Dev',
	resourceGroup: 'rg-data',
	location: 'eastus',
	powerState,
	tags: {},
});

const text = (frame: string | undefined) => stripVTControlCharacters(frame ?? '').replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');

/** Waits for ink's next frame (input is handled on the next tick). */
const tick = () => new Promise(resolve => setImmediate(resolve));

function recordingPower() {
	const waits: Array<{vm: string; goal: PowerWaitGoal; resolve(outcome: PowerWaitOutcome): void}> = [];
	const runs: string[] = [];
	const power = {
		activity: () => undefined as PowerActivity | undefined,
		waiting: () => undefined as PowerActivity | undefined,
		wait: (target: VmRecord, goal: PowerWaitGoal) => new Promise<PowerWaitOutcome>(resolve => waits.push({vm: target.name, goal, resolve})),
		run: async (target: VmRecord, action: string) => {
			runs.push(`${action} ${target.name}`);
			return {ok: true, action, elapsedMs: 2000};
		},
	};
	return {power: power as unknown as PowerControl, waits, runs};
}

describe('waiting for a VM in transit, in the browser', () => {
	it('deallocating: the question names the VM, its group and what follows; y waits, then starts it and connects', async () => {
		const ui = new UiState();
		const dialogs = new Dialogs(ui);
		const {power, waits, runs} = recordingPower();
		const flow = new PowerFlow({power, clipboard: {setting: 'off', program: undefined, terminal: process.stdout}} as never, ui, dialogs);
		let connected = 0;
		flow.offerWait(vm('db-01', 'deallocating'), 'stopped', () => connected++);
		const dialog = ui.dialog!;
		const {lastFrame, stdin} = render(<DialogView dialog={dialog} width={90} />);
		const frame = text(lastFrame());
		expect(frame).toContain('db-01 is deallocating');
		expect(frame).toContain('db-01 (resource group rg-data) is deallocating. Wait until it has stopped, then start it and connect?');
		expect(frame).toContain('wait, start and connect');
		await tick();
		stdin.write('y');
		await tick();
		expect(ui.dialog).toBeUndefined();
		expect(waits.map(wait => `${wait.goal} ${wait.vm}`)).toEqual(['stopped db-01']);
		expect(ui.notice?.text).toBe('Waiting for db-01 to stop… (Enter on it stops waiting)');
		expect(runs).toEqual([]);
		waits[0]!.resolve({kind: 'arrived', state: 'deallocated'});
		await tick();
		await tick();
		expect(runs).toEqual(['start db-01']);
		expect(connected).toBe(1);
	});

	it('starting: "wait and connect"; n leaves it alone', async () => {
		const ui = new UiState();
		const {power, waits} = recordingPower();
		const flow = new PowerFlow({power, clipboard: {setting: 'off', program: undefined, terminal: process.stdout}} as never, ui, new Dialogs(ui));
		flow.offerWait(vm('web-01', 'starting'), 'running', () => {});
		const {lastFrame, stdin} = render(<DialogView dialog={ui.dialog!} width={90} />);
		expect(text(lastFrame())).toContain('web-01 (resource group rg-data) is starting. Wait until it runs, then connect?');
		expect(text(lastFrame())).toContain('wait and connect');
		await tick();
		stdin.write('n');
		await tick();
		expect(ui.dialog).toBeUndefined();
		expect(waits).toEqual([]);
	});

	it('a failed start after the wait offers what fits: start it and connect', async () => {
		const ui = new UiState();
		const {power, waits, runs} = recordingPower();
		const flow = new PowerFlow({power, clipboard: {setting: 'off', program: undefined, terminal: process.stdout}} as never, ui, new Dialogs(ui));
		void flow.waitThen(vm('web-01', 'starting'), 'running', () => {});
		waits[0]!.resolve({kind: 'elsewhere', state: 'deallocated', message: 'web-01 did not come up: it is deallocated now (its start failed).'});
		await tick();
		const dialog = ui.dialog!;
		expect(dialog).toMatchObject({kind: 'confirm', title: 'web-01 is deallocated', yesLabel: 'start it and connect'});
		expect(dialog.kind === 'confirm' && dialog.message).toBe('web-01 did not come up: it is deallocated now (its start failed). Start it now, and connect once it runs?');
		dialog.kind === 'confirm' && dialog.onAnswer(true);
		await tick();
		expect(runs).toEqual(['start web-01']);
	});

	it('Enter on a VM that "start it and connect" is starting says the connection follows, and plans no second one', async () => {
		const ui = new UiState();
		const dialogs = new Dialogs(ui);
		let finish!: () => void;
		const power = {
			activity: () => undefined,
			waiting: () => undefined,
			run: (_vm: VmRecord, action: string) => new Promise(resolve => (finish = () => resolve({ok: true, action, elapsedMs: 1000}))),
		} as unknown as PowerControl;
		const flow = new PowerFlow({power, clipboard: {setting: 'off', program: undefined, terminal: process.stdout}} as never, ui, dialogs);
		let planned = 0;
		let connected = 0;
		const connect = new ConnectFlow({planConnect: async () => (planned++, {kind: 'needs-profile'}), manager: {} as never}, ui, dialogs, () => {}, flow);
		const running = flow.run(vm('web-02', 'stopped'), 'start', () => connected++);
		await connect.connect(vm('web-02', 'starting'));
		expect(ui.notice?.text).toBe('web-02 is starting: vmux connects once it runs.');
		expect(planned).toBe(0);
		finish();
		await running;
		expect(connected).toBe(1);
		expect(flow.connectsAfter(vm('web-02', 'running'))).toBe(false);
	});

	it('the row counts the wait in the state column', () => {
		const now = Date.now();
		const {lastFrame} = render(
			<BrowserView
				model={new BrowserModel()}
				vms={[vm('db-01', 'deallocating'), vm('web-01', 'running')]}
				filter={fuzzyVmFilter()}
				hasProfile={() => true}
				activityOf={v => (v.name === 'db-01' ? describeActivity({action: 'wait', doing: 'deallocating', goal: 'stopped', startedAt: now - 7_400}, now) : undefined)}
				onConnect={() => {}}
				hints={[]}
				sortKey="o"
				width={120}
				height={12}
				status="demo lab"
				isActive={false}
			/>,
		);
		const frame = lastFrame() ?? '';
		expect(frame).toMatch(/db-01\s+waiting… 7s\s+rg-data/);
		expect(frame).toMatch(/web-01\s+running\s+rg-data/);
	});
});
