/**
 * Mouse reports, both ways (issue 11 §4).
 *
 * In: vmux asks the user's terminal for SGR reports (DECSET 1000 + 1002 + 1006) and reads them from stdin:
 * `ESC [ < b ; x ; y M` for a press, drag or wheel notch, `... m` for a release.
 *
 * Out: a remote program that asked for the mouse (vim `mouse=a`, htop) gets each event in the tracking mode
 * and the encoding it asked for, the way xterm.js (the engine vmux emulates the remote's screen with) would
 * send it: the same button codes, the same events kept or dropped per mode, the same coordinate limit of the
 * legacy encoding. xterm.js no longer implements the UTF-8 (1005) and URXVT (1015) encodings; those follow
 * XTerm's own rules.
 */

/** Which events the remote asked for: DECSET 9 (x10), 1000 (vt200), 1002 (drag), 1003 (any); xterm.js's names. */
export type MouseTrackingMode = 'none' | 'x10' | 'vt200' | 'drag' | 'any';

export type MouseEventKind = 'press' | 'release' | 'drag' | 'move' | 'wheel-up' | 'wheel-down';
/** `none`: a move with no button held (and the wheel, which has no button of its own). */
export type MouseButton = 'left' | 'middle' | 'right' | 'none';

export interface MouseEvent {
	kind: MouseEventKind;
	button: MouseButton;
	/** 0-based column and row. */
	x: number;
	y: number;
	shift: boolean;
	alt: boolean;
	ctrl: boolean;
}

/** How a report's coordinates and button travel (DECSET 1005, 1006, 1015; none of them: the X10 bytes). */
export type MouseEncoding = 'default' | 'utf8' | 'sgr' | 'urxvt';

/** The DEC private modes that choose an encoding, by number. */
export const MOUSE_ENCODING_MODES: Readonly<Record<number, MouseEncoding>> = {1005: 'utf8', 1006: 'sgr', 1015: 'urxvt'};

/** What the remote asked for: which events (9, 1000, 1002, 1003) and how to encode them. */
export interface MouseModes {
	tracking: MouseTrackingMode;
	encoding: MouseEncoding;
}

/** A complete SGR report at the start of a string; group 1 the button code, 2 and 3 the 1-based cell, 4 press or release. */
const SGR_REPORT = /^\x1b\[<(\d{1,4});(\d{1,5});(\d{1,5})([Mm])/;
/** What an SGR report looks like before all of it has arrived (a read may cut one). */
const SGR_REPORT_START = /^\x1b(?:\[(?:<[\d;]*)?)?$/;

const BUTTONS: readonly MouseButton[] = ['left', 'middle', 'right', 'none'];
const BUTTON_CODES: Record<MouseButton, number> = {left: 0, middle: 1, right: 2, none: 3};

const SHIFT = 4;
const ALT = 8;
const CTRL = 16;
const MOTION = 32;
const WHEEL = 64;
/** Buttons 8-11 (back, forward, ...): reported, but nothing vmux or a remote program here acts on. */
const EXTRA_BUTTONS = 128;

/**
 * Reads the SGR report `text` starts with. `length` is how many characters it takes (0 when `text` does not
 * start with one); `event` is undefined for a report vmux has no use for (a sideways wheel, extra buttons),
 * which is still a report and never typed text.
 */
export function matchSgrMouseReport(text: string): {length: number; event: MouseEvent | undefined} {
	const match = SGR_REPORT.exec(text);
	if (!match) return {length: 0, event: undefined};
	return {length: match[0].length, event: decodeSgr(Number(match[1]), Number(match[2]), Number(match[3]), match[4] === 'm')};
}

/** Whether `text` (the end of what has been read) could be the first part of an SGR report still arriving. */
export function isPartialSgrMouseReport(text: string): boolean {
	return text.startsWith('\x1b[<') && SGR_REPORT_START.test(text);
}

/**
 * A report in the old X10 encoding (`ESC [ M` and three bytes: button + 32, column + 32, row + 32), which a
 * terminal without SGR mode (1006) sends for the 1000/1002 vmux asks for: read as a report too, so a click
 * there never reaches a shell as typed bytes. `text` holds one character per byte (latin1).
 */
export function matchX10MouseReport(text: string): {length: number; event: MouseEvent | undefined} {
	if (!text.startsWith('\x1b[M') || text.length < 6) return {length: 0, event: undefined};
	const code = text.charCodeAt(3) - 32;
	const column = text.charCodeAt(4) - 32;
	const row = text.charCodeAt(5) - 32;
	// X10 says "released" without saying which button: the left one is the only one vmux acts on.
	const release = (code & 3) === 3 && (code & (MOTION | WHEEL)) === 0;
	const event = release ? decodeSgr(code & ~3, column, row, true) : decodeSgr(code, column, row, false);
	return {length: 6, event};
}

/** An SGR or an X10 report at the start of `text` (see both). */
export function matchMouseReport(text: string): {length: number; event: MouseEvent | undefined} {
	return text.startsWith('\x1b[<') ? matchSgrMouseReport(text) : matchX10MouseReport(text);
}

/** Whether `text` could be the first part of a mouse report still arriving (SGR, or X10's six bytes). */
export function isPartialMouseReport(text: string): boolean {
	return isPartialSgrMouseReport(text) || (text.startsWith('\x1b[M') && text.length < 6);
}

/** Where the next mouse report starts in `text`, from `from` on; -1 when none does. */
export function nextMouseReportAt(text: string, from: number): number {
	const sgr = text.indexOf('\x1b[<', from);
	const x10 = text.indexOf('\x1b[M', from);
	if (sgr === -1) return x10;
	return x10 === -1 ? sgr : Math.min(sgr, x10);
}

/** One SGR report, parsed; undefined when it is not a complete one or names nothing vmux handles. */
export function parseSgrMouseReport(report: string): MouseEvent | undefined {
	const {length, event} = matchSgrMouseReport(report);
	return length === report.length ? event : undefined;
}

function decodeSgr(code: number, column: number, row: number, release: boolean): MouseEvent | undefined {
	if (code & EXTRA_BUTTONS || column < 1 || row < 1) return undefined;
	const base = {x: column - 1, y: row - 1, shift: (code & SHIFT) !== 0, alt: (code & ALT) !== 0, ctrl: (code & CTRL) !== 0};
	const low = code & 3;
	if (code & WHEEL) {
		// 64/65: up and down; 66/67 scroll sideways, which neither copy mode nor the remote's modes here use.
		if (low > 1 || release) return undefined;
		return {kind: low === 0 ? 'wheel-up' : 'wheel-down', button: 'none', ...base};
	}
	const button = BUTTONS[low]!;
	if (code & MOTION) return {kind: button === 'none' ? 'move' : 'drag', button, ...base};
	if (button === 'none') return undefined;
	return {kind: release ? 'release' : 'press', button, ...base};
}

/** Which events each tracking mode reports (xterm.js's CoreMouseService protocols). */
function reported(event: MouseEvent, tracking: MouseTrackingMode): boolean {
	switch (tracking) {
		case 'none':
			return false;
		case 'x10':
			// X10 compatibility: button presses only, no wheel.
			return event.kind === 'press';
		case 'vt200':
			return event.kind !== 'drag' && event.kind !== 'move';
		case 'drag':
			return event.kind !== 'move';
		case 'any':
			return true;
	}
}

/** The button code of a report (before the +32 of the byte encodings). */
function buttonCode(event: MouseEvent, tracking: MouseTrackingMode, encoding: MouseEncoding): number {
	// X10 mode never reports modifiers.
	let code = tracking === 'x10' ? 0 : (event.shift ? SHIFT : 0) | (event.alt ? ALT : 0) | (event.ctrl ? CTRL : 0);
	switch (event.kind) {
		case 'wheel-up':
			return code | WHEEL;
		case 'wheel-down':
			return code | WHEEL | 1;
		case 'drag':
		case 'move':
			return code | MOTION | BUTTON_CODES[event.button];
		case 'release':
			// Only SGR says which button was released; the others send "3" for any release.
			return code | (encoding === 'sgr' ? BUTTON_CODES[event.button] : 3);
		case 'press':
			code |= BUTTON_CODES[event.button];
			return code;
	}
}

/** The legacy encoding's last coordinate (1-based): 255 - 32. */
export const X10_COORDINATE_LIMIT = 223;
/** The UTF-8 encoding's last coordinate (1-based): two-byte UTF-8 ends at 2047, less 32. */
export const UTF8_COORDINATE_LIMIT = 2015;

/**
 * The bytes a remote in `modes` expects for `event` (0-based cell of its screen), or undefined when its mode
 * does not report this event, or the legacy encodings cannot express the cell (past column or row 223, or
 * 2015 for UTF-8; xterm.js drops such events too).
 */
export function encodeMouseEvent(event: MouseEvent, modes: MouseModes): Buffer | undefined {
	const {tracking, encoding} = modes;
	if (!reported(event, tracking)) return undefined;
	const code = buttonCode(event, tracking, encoding);
	const x = event.x + 1;
	const y = event.y + 1;
	if (x < 1 || y < 1) return undefined;
	switch (encoding) {
		case 'sgr': {
			// Wheel notches are "presses" only; every other event says press or release by its final byte.
			const final = event.kind === 'release' ? 'm' : 'M';
			return Buffer.from(`\x1b[<${code};${x};${y}${final}`, 'latin1');
		}
		case 'urxvt':
			return Buffer.from(`\x1b[${code + 32};${x};${y}M`, 'latin1');
		case 'utf8':
			if (x > UTF8_COORDINATE_LIMIT || y > UTF8_COORDINATE_LIMIT) return undefined;
			return Buffer.from(`\x1b[M${String.fromCharCode(code + 32, x + 32, y + 32)}`, 'utf8');
		case 'default':
			if (x > X10_COORDINATE_LIMIT || y > X10_COORDINATE_LIMIT) return undefined;
			return Buffer.from([0x1b, 0x5b, 0x4d, code + 32, x + 32, y + 32]);
	}
}
