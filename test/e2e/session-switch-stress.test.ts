import {afterAll, describe, expect, it} from 'vitest';
import {VmuxPty} from './pty-driver.js';
import {PREFIX, JUMP_PROMPT as PROMPT} from './demo-steps.js';
import {seededRandom} from '../helpers/seeded-random.js';

/**
 * Seeded, randomized session switching in the built app, in a real PTY with CI unset (issue 8: a tag typed
 * right after a switch went to the session being left, and the pane and tab bar disagreed with where keys
 * went). Random sequences of `c`/`n`/`p`/digits/`w`/`d`, random 0-300 ms gaps, chunks that hold the prefix,
 * the command and the next keys together, and floods in some sessions. After every step the invariant is
 * checked against a model of what tmux-like switching should do: the tab bar focuses the model's session,
 * and a tag typed now is received by that session and shows in the painted pane.
 *
 * Reproduce one run: VMUX_STRESS_SEEDS=1234 VMUX_STRESS_STEPS=60 npx vitest run test/e2e/session-switch-stress
 */

const SEEDS = (process.env.VMUX_STRESS_SEEDS ?? '11,23,37').split(',').map(Number);
const STEPS = Number(process.env.VMUX_STRESS_STEPS ?? 24);
const MAX_SESSIONS = 5;

const sleep = (ms: number) => new Promise(done => setTimeout(done, ms));

interface Model {
	/** Session ids (the value of $S in each shell), in tab order. */
	sessions: number[];
	focused: number;
	view: 'sessions' | 'browser';
	nextId: number;
}

type Step = {name: string; writes: Array<string | number>; apply(model: Model): void};

/** One random step: the keys to write (strings, and pauses in ms between them) and its effect on the model. */
function pickStep(rnd: () => number, model: Model): Step {
	const gap = () => Math.floor(rnd() * 300);
	// The prefix and its command in one chunk, or apart with a pause (both are how people type).
	const prefixed = (key: string): Array<string | number> => (rnd() < 0.5 ? [PREFIX + key] : [PREFIX, gap(), key]);
	const inSessions = model.view === 'sessions';
	const roll = rnd();
	if (roll < 0.2 && inSessions && model.sessions.length < MAX_SESSIONS) {
		const id = model.nextId;
		// The new shell's identity typed in the same chunk as `Ctrl-b c`: type-ahead must reach the new shell.
		return {
			name: 'c',
			writes: [...prefixed('c'), `S=${id}; clear\r`],
			apply: m => {
				m.sessions.push(id);
				m.focused = m.sessions.length - 1;
				m.nextId += 1;
			},
		};
	}
	if (roll < 0.4) {
		return {
			name: 'n',
			writes: prefixed('n'),
			apply: m => {
				if (m.view === 'sessions') m.focused = (m.focused + 1) % m.sessions.length;
				m.view = 'sessions';
			},
		};
	}
	if (roll < 0.55) {
		return {
			name: 'p',
			writes: prefixed('p'),
			apply: m => {
				if (m.view === 'sessions') m.focused = (m.focused - 1 + m.sessions.length) % m.sessions.length;
				m.view = 'sessions';
			},
		};
	}
	if (roll < 0.7) {
		// Sometimes a digit past the last session: vmux keeps the focus where it was.
		const digit = Math.floor(rnd() * (model.sessions.length + 1));
		return {
			name: `${digit}`,
			writes: prefixed(String(digit)),
			apply: m => {
				if (digit < m.sessions.length) m.focused = digit;
				m.view = 'sessions';
			},
		};
	}
	if (roll < 0.8) {
		const digit = Math.floor(rnd() * model.sessions.length);
		return {
			name: `w ${digit}`,
			writes: [...prefixed('w'), gap(), String(digit)],
			apply: m => {
				m.focused = digit;
				m.view = 'sessions';
			},
		};
	}
	if (roll < 0.88 && inSessions) {
		return {name: 'd', writes: prefixed('d'), apply: m => {
			m.view = 'browser';
		}};
	}
	if (inSessions) {
		// A bounded flood in the focused session; the next steps switch away and back while it streams.
		const lines = 2000 + Math.floor(rnd() * 30_000);
		return {name: `flood ${lines}`, writes: [`yes ${'x'.repeat(90)} | head -n ${lines}\r`], apply: () => {}};
	}
	return {name: 'n', writes: prefixed('n'), apply: m => {
		m.view = 'sessions';
	}};
}

/** The focused tab's index, read from the inverse cells of the tab bar. */
function focusedTab(vmux: VmuxPty): number | undefined {
	const match = /(\d+):jump-01/.exec(vmux.inverseText(0));
	return match ? Number(match[1]) : undefined;
}

describe('session switching under random keys, gaps and floods (seeded)', () => {
	const runs: string[] = [];
	afterAll(() => {
		if (runs.length > 0) console.log(`session-switch stress: ${runs.join('; ')}`);
	});

	for (const seed of SEEDS) {
		it(`seed ${seed}: the focused tab, the painted pane and the session that receives a typed tag agree after every step`, {timeout: 240_000}, async () => {
			const rnd = seededRandom(seed);
			const vmux = new VmuxPty(['--demo']);
			const log: string[] = [];
			try {
				await vmux.waitFor('jump-01', 30_000);
				vmux.write('/jump\r');
				await vmux.waitFor('Unknown host key', 30_000);
				vmux.write('s');
				await vmux.waitFor(PROMPT, 30_000);
				vmux.write('S=0; clear\r');
				const model: Model = {sessions: [0], focused: 0, view: 'sessions', nextId: 1};
				for (let step = 0; step < STEPS; step++) {
					const next = pickStep(rnd, model);
					log.push(next.name);
					for (const write of next.writes) {
						if (typeof write === 'number') await sleep(write);
						else vmux.write(write);
					}
					next.apply(model);
					// Half the time the tag follows at once (often in the same read as the command); else after a pause.
					if (rnd() < 0.5) await sleep(Math.floor(rnd() * 300));
					const context = () => `seed ${seed}, step ${step} (${log.join(' ')}), model ${JSON.stringify(model)}`;
					if (model.view === 'browser') {
						await vmux.waitFor(/live sessions? \(/, 20_000).catch(error => {
							throw new Error(`${context()}: the browser did not show. ${(error as Error).message}`);
						});
						continue;
					}
					const expected = model.sessions[model.focused]!;
					const tag = `t${seed}x${step}`;
					// Computed by the shell, so the typed line itself never matches: only the shell's answer does.
					vmux.write(`echo "${tag}=s\${S:-unset}" | tr x X\r`);
					const answer = new RegExp(`${tag.replace('x', 'X')}=s(\\w+)`);
					const screen = await vmux.waitFor(answer, 60_000).catch(error => {
						throw new Error(`${context()}: the tag typed now never showed in the painted pane. ${(error as Error).message}`);
					});
					const receiver = answer.exec(screen)![1];
					expect(receiver, `${context()}: the tag went to session $S=${receiver}, not ${expected}`).toBe(String(expected));
					// Ink draws the tab bar on its own frame clock: give it a moment, then it must agree.
					const deadline = Date.now() + 10_000;
					while (focusedTab(vmux) !== model.focused && Date.now() < deadline) await vmux.waitFor(/./, 1000).then(() => sleep(50));
					expect(focusedTab(vmux), `${context()}: the tab bar focuses another tab. Screen:\n${vmux.screen()}`).toBe(model.focused);
				}
				runs.push(`seed ${seed}: ${STEPS} steps, ${model.sessions.length} sessions`);
			} finally {
				vmux.dispose();
			}
		});
	}
});
