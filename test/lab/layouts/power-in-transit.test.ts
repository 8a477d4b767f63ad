import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import type {Dialog} from '../../../source/app/dialogs/dialog-types.js';
import {Dialogs} from '../../../source/app/dialogs/dialogs.js';
import {ConnectFlow} from '../../../source/app/flows/connect-flow.js';
import {PowerFlow} from '../../../source/app/flows/power-flow.js';
import {UiState} from '../../../source/app/focus/ui-state.js';
import {describeActivity} from '../../../source/core/inventory/power-control.js';
import {openConnection} from '../../../source/core/wiring/open-profile-connection.js';
import type {LabPowerAction} from '../../../source/lab/arm/index.js';
import {bastionProfile, layout, named, startLayoutLab, type LayoutLab} from './layout-lab.js';

/**
 * Issue 14, VMs in transit: Enter on a VM that is starting (or restarting) offers to wait and connect once it runs;
 * on one that is deallocating, to wait until it has stopped, start it and connect. The lab's ARM runs real power
 * operations (LabPowerOperations: the instance view says `starting`/`deallocating` until the operation's time is up,
 * and a start meanwhile is refused 409 Conflict, as Azure refuses it), vmux polls the real @azure/arm-compute client,
 * and the connection goes through the lab Bastion to the VM's SSH server, which follows the VM's power.
 * web-02 is stuck `starting` (no operation will end it): the wait is bounded.
 */

const world = layout('VMs in transit', resources => {
	const vm = named(resources, 'web-02');
	(vm.properties!.instanceView as {statuses: Array<{code: string}>}).statuses = [{code: 'ProvisioningState/updating'}, {code: 'PowerState/starting'}];
});

const TIMEOUT_MS = 4000;

describe('waiting for a VM in transit, then connecting', () => {
	let lab: LayoutLab;
	let ui: UiState;
	let dialogs: Dialogs;
	let power: PowerFlow;
	let connect: ConnectFlow;

	beforeAll(async () => {
		lab = await startLayoutLab(world, {core: {powerWait: {intervalMs: 100, timeoutMs: TIMEOUT_MS}}});
		const arm = lab.demo.azure.arm;
		arm.power.config.retryAfterSeconds = 0;
		ui = new UiState();
		dialogs = new Dialogs(ui);
		const {services} = lab.built;
		power = new PowerFlow({power: services.power!, clipboard: {setting: 'off', program: undefined, terminal: process.stdout}} as never, ui, dialogs);
		connect = new ConnectFlow(services, ui, dialogs, target => ui.openEditor(target), power);
	}, 60_000);
	afterAll(() => lab?.close());

	/** Starts a lab power operation on the VM, lasting `ms`, as if someone ran it in the portal. */
	const begin = (name: string, action: LabPowerAction, ms: number) => {
		const arm = lab.demo.azure.arm;
		arm.power.config.durationMs[action] = ms;
		const resource = arm.topology.get(lab.vm(name).id)!;
		const started = arm.power.begin(resource, action);
		expect(started.ok).toBe(true);
	};

	/** Refreshes the browser's list (Resource Graph, which follows the instance view here) until the row shows `state`. */
	const listed = async (name: string, state: string) => {
		const {inventory} = lab.built.services;
		inventory.refresh();
		await until(() => (lab.vm(name).powerState === state && !inventory.current().status.includes('refreshing')) || undefined, `${name} listed ${state}`);
	};

	/** Resolves with the first UI state for which `check` holds (the flows change it synchronously). */
	const until = <T,>(check: () => T | undefined, what: string, ms = 30_000): Promise<T> =>
		new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				cleanup();
				reject(new Error(`${what}: not seen in ${ms} ms (dialog: ${ui.dialog ? JSON.stringify({...ui.dialog, onAnswer: undefined}) : 'none'}, notice: ${ui.notice?.text})`));
			}, ms);
			const {services} = lab.built;
			const probe = () => {
				const value = check();
				if (value === undefined || value === false) return;
				cleanup();
				resolve(value);
			};
			const cleanup = () => {
				clearTimeout(timer);
				ui.off('change', probe);
				services.manager.off('change', probe);
				services.power!.off('change', probe);
				services.inventory.off('change', probe);
			};
			ui.on('change', probe);
			services.manager.on('change', probe);
			services.power!.on('change', probe);
			services.inventory.on('change', probe);
			probe();
		});

	const dialogTitled = (title: string) => until(() => (ui.dialog && 'title' in ui.dialog && ui.dialog.title === title ? ui.dialog : undefined), `a dialog "${title}"`);
	const answer = (dialog: Dialog, yes: boolean) => {
		if (dialog.kind !== 'confirm') throw new Error(`not a question: ${'title' in dialog ? dialog.title : dialog.kind}: ${'message' in dialog ? dialog.message : ''}`);
		dialog.onAnswer(yes);
	};
	const openSession = (name: string) =>
		until(() => {
			if (ui.dialog && ui.dialog.kind === 'message') throw new Error(`${ui.dialog.title}: ${ui.dialog.message}`);
			return lab.built.services.manager.sessions.find(session => session.connection.spec.label === name && session.connection.state.kind === 'open');
		}, `an open session on ${name}`);

	test('restarting (starting): "wait and connect", the row counts the wait, then the session opens', async () => {
		lab.save(bastionProfile(lab.vm('web-01')));
		// Long enough for any machine; the test ends it (finish) once it has seen what it checks meanwhile.
		begin('web-01', 'restart', 600_000);
		await listed('web-01', 'starting');
		const outcome = await lab.plan('web-01');
		expect(outcome).toMatchObject({kind: 'error', waitable: 'running', powerState: 'starting'});
		expect(outcome.kind === 'error' && outcome.message).not.toMatch(/Start it first/);
		const report = await lab.doctor('web-01');
		expect(report.checks.find(check => check.id === 'power')).toMatchObject({status: 'warn', fix: expect.stringMatching(/Enter in the browser offers to wait/)});

		void connect.connect(lab.vm('web-01'));
		const question = await dialogTitled('web-01 is starting');
		expect(question.kind === 'confirm' && question).toMatchObject({message: 'web-01 (resource group rg-web) is starting. Wait until it runs, then connect?', yesLabel: 'wait and connect'});
		answer(question, true);
		// The browser row: the state ARM reports and the wait's elapsed time; the power keys say it is busy.
		const {services} = lab.built;
		const activity = services.power!.activity(lab.vm('web-01').id)!;
		expect(describeActivity(activity)).toMatch(/^waiting… \d+s$/);
		expect(lab.vm('web-01').powerState).toBe('starting');
		power.ask(lab.vm('web-01'), 'deallocate');
		expect(ui.notice?.text).toBe('vmux is waiting for web-01 to run: press Enter on it to stop waiting first.');
		expect(ui.dialog).toBeUndefined();

		lab.demo.azure.arm.power.finish('web-01');
		await openSession('web-01');
		expect(services.power!.activity(lab.vm('web-01').id)).toBeUndefined();
		expect(lab.vm('web-01').powerState).toBe('running');
	}, 60_000);

	test('deallocating: waits until it has stopped, then starts it (no 409 from starting too early) and connects', async () => {
		lab.save(bastionProfile(lab.vm('db-01')));
		begin('db-01', 'deallocate', 600_000);
		await listed('db-01', 'deallocating');
		const report = await lab.doctor('db-01');
		expect(report.checks.find(check => check.id === 'power')).toMatchObject({status: 'fail', fix: expect.stringMatching(/az vm start -g rg-data -n db-01.*Enter in the browser offers to wait, start it and connect/)});
		const arm = lab.demo.azure.arm;
		const firstRequest = arm.requests.length;
		arm.power.config.durationMs.start = 1000;

		void connect.connect(lab.vm('db-01'));
		const question = await dialogTitled('db-01 is deallocating');
		expect(question.kind === 'confirm' && question).toMatchObject({
			message: 'db-01 (resource group rg-data) is deallocating. Wait until it has stopped, then start it and connect?',
			yesLabel: 'wait, start and connect',
		});
		answer(question, true);
		// The row: waiting, then the start vmux runs, then the session.
		const row = () => {
			const activity = lab.built.services.power!.activity(lab.vm('db-01').id);
			return activity && describeActivity(activity);
		};
		expect(row()).toMatch(/^waiting… \d+s$/);
		arm.power.finish('db-01');
		await until(() => /^starting… \d+s$/.test(row() ?? '') || undefined, 'db-01 starting');
		await openSession('db-01');

		const starts = arm.requests.slice(firstRequest).filter(request => request.method === 'POST' && /\/virtualMachines\/db-01\/start$/i.test(request.path));
		expect(starts.map(request => request.status)).toEqual([202]);
		expect(arm.requests.slice(firstRequest).some(request => request.status === 409)).toBe(false);
	}, 60_000);

	test('bounded: a VM stuck starting gives up after the timeout, naming its state and the az command', async () => {
		// web-02 has no profile: the refusal comes before the editor, and offers the same wait.
		void connect.connect(lab.vm('web-02'));
		answer(await dialogTitled('web-02 is starting'), true);
		expect(describeActivity(lab.built.services.power!.activity(lab.vm('web-02').id)!)).toMatch(/^waiting… \d+s$/);
		const failure = await until(() => (ui.dialog?.kind === 'message' ? ui.dialog : undefined), 'the timeout', TIMEOUT_MS + 20_000);
		expect(failure.title).toBe('Stopped waiting for web-02');
		expect(failure.kind === 'message' && failure.message).toMatch(/^Gave up waiting for web-02 to run after \d+ s: it is still starting\. .*Activity log.* az vm get-instance-view -g rg-web -n web-02 --query instanceView\.statuses/);
		failure.kind === 'message' && failure.onClose();
		expect(lab.built.services.power!.activity(lab.vm('web-02').id)).toBeUndefined();
	}, 60_000);

	test('a read error while waiting (403) ends the wait with that reason', async () => {
		lab.save(bastionProfile(lab.vm('app-01')));
		begin('app-01', 'restart', 60_000);
		await listed('app-01', 'starting');
		void connect.connect(lab.vm('app-01'));
		answer(await dialogTitled('app-01 is starting'), true);
		const undeny = lab.demo.azure.arm.faults.deny({type: 'Microsoft.Compute/virtualMachines', scope: lab.vm('app-01').id});
		try {
			const failure = await until(() => (ui.dialog?.kind === 'message' ? ui.dialog : undefined), 'the read error');
			expect(failure.title).toBe('Stopped waiting for app-01');
			expect(failure.kind === 'message' && failure.message).toMatch(/^Stopped waiting for app-01: You need the Reader role on the virtual machine .*Azure refused 'Microsoft.Compute\/virtualMachines\/read'/);
			expect(failure.kind === 'message' && failure.message).not.toMatch(/\n\s+at /);
			failure.kind === 'message' && failure.onClose();
		} finally {
			undeny();
		}
	}, 60_000);

	test('Enter on a VM being waited for offers to stop waiting', async () => {
		lab.save(bastionProfile(lab.vm('dev-01')));
		begin('dev-01', 'restart', 60_000);
		await listed('dev-01', 'starting');
		void connect.connect(lab.vm('dev-01'));
		answer(await dialogTitled('dev-01 is starting'), true);
		await until(() => lab.built.services.power!.waiting(lab.vm('dev-01').id), 'the wait');
		void connect.connect(lab.vm('dev-01'));
		const stop = await dialogTitled('Waiting for dev-01');
		expect(stop.kind === 'confirm' && stop).toMatchObject({message: expect.stringMatching(/^vmux has been waiting \d+ s for dev-01 to run, to connect \(it is starting\)\. Stop waiting\?$/), yesLabel: 'stop waiting'});
		answer(stop, true);
		await until(() => ui.notice?.text === 'Stopped waiting for dev-01.' || undefined, 'the stop');
		expect(lab.built.services.power!.activity(lab.vm('dev-01').id)).toBeUndefined();
		expect(lab.built.services.manager.sessions.some(session => session.connection.spec.label === 'dev-01')).toBe(false);
	}, 60_000);

	test('a start that fails while vmux waits: said, with "start it and connect" offered', async () => {
		// legacy-01 deallocated at once, then a start that Azure fails (AllocationFailed): back to deallocated.
		begin('legacy-01', 'deallocate', 0);
		lab.demo.azure.arm.power.failNext({vmName: 'legacy-01', action: 'start'});
		begin('legacy-01', 'start', 600_000);
		await listed('legacy-01', 'starting');
		void connect.connect(lab.vm('legacy-01'));
		answer(await dialogTitled('legacy-01 is starting'), true);
		lab.demo.azure.arm.power.finish('legacy-01');
		const offer = await dialogTitled('legacy-01 is deallocated');
		expect(offer.kind === 'confirm' && offer).toMatchObject({
			message: expect.stringMatching(/^legacy-01 did not come up: it is deallocated now \(its start failed.*\)\. Start it now, and connect once it runs\?$/),
			yesLabel: 'start it and connect',
		});
		answer(offer, false);
		expect(lab.vm('legacy-01').powerState).toBe('deallocated');
	}, 60_000);

	test('vmux ssh --wait (openConnection with wait): a deallocating VM is waited for, started, and connected; without it, refused', async () => {
		const {services} = lab.built;
		const prompter = {confirmUnknownHostKey: async () => 'accept-once' as const, askSecret: async () => lab.demo.credentials.password};
		const profile = lab.save(bastionProfile(lab.vm('web-01'), undefined, {name: 'web-01-cli'}));
		begin('web-01', 'deallocate', 600_000);
		lab.demo.azure.arm.power.config.durationMs.start = 500;
		await listed('web-01', 'deallocating');
		await expect(openConnection(services, {profile, vm: lab.vm('web-01')}, {prompter, interactive: false})).rejects.toThrow(/^web-01 is deallocating\. Wait until it has stopped, then start it/);
		const lines: string[] = [];
		const opening = openConnection(services, {profile, vm: lab.vm('web-01')}, {prompter, interactive: false, wait: line => lines.push(line)});
		// The wait has begun (its first line is out) before the deallocation ends.
		for (let tries = 0; lines.length === 0 && tries < 300; tries++) await new Promise(resolve => setTimeout(resolve, 100));
		lab.demo.azure.arm.power.finish('web-01');
		const opened = await opening;
		// As vmux ssh does: the connection's own errors (a reset as it closes) are the caller's to take.
		opened.client.on('error', () => {});
		try {
			expect(lines[0]).toBe('web-01 is deallocating: waiting until it has stopped, to start it (at most 10 min; Ctrl-C stops)…');
			expect(lines).toContain('web-01 is deallocated: starting it…');
			expect(lines.at(-1)).toMatch(/^web-01 is running \(the start took \d+ s\)\.$/);
			const output = await new Promise<string>((resolve, reject) =>
				opened.client.exec('echo cli-$((6*7))', (error, channel) => {
					if (error) return reject(error);
					let text = '';
					channel.on('data', (chunk: Buffer) => (text += chunk.toString()));
					channel.on('close', () => resolve(text));
				}),
			);
			expect(output.trim()).toBe('cli-42');
		} finally {
			opened.close();
		}
	}, 60_000);

	test('quitting mid-wait ends the wait quietly (no throw, no hang)', async () => {
		begin('jump-01', 'restart', 60_000);
		const {power: control} = lab.built.services;
		const waiting = control!.wait(lab.vm('jump-01'), 'running');
		await until(() => control!.waiting(lab.vm('jump-01').id), 'the wait');
		control!.dispose();
		await expect(waiting).resolves.toMatchObject({kind: 'cancelled'});
		expect(control!.busy).toBe(false);
	}, 30_000);
});
