import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {CommandDispatcher, type CommandTarget} from '../../../source/app/commands/dispatcher.js';
import {InputRouter, type KeystrokeSink} from '../../../source/app/input/input-router.js';
import type {CommandPlace} from '../../../source/core/commands/command-table.js';
import {buildKeymap} from '../../../source/core/commands/keymap.js';

/**
 * The real input router, dispatcher and keymap over a model of the app that records what commands do:
 * keys typed as bytes, as the terminal sends them.
 */
function harness(overrides?: unknown) {
	const app = {place: 'browser' as CommandPlace, dialog: false, filtering: false, sessions: 1, ran: [] as string[]};
	const session: KeystrokeSink & {received: string} = {
		received: '',
		sendInput(data) {
			session.received += data.toString('latin1');
		},
	};
	const record =
		(name: string) =>
		(...args: unknown[]) => {
			app.ran.push(args.length > 0 ? `${name}(${args.join(',')})` : name);
			return true;
		};
	const target: CommandTarget = {
		state: () => (app.dialog ? undefined : {place: app.place, sessions: app.sessions, vmSelected: true, filterQuery: false, copyMode: false}),
		actions: {
			browser: {
				move: record('move'),
				movePage: record('movePage'),
				moveTo: record('moveTo'),
				startFilter: () => {
					app.ran.push('startFilter');
					app.filtering = true;
				},
				clearFilter: record('clearFilter'),
				cycleSort: record('cycleSort'),
				connect: record('connect'),
				editProfile: record('editProfile'),
				newProfile: record('newProfile'),
				deleteProfile: record('deleteProfile'),
				doctor: record('doctor'),
				refresh: record('refresh'),
				chooseSubscriptions: record('chooseSubscriptions'),
				signIn: record('signIn'),
				power: record('power'),
				portalLink: record('portalLink'),
				files: record('browserFiles'),
			},
			sessions: {
				enter: () => {
					app.ran.push('enter');
					app.place = 'session';
					return true;
				},
				next: record('next'),
				select: record('select'),
				picker: record('picker'),
				newShell: record('newShell'),
				detach: record('detach'),
				close: record('close'),
				reconnect: record('reconnect'),
				toggleMark: record('toggleMark'),
				toggleBroadcast: record('toggleBroadcast'),
				copyMode: record('copyMode'),
				paste: record('paste'),
				sendPrefix: () => session.sendInput(Buffer.from([0x02])),
				toggleRecording: record('toggleRecording'),
				split: record('split'),
				splitPick: record('splitPick'),
				selectPane: record('selectPane'),
				nextPane: record('nextPane'),
				resizePane: record('resizePane'),
				zoom: record('zoom'),
				nextLayout: record('nextLayout'),
				breakPane: record('breakPane'),
				renameWindow: record('renameWindow'),
				forwards: record('forwards'),
			},
			copyMode: {
				move: record('move'),
				search: record('search'),
				searchAgain: record('searchAgain'),
				select: record('select'),
				copy: record('copy'),
				cancel: record('cancel'),
			},
			help: record('help'),
			recordings: record('recordings'),
			files: record('files'),
			quit: () => {
				app.ran.push('quit');
				app.dialog = true;
			},
		},
	};
	const {keymap, notices} = buildKeymap({prefixKey: 'C-b', overrides});
	const views: string[] = [];
	const appInput = new PassThrough({objectMode: true});
	appInput.on('data', (key: string) => views.push(key));
	const router = new InputRouter(appInput, 0x02);
	router.follow(() => ({
		inputSession: app.place === 'session' && !app.dialog ? session : undefined,
		prefixInAppMode: true,
		plainKeys: app.place === 'browser' && !app.dialog && !app.filtering ? ('root' as const) : undefined,
	}));
	router.dispatchTo(new CommandDispatcher(keymap, target));
	const type = async (keys: string) => {
		router.feed(Buffer.from(keys, 'utf8'));
		for (let i = 0; i < 50; i++) await new Promise(done => setTimeout(done, 0));
	};
	return {app, session, views, type, notices};
}

describe('keys reach commands through one router and the command table', () => {
	it('runs the browser commands bound to plain keys, and gives the views only the keys no command took', async () => {
		const {app, views, type} = harness();
		await type('jk\x1b[Bo!ez\x1b[6~');
		expect(app.ran).toEqual(['move(1)', 'move(-1)', 'move(1)', 'cycleSort', 'doctor', 'editProfile', 'movePage(1)']);
		expect(views).toEqual(['z']);
	});

	it('runs the VM power keys and the portal link on the selected VM (issue 13 §5)', async () => {
		const {app, type} = harness();
		await type('UXRB');
		expect(app.ran).toEqual(['power(start)', 'power(deallocate)', 'power(restart)', 'portalLink']);
	});

	it('gives typed text to the filter box once / opened it, in the same burst', async () => {
		const {app, views, type} = harness();
		await type('/jump\r');
		expect(app.ran).toEqual(['startFilter']);
		expect(views).toEqual(['j', 'u', 'm', 'p', '\r']);
	});

	it('never takes pasted text as commands', async () => {
		const {app, views, type} = harness();
		await type('\x1b[200~q!\x1b[201~');
		expect(app.ran).toEqual([]);
		expect(views).toEqual(['q', '!']);
	});

	it('runs nothing while a dialog is up: a command that opens one hands it the next key', async () => {
		const {app, views, type} = harness();
		await type('qy');
		expect(app.ran).toEqual(['quit']);
		expect(views).toEqual(['y']);
		await type('\x02c');
		expect(app.ran).toEqual(['quit']);
	});

	it('runs session commands after the prefix, where they apply, and sends the prefix typed twice to the session', async () => {
		const {app, session, type} = harness();
		await type('\x02c');
		expect(app.ran).toEqual([]);
		await type('\x02n');
		expect(app.ran).toEqual(['enter']);
		await type('ls\x02c\x02n\x023\x02\x02x');
		expect(app.ran).toEqual(['enter', 'newShell', 'next(1)', 'select(3)']);
		expect(session.received).toBe('ls\x02x');
		// Broadcast: prefix m marks, prefix b toggles; neither key reaches the session.
		await type('\x02m\x02b');
		expect(app.ran.slice(-2)).toEqual(['toggleMark', 'toggleBroadcast']);
		expect(session.received).toBe('ls\x02x');
	});

	it('follows settings.json: a moved key, an unbound one, a session command on another prefix key', async () => {
		const {app, views, type, notices} = harness({sort: 'S', doctor: 'none', 'new-window': 'prefix C', refresh: 'C-r'});
		expect(notices).toEqual([]);
		await type('So!\x12');
		expect(app.ran).toEqual(['cycleSort', 'refresh']);
		expect(views).toEqual(['o', '!']);
		app.place = 'session';
		await type('\x02c\x02C');
		expect(app.ran).toEqual(['cycleSort', 'refresh', 'newShell']);
	});
});
