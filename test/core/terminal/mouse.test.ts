import xterm from '@xterm/headless';
import {afterEach, describe, expect, it} from 'vitest';
import {TerminalEmulator} from '../../../source/core/terminal/emulator.js';
import {
	encodeMouseEvent,
	isPartialSgrMouseReport,
	matchSgrMouseReport,
	parseSgrMouseReport,
	type MouseEncoding,
	type MouseEvent,
	type MouseTrackingMode,
} from '../../../source/core/terminal/mouse.js';

const {Terminal} = xterm;

const event = (kind: MouseEvent['kind'], button: MouseEvent['button'], x: number, y: number, mods: Partial<Pick<MouseEvent, 'shift' | 'alt' | 'ctrl'>> = {}): MouseEvent => ({
	kind,
	button,
	x,
	y,
	shift: false,
	alt: false,
	ctrl: false,
	...mods,
});

describe('SGR mouse reports from the user terminal', () => {
	it('reads presses, releases, drags, moves and the wheel with their modifiers, 0-based', () => {
		expect(parseSgrMouseReport('\x1b[<0;10;5M')).toEqual(event('press', 'left', 9, 4));
		expect(parseSgrMouseReport('\x1b[<0;10;5m')).toEqual(event('release', 'left', 9, 4));
		expect(parseSgrMouseReport('\x1b[<2;1;1M')).toEqual(event('press', 'right', 0, 0));
		expect(parseSgrMouseReport('\x1b[<1;300;120M')).toEqual(event('press', 'middle', 299, 119));
		expect(parseSgrMouseReport('\x1b[<32;11;5M')).toEqual(event('drag', 'left', 10, 4));
		expect(parseSgrMouseReport('\x1b[<35;11;5M')).toEqual(event('move', 'none', 10, 4));
		expect(parseSgrMouseReport('\x1b[<64;3;4M')).toEqual(event('wheel-up', 'none', 2, 3));
		expect(parseSgrMouseReport('\x1b[<65;3;4M')).toEqual(event('wheel-down', 'none', 2, 3));
		// Shift 4, Alt (Meta) 8, Ctrl 16.
		expect(parseSgrMouseReport('\x1b[<28;2;2M')).toEqual(event('press', 'left', 1, 1, {shift: true, alt: true, ctrl: true}));
		expect(parseSgrMouseReport('\x1b[<80;2;2M')).toEqual(event('wheel-up', 'none', 1, 1, {ctrl: true}));
	});

	it('knows a report it has no use for (sideways wheel, extra buttons) is still a report, and what is not one', () => {
		expect(matchSgrMouseReport('\x1b[<66;1;1Mrest')).toEqual({length: 10, event: undefined});
		expect(matchSgrMouseReport('\x1b[<128;1;1M')).toEqual({length: 11, event: undefined});
		expect(matchSgrMouseReport('\x1b[<0;10;5Mls')).toEqual({length: 10, event: event('press', 'left', 9, 4)});
		expect(matchSgrMouseReport('\x1b[A').length).toBe(0);
		expect(matchSgrMouseReport('\x1b[<0;10M').length).toBe(0);
		expect(parseSgrMouseReport('\x1b[<0;10;5Mx')).toBeUndefined();
		// Column or row 0 does not exist.
		expect(parseSgrMouseReport('\x1b[<0;0;5M')).toBeUndefined();
	});

	it('tells a report cut short by a read from anything else', () => {
		for (const part of ['\x1b[<', '\x1b[<0', '\x1b[<0;1', '\x1b[<0;10;']) expect(isPartialSgrMouseReport(part)).toBe(true);
		for (const other of ['\x1b', '\x1b[', '\x1b[<0;1;1M', '\x1b[<a', 'x\x1b[<']) expect(isPartialSgrMouseReport(other)).toBe(false);
	});
});

/** xterm.js's own encoder (CoreMouseService), driven through its internal API, for the modes it still implements. */
class XtermEncoder {
	private readonly term = new Terminal({cols: 300, rows: 300, allowProposedApi: true});
	private out: number[] = [];

	constructor() {
		this.term.onData(data => this.out.push(...Buffer.from(data, 'utf8')));
		this.term.onBinary(data => this.out.push(...Buffer.from(data, 'latin1')));
	}

	async setModes(sequence: string): Promise<void> {
		await new Promise<void>(done => this.term.write(sequence, done));
	}

	encode(e: MouseEvent): Buffer | undefined {
		const service = (this.term as unknown as {_core: {coreMouseService: {triggerMouseEvent(e: object): boolean; _lastEvent: unknown}}})._core.coreMouseService;
		service._lastEvent = null;
		this.out = [];
		const wheel = e.kind === 'wheel-up' || e.kind === 'wheel-down';
		const button = wheel ? 4 : {left: 0, middle: 1, right: 2, none: 3}[e.button];
		const action = {press: 1, release: 0, drag: 32, move: 32, 'wheel-up': 0, 'wheel-down': 1}[e.kind];
		service.triggerMouseEvent({col: e.x, row: e.y, x: 0, y: 0, button, action, shift: e.shift, alt: e.alt, ctrl: e.ctrl});
		return this.out.length > 0 ? Buffer.from(this.out) : undefined;
	}

	dispose(): void {
		this.term.dispose();
	}
}

describe('mouse events for the remote, as xterm.js encodes them', () => {
	const cleanups: Array<() => void> = [];
	afterEach(() => {
		for (const cleanup of cleanups.splice(0)) cleanup();
	});

	const trackings: Array<[MouseTrackingMode, string]> = [
		['x10', '\x1b[?9h'],
		['vt200', '\x1b[?1000h'],
		['drag', '\x1b[?1002h'],
		['any', '\x1b[?1003h'],
	];
	const encodings: Array<[MouseEncoding, string]> = [
		['default', ''],
		['sgr', '\x1b[?1006h'],
	];
	const events: MouseEvent[] = [];
	for (const [x, y] of [
		[0, 0],
		[9, 4],
		[94, 95],
		[222, 10],
		[223, 10],
		[10, 250],
	] as const) {
		for (const button of ['left', 'middle', 'right'] as const) {
			events.push(event('press', button, x, y), event('release', button, x, y), event('drag', button, x, y));
		}
		events.push(event('move', 'none', x, y), event('wheel-up', 'none', x, y), event('wheel-down', 'none', x, y));
		events.push(event('press', 'left', x, y, {shift: true}), event('release', 'right', x, y, {alt: true}), event('drag', 'middle', x, y, {ctrl: true}));
		events.push(event('wheel-down', 'none', x, y, {shift: true, alt: true, ctrl: true}), event('move', 'none', x, y, {alt: true}));
	}

	for (const [tracking, setTracking] of trackings) {
		for (const [encoding, setEncoding] of encodings) {
			it(`${tracking} tracking, ${encoding} encoding: the same bytes as xterm.js for ${events.length} events`, async () => {
				const reference = new XtermEncoder();
				cleanups.push(() => reference.dispose());
				await reference.setModes(setTracking + setEncoding);
				let reported = 0;
				for (const e of events) {
					const ours = encodeMouseEvent(e, {tracking, encoding});
					expect(ours?.toString('latin1'), JSON.stringify(e)).toBe(reference.encode(e)?.toString('latin1'));
					if (ours) reported++;
				}
				// The comparison must compare something: every mode reports some of these events.
				expect(reported).toBeGreaterThan(0);
			});
		}
	}

	it('byte vectors: the X10 bytes, SGR, and nothing past the legacy limit', () => {
		const vt200 = (encoding: MouseEncoding) => ({tracking: 'vt200' as const, encoding});
		expect([...encodeMouseEvent(event('press', 'left', 9, 4), vt200('default'))!]).toEqual([0x1b, 0x5b, 0x4d, 32, 32 + 10, 32 + 5]);
		expect([...encodeMouseEvent(event('release', 'right', 9, 4), vt200('default'))!]).toEqual([0x1b, 0x5b, 0x4d, 32 + 3, 42, 37]);
		expect([...encodeMouseEvent(event('press', 'left', 222, 0), vt200('default'))!]).toEqual([0x1b, 0x5b, 0x4d, 32, 255, 33]);
		expect(encodeMouseEvent(event('press', 'left', 223, 0), vt200('default'))).toBeUndefined();
		expect(encodeMouseEvent(event('release', 'right', 9, 4), vt200('sgr'))!.toString()).toBe('\x1b[<2;10;5m');
		expect(encodeMouseEvent(event('wheel-up', 'none', 9, 4, {ctrl: true}), vt200('sgr'))!.toString()).toBe('\x1b[<80;10;5M');
		expect(encodeMouseEvent(event('drag', 'left', 9, 4), vt200('sgr'))).toBeUndefined();
		expect(encodeMouseEvent(event('press', 'left', 9, 4), {tracking: 'none', encoding: 'sgr'})).toBeUndefined();
	});

	it('byte vectors: UTF-8 (1005) past column 95 and up to 2015, URXVT (1015) in decimal', () => {
		const utf8 = {tracking: 'drag' as const, encoding: 'utf8' as const};
		expect([...encodeMouseEvent(event('press', 'left', 9, 4), utf8)!]).toEqual([0x1b, 0x5b, 0x4d, 32, 42, 37]);
		// Column 96 (1-based) is 128 with the offset: two UTF-8 bytes; the button and row stay one byte each.
		expect([...encodeMouseEvent(event('drag', 'right', 95, 4), utf8)!]).toEqual([0x1b, 0x5b, 0x4d, 32 + 34, 0xc2, 0x80, 37]);
		expect([...encodeMouseEvent(event('press', 'left', 2014, 0), utf8)!]).toEqual([0x1b, 0x5b, 0x4d, 32, 0xdf, 0xbf, 33]);
		expect(encodeMouseEvent(event('press', 'left', 2015, 0), utf8)).toBeUndefined();
		const urxvt = {tracking: 'vt200' as const, encoding: 'urxvt' as const};
		expect(encodeMouseEvent(event('press', 'middle', 299, 4), urxvt)!.toString()).toBe('\x1b[33;300;5M');
		expect(encodeMouseEvent(event('release', 'middle', 299, 4), urxvt)!.toString()).toBe('\x1b[35;300;5M');
		expect(encodeMouseEvent(event('wheel-down', 'none', 0, 0, {shift: true}), urxvt)!.toString()).toBe('\x1b[101;1;1M');
	});
});

describe('the emulator tracks the encoding the remote asked for', () => {
	it('follows 1005, 1006 and 1015 (the last set wins, resetting it goes back to the X10 bytes, RIS clears it)', async () => {
		const emulator = new TerminalEmulator({cols: 80, rows: 24});
		const feed = async (data: string) => {
			emulator.write(data);
			await emulator.flush();
		};
		expect(emulator.modes).toMatchObject({mouseTracking: 'none', mouseEncoding: 'default'});
		await feed('\x1b[?1000;1006h');
		expect(emulator.modes).toMatchObject({mouseTracking: 'vt200', mouseEncoding: 'sgr'});
		await feed('\x1b[?1015h');
		expect(emulator.modes.mouseEncoding).toBe('urxvt');
		// Resetting an encoding that is not the current one changes nothing.
		await feed('\x1b[?1005l');
		expect(emulator.modes.mouseEncoding).toBe('urxvt');
		await feed('\x1b[?1015l');
		expect(emulator.modes.mouseEncoding).toBe('default');
		await feed('\x1b[?1005h\x1b[?1003h');
		expect(emulator.modes).toMatchObject({mouseTracking: 'any', mouseEncoding: 'utf8'});
		await feed('\x1bc');
		expect(emulator.modes).toMatchObject({mouseTracking: 'none', mouseEncoding: 'default'});
		emulator.dispose();
	});
});
