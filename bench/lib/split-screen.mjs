// Reading a split screen the way a user sees it (which columns and rows are pane borders, where the panes
// are) and timing layout commands until the screen shows their result. Works alike for vmux (a title row
// per pane, `│` between side-by-side panes) and tmux (`│` and `─` borders), from the parsed outer screen.
import {median, percentile, sleep} from './harness.mjs';

const VERTICAL = '│';
const HORIZONTAL = '─';
/** A column is a border when this many rows have `│` in it (pane text has none in the benchmark). */
const MIN_BORDER_ROWS = 3;
/** A row is a border (tmux) or a title row (vmux) when it holds this many `─`. */
const MIN_RULE_CELLS = 10;

/** Columns holding `│` in at least MIN_BORDER_ROWS rows, with how many rows. */
export function verticalBorders(lines) {
	const counts = new Map();
	for (const line of lines) {
		for (let x = line.indexOf(VERTICAL); x >= 0; x = line.indexOf(VERTICAL, x + 1)) counts.set(x, (counts.get(x) ?? 0) + 1);
	}
	return [...counts].filter(([, rows]) => rows >= MIN_BORDER_ROWS).map(([x, rows]) => ({x, rows})).sort((a, b) => a.x - b.x);
}

/** Rows that are mostly a rule: tmux's border between stacked panes, vmux's pane title rows. */
export function ruleRows(lines) {
	const rows = [];
	lines.forEach((line, y) => {
		let cells = 0;
		for (let x = line.indexOf(HORIZONTAL); x >= 0; x = line.indexOf(HORIZONTAL, x + 1)) cells++;
		if (cells >= MIN_RULE_CELLS) rows.push(y);
	});
	return rows;
}

/**
 * What the layout looks like, as a string: every border column with its height and every rule row. A
 * border drawn halfway, or rows of the old layout still on screen, give a different string than the
 * finished layout does.
 */
export function layoutSignature(lines) {
	const columns = verticalBorders(lines).map(({x, rows}) => `${x}x${rows}`);
	return `|${columns.join(',')}|${ruleRows(lines).join(',')}`;
}

/**
 * With exactly one vertical border on screen: the pane left or right of it, as {from, to} (columns,
 * `to` exclusive) and its text per screen row (trailing blanks removed). Undefined otherwise.
 */
export function paneBeside(lines, side) {
	const borders = verticalBorders(lines);
	if (borders.length !== 1) return undefined;
	const {x} = borders[0];
	const from = side === 'left' ? 0 : x + 1;
	const to = side === 'left' ? x : Math.max(...lines.map((line) => line.length), x + 1);
	return {from, to, lines: lines.map((line) => line.slice(from, to).trimEnd())};
}

/** Whether the outer terminal's cursor (where the program put the user's cursor) is inside `pane`. */
export function cursorInPane(app, pane) {
	const x = app.term.buffer.active.cursorX;
	return x >= pane.from && x < pane.to;
}

/**
 * Writes `keys` and resolves with the ms from the write to the arrival of the output chunk after which
 * the parsed screen passes `test` (each chunk is parsed with its own callback, as in measureEcho).
 */
export function timeUntilScreen(app, keys, test, what, timeoutMs = 10_000) {
	let off;
	let timer;
	return new Promise((resolve, reject) => {
		const sentAt = performance.now();
		let done = false;
		off = app.onData((_data, at) => {
			app.term.write('', () => {
				if (done || at < sentAt || !test(app.lines())) return;
				done = true;
				resolve(at - sentAt);
			});
		});
		timer = setTimeout(() => {
			done = true;
			reject(new Error(`${what}: the screen did not change as expected within ${timeoutMs} ms. Screen:\n${app.screen()}`));
		}, timeoutMs);
		app.write(keys);
	}).finally(() => {
		off();
		clearTimeout(timer);
	});
}

/**
 * Writes `keys` and waits (untimed) for the layout they lead to: the signature once it differs from
 * before and has held for `quietMs`, or the old one when nothing changed within `noChangeMs` (e.g. the
 * preset layout that looks like the current one).
 */
async function settledLayout(app, keys, {quietMs = 500, noChangeMs = 1500, timeoutMs = 10_000} = {}) {
	await app.parsed();
	const before = layoutSignature(app.lines());
	const sentAt = performance.now();
	app.write(keys);
	let last = before;
	let changedAt = sentAt;
	for (;;) {
		await sleep(25);
		await app.parsed();
		const now = performance.now();
		const signature = layoutSignature(app.lines());
		if (signature !== last) {
			last = signature;
			changedAt = now;
		}
		if (last !== before && now - changedAt >= quietMs) return last;
		if (last === before && now - sentAt >= noChangeMs) return last;
		if (now - sentAt > timeoutMs) throw new Error(`the layout did not settle within ${timeoutMs} ms. Screen:\n${app.screen()}`);
	}
}

/**
 * Times a cycle of layout commands (`steps`, each {keys}), e.g. resize left then right, or next-layout as
 * many times as there are presets. A dry run learns the layout each step leads to; then the cycle runs
 * until `count` steps were timed, each from the keys to the chunk after which the screen shows that
 * layout. Steps that change nothing visible (a preset equal to the current layout) are taken untimed.
 * `pauseMs` between steps lets the output of the last one settle.
 * Returns {ms: [...], medianMs, p95Ms, untimed}.
 */
export async function measureLayoutCycle(app, steps, {count, pauseMs = 300, what}) {
	const expected = [];
	for (const step of steps) {
		expected.push(await settledLayout(app, step.keys));
		await sleep(pauseMs);
	}
	if (expected.every((signature, i) => signature === expected[(i + 1) % expected.length])) throw new Error(`${what}: the keys changed nothing on screen:\n${app.screen()}`);
	const ms = [];
	let untimed = 0;
	for (let i = 0; ms.length < count; i++) {
		const step = steps[i % steps.length];
		const target = expected[i % steps.length];
		await app.parsed();
		if (layoutSignature(app.lines()) === target) {
			// Known from the dry run to change nothing visible: a short wait for it to be taken.
			untimed++;
			await settledLayout(app, step.keys, {noChangeMs: pauseMs});
		} else {
			ms.push(await timeUntilScreen(app, step.keys, (lines) => layoutSignature(lines) === target, `${what} (step ${i % steps.length + 1} of ${steps.length})`));
		}
		await sleep(pauseMs);
	}
	// Whole cycles, so the layout ends where it started (resize and zoom come back; see the caller's order).
	for (let i = ms.length + untimed; i % steps.length !== 0; i++) await settledLayout(app, steps[i % steps.length].keys);
	return {ms, medianMs: median(ms), p95Ms: percentile(ms, 95), untimed};
}
