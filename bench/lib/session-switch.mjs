// Session switch under a flood (issue 12: "a session switch under flood shows the new screen within one
// frame"): with session/window 1 flooding and 0 focused, prefix 1 then prefix 0, each timed from the write to
// the arrival of the chunk after which the parsed screen is the other session's. Both programs bind
// prefix <digit> to select that window, so the keys are the same.
import {median, percentile, sleep} from './harness.mjs';
import {timeUntilScreen} from './split-screen.mjs';

const PREFIX = '\x02';

/** A row of the flood: 80 zeros then its token (`yes "$(printf '%080d' 0)" TOKEN`), cut at the pane's edge. */
const FLOOD_ROW = /^0{80} VMBFLOOD/;

/** The flooding session is on screen: nearly every row is a flood row (a line or two may be mid-draw). */
export const showsFlood = (lines) => lines.filter((line) => FLOOD_ROW.test(line)).length >= lines.length - 4;

/** The quiet session is on screen: no flood row anywhere, and a row starting with its prompt. */
export const showsQuiet = (prompt) => (lines) => !lines.some((line) => FLOOD_ROW.test(line)) && lines.some((line) => line.startsWith(prompt));

/**
 * `count` switches each way, `pauseMs` apart. Returns {toFloodMs, toQuietMs, all: {...}} with median and p95.
 * @param {{write(data: string): void}} app
 */
export async function measureSessionSwitch(app, {count = 20, pauseMs = 250, prompt, floodIndex = 1, quietIndex = 0}) {
	const toFlood = [];
	const toQuiet = [];
	for (let i = 0; i < count; i++) {
		toFlood.push(await timeUntilScreen(app, `${PREFIX}${floodIndex}`, showsFlood, 'switching to the flooding session'));
		await sleep(pauseMs);
		toQuiet.push(await timeUntilScreen(app, `${PREFIX}${quietIndex}`, showsQuiet(prompt), 'switching back to the quiet session'));
		await sleep(pauseMs);
	}
	const summary = (ms) => ({medianMs: median(ms), p95Ms: percentile(ms, 95), maxMs: Math.max(...ms), n: ms.length});
	const all = [...toFlood, ...toQuiet];
	return {toFlood: summary(toFlood), toQuiet: summary(toQuiet), all: summary(all)};
}
