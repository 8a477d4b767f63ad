import {cleanup, render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {HelpView} from '../../../source/app/views/help/HelpView.js';
import {COMMANDS} from '../../../source/core/commands/command-table.js';
import {helpSections, keysText} from '../../../source/core/commands/help-rows.js';
import {buildKeymap, defaultKeymap} from '../../../source/core/commands/keymap.js';
import {KEY, press, screen, waitForScreen} from '../profile-editor/helpers.js';

afterEach(() => cleanup());

function show(options: {sections?: ReturnType<typeof helpSections>; first?: 'browser' | 'session'; width?: number; height?: number} = {}) {
	let closed = 0;
	const view = render(
		<HelpView sections={options.sections ?? helpSections(defaultKeymap())} first={options.first ?? 'browser'} width={options.width ?? 120} height={options.height ?? 100} onClose={() => closed++} />,
	);
	return {...view, closed: () => closed};
}

/** The screen's row that lists a command, by its name column. */
const rowOf = (text: string, name: string) => text.split('\n').find(line => new RegExp(`\\s${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s`).test(line));

describe('the ? view, generated from the command table', () => {
	it('shows every command with its keys and its name', () => {
		const {lastFrame} = show();
		const text = screen(lastFrame);
		for (const command of COMMANDS) {
			const name = command.family?.name ?? command.name;
			const row = rowOf(text, name);
			expect(row, `${command.name} is missing from the help view:\n${text}`).toBeDefined();
			expect(row).toContain(command.family?.help ?? command.help);
		}
		expect(rowOf(text, 'sort')).toMatch(/^ {2}o +sort +sort by name/);
		expect(rowOf(text, 'new-window')).toMatch(/^ {2}Ctrl-b c +new-window +new tab: another shell/);
		expect(rowOf(text, 'select-pane-*')).toMatch(/^ {2}Ctrl-b ←→↑↓ +select-pane-\* +focus the pane that way/);
		expect(text).toContain('From the browser too: Ctrl-b n p 0-9 w A ?');
	});

	it('shows the keys in force: a rebound command, an unbound one, another prefix', () => {
		const {keymap} = buildKeymap({prefixKey: 'C-a', overrides: {sort: 'S', 'new-window': 'prefix C', doctor: 'none'}});
		const text = screen(show({sections: helpSections(keymap)}).lastFrame);
		expect(rowOf(text, 'sort')).toMatch(/^ {2}S +sort /);
		expect(rowOf(text, 'new-window')).toMatch(/^ {2}Ctrl-a C +new-window /);
		expect(rowOf(text, 'doctor')).toMatch(/^ {2}— +doctor /);
		expect(rowOf(text, 'send-prefix')).toMatch(/^ {2}Ctrl-a Ctrl-a +send-prefix /);
	});

	it('opens on the section of where it was asked from', () => {
		const fromSession = screen(show({first: 'session'}).lastFrame).split('\n');
		expect(fromSession.findIndex(line => line.includes('Sessions, after the prefix'))).toBeLessThan(fromSession.findIndex(line => line.trim() === 'Browser'));
	});

	it('drops the name column when narrow, keeping keys and help', () => {
		const text = screen(show({width: 60}).lastFrame);
		expect(text).toMatch(/^ {2}o +sort by name/m);
		expect(text).not.toMatch(/ select-first /);
	});

	it('scrolls when taller than the screen, and closes with q', async () => {
		const sections = helpSections(defaultKeymap());
		const last = sections.at(-1)!.rows.at(-1)!;
		const {lastFrame, stdin, closed} = show({height: 12});
		expect(screen(lastFrame)).not.toContain(last.help);
		expect(screen(lastFrame)).toMatch(/PgUp\/PgDn scroll \(9 of \d+ lines\)/);
		await press(stdin, 'G');
		await waitForScreen(lastFrame, text => text.includes(last.help) && text.includes(keysText(last)), 'the last row after G');
		await press(stdin, 'g');
		await waitForScreen(lastFrame, text => text.includes('move-down'), 'the first row after g');
		await press(stdin, KEY.down, KEY.down);
		await waitForScreen(lastFrame, text => !text.includes('move-down') && text.includes('page-down'), 'two rows scrolled');
		await press(stdin, 'q');
		expect(closed()).toBe(1);
	});
});
